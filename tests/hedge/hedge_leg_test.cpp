// read_hedge_json: round trip of the documented alvh.hedge shape (docs/risk-hedge.md, apis.md)
// and clear errors on malformed documents.
#include "alvh/hedge/hedge_leg.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "alvh/core/error.hpp"

namespace {
using alvh::hedge::HedgeLeg;
using alvh::options::OptionType;

std::string write_temp(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / ("alvh_hedge_leg_" + std::to_string(::getpid()) + name);
  std::ofstream(p) << text;
  return p.string();
}

TEST(HedgeLeg, RoundTripThroughTheDocumentShape) {
  HedgeLeg put{"ETH-27DEC24-2400-P", OptionType::Put, 2400.0, 0.25, 3.5, 41.25};
  HedgeLeg call{"ETH-27DEC24-3800-C", OptionType::Call, 3800.0, 0.25, -1.0, 20.0};
  nlohmann::json doc = {{"schema", "alvh.hedge"}, {"schema_version", 1}, {"legs", {to_json(put), to_json(call)}}};
  EXPECT_EQ(doc["legs"][0]["side"], "buy");
  EXPECT_EQ(doc["legs"][1]["side"], "sell");
  EXPECT_EQ(doc["legs"][1]["type"], "call");
  const auto path = write_temp("ok.json", doc.dump());
  const auto legs = alvh::hedge::read_hedge_json(path);
  ASSERT_EQ(legs.size(), 2u);
  EXPECT_EQ(legs[0].instrument, put.instrument);
  EXPECT_EQ(legs[0].type, OptionType::Put);
  EXPECT_DOUBLE_EQ(legs[0].strike, 2400.0);
  EXPECT_DOUBLE_EQ(legs[0].quantity, 3.5);
  EXPECT_DOUBLE_EQ(legs[0].premium, 41.25);
  EXPECT_EQ(legs[1].type, OptionType::Call);
  EXPECT_DOUBLE_EQ(legs[1].quantity, -1.0);
  std::filesystem::remove(path);
}

TEST(HedgeLeg, MalformedDocumentsNameTheField) {
  auto expect_error = [](const std::string& text, const std::string& needle) {
    const auto path = write_temp("bad.json", text);
    try {
      alvh::hedge::read_hedge_json(path);
      ADD_FAILURE() << "no error for " << text;
    } catch (const alvh::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    std::filesystem::remove(path);
  };
  expect_error("{not json", "not valid JSON");
  expect_error(R"({"schema":"alvh.position","legs":[]})", "schema");
  expect_error(R"({"schema":"alvh.hedge"})", "legs");
  expect_error(R"({"schema":"alvh.hedge","legs":[{"instrument":"x","type":"straddle","strike":1,"expiry_years":1,"quantity":1,"premium":1}]})",
               "legs[0].type");
  expect_error(R"({"schema":"alvh.hedge","legs":[{"instrument":"x","type":"put","strike":1,"expiry_years":0,"quantity":1,"premium":1}]})",
               "legs[0].expiry_years");
  expect_error(R"({"schema":"alvh.hedge","legs":[{"instrument":"x","type":"put","strike":1,"expiry_years":1,"quantity":-1,"premium":1,"side":"buy"}]})",
               "legs[0].side");
  expect_error(R"({"schema":"alvh.hedge","legs":[{"instrument":"x","type":"put","expiry_years":1,"quantity":1,"premium":1}]})",
               "legs[0].strike");
  // Found by fuzz/fuzz_inputs.cpp: a number beyond the double range made the JSON parser throw
  // its own out_of_range, which escaped as a non-alvh exception; a non-string schema likewise.
  expect_error(R"({"schema":"alvh.hedge","legs":[1.5,19.115E1846]})", "not valid JSON");
  expect_error(R"({"schema":7,"legs":[]})", "schema");
  EXPECT_THROW(alvh::hedge::read_hedge_json("/nonexistent/hedge.json"), alvh::InputError);
}

}  // namespace
