// Chains: Deribit instrument names, the shared Deribit snapshots (/work/shared/data/README.md
// section 5), Deribit book-summary JSON/CSV, the generic CSV, bad input; put-call parity
// helpers (Haug 2007, 1.1.1: C - P = D (F - K)).
#include "alvh/options/chain.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "alvh/core/error.hpp"
#include "test_support.hpp"

namespace alvh::options {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto p = std::filesystem::temp_directory_path() / ("alvh_options_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p) << text;
  return p.string();
}

TEST(DeribitInstrument, ParsesAndFormats) {
  const auto i = parse_deribit_instrument("ETH-27DEC24-3000-C");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->underlying, "ETH");
  EXPECT_EQ(i->year, 2024);
  EXPECT_EQ(i->month, 12);
  EXPECT_EQ(i->day, 27);
  EXPECT_EQ(i->strike, 3000.0);
  EXPECT_EQ(i->type, OptionType::Call);
  EXPECT_EQ(format_deribit_instrument(*i), "ETH-27DEC24-3000-C");
  // 2024-12-27 08:00 UTC (Python datetime: 1735286400).
  EXPECT_EQ(deribit_expiry_unix(*i), 1735286400.0);
  const auto j = parse_deribit_instrument("BTC-5JUN20-9000-P");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->day, 5);
  EXPECT_EQ(j->type, OptionType::Put);
  const auto l = parse_deribit_instrument("XRP_USDC-30MAY25-0d625-C");
  ASSERT_TRUE(l);
  EXPECT_DOUBLE_EQ(l->strike, 0.625);
  EXPECT_EQ(format_deribit_instrument(*l), "XRP_USDC-30MAY25-0d625-C");
  for (const char* bad : {"ETH-27DEC24-3000", "ETH-32DEC24-3000-C", "ETH-27XYZ24-3000-C", "ETH-PERPETUAL",
                          "ETH-27DEC24-3000-X", "ETH-27DEC24--3000-C", "ETH-29FEB23-3000-C", ""})
    EXPECT_FALSE(parse_deribit_instrument(bad)) << bad;
}

TEST(ChainLoad, SharedDeribitSnapshot) {
  ALVH_REQUIRE_SHARED(path, "data/deribit_btc_option_chain_20200514.csv");
  const auto chain = load_chain(path.string());
  EXPECT_EQ(chain.underlying, "BTC");
  EXPECT_EQ(chain.quotes.size(), 310u);  // README: 310 rows
  EXPECT_NEAR(chain.spot, 9348.0, 100.0);
  const auto& q = chain.quotes.front();  // BTC-14MAY20-7875-C, first row of the file
  EXPECT_EQ(q.instrument, "BTC-14MAY20-7875-C");
  EXPECT_NEAR(q.mark, 0.15757194 * 9348.01, 1e-9);  // coin price x underlying
  EXPECT_NEAR(q.bid, 0.013 * 9348.01, 1e-9);
  EXPECT_TRUE(std::isnan(q.ask) || q.ask > 0);
  EXPECT_NEAR(q.iv, 1.1752, 1e-12);
  EXPECT_NEAR(q.expiry_years, 0.0002589597602739726, 1e-12);  // 05:43:53.445 -> 08:00 UTC
  // The put of that row has an empty bid (0 with amount 0): absent, not zero.
  EXPECT_TRUE(std::isnan(chain.quotes[1].bid));
  for (const auto& x : chain.quotes) {
    EXPECT_GT(x.expiry_years, 0.0);
    if (std::isfinite(x.bid) && std::isfinite(x.ask)) {
      EXPECT_LE(x.bid, x.ask) << x.instrument;
    }
  }
}

TEST(ChainLoad, DeribitBookSummaryJsonAndCsv) {
  const std::string json = R"({"jsonrpc":"2.0","result":[
    {"instrument_name":"ETH-27DEC24-3000-C","mark_price":0.05,"mark_iv":65.5,"bid_price":0.048,"ask_price":0.052,
     "underlying_price":3100.0,"interest_rate":0.0,"open_interest":12.0,"creation_timestamp":1732694400000,
     "estimated_delivery_price":3090.0},
    {"instrument_name":"ETH-27DEC24-2800-P","mark_price":0.02,"mark_iv":66.0,"bid_price":null,"ask_price":0.021,
     "underlying_price":3100.0,"interest_rate":0.0,"open_interest":5.0,"creation_timestamp":1732694400000}]})";
  const auto chain = load_chain(write_temp("bs.json", json));
  ASSERT_EQ(chain.quotes.size(), 2u);
  EXPECT_EQ(chain.spot, 3090.0);
  EXPECT_NEAR(chain.quotes[0].mark, 0.05 * 3100, 1e-12);
  EXPECT_NEAR(chain.quotes[0].iv, 0.655, 1e-15);
  EXPECT_NEAR(chain.quotes[0].expiry_years, (1735286400.0 - 1732694400.0) / (365 * 86400.0), 1e-12);
  EXPECT_TRUE(std::isnan(chain.quotes[1].bid));
  const std::string csv =
      "instrument_name,mark_price,mark_iv,bid_price,ask_price,underlying_price,interest_rate,open_interest,"
      "creation_timestamp\n"
      "ETH-27DEC24-3000-C,0.05,65.5,0.048,0.052,3100,0,12,1732694400000\n";
  const auto c2 = load_chain(write_temp("bs.csv", csv));
  ASSERT_EQ(c2.quotes.size(), 1u);
  EXPECT_NEAR(c2.quotes[0].ask, 0.052 * 3100, 1e-12);
}

TEST(ChainLoad, GenericCsv) {
  const std::string csv =
      "expiry,strike,type,bid,ask,iv,spot\n"
      "0.25,3000,call,150,155,0.62,3050\n"
      "0.25,3000,P,,95,,3050\n"
      "2025-03-28,3200,call,100,104,0.6,3050\n";
  ChainLoadOptions opt;
  opt.as_of_unix = *parse_iso_utc("2024-12-28T00:00:00Z");
  const auto c = load_chain(write_temp("g.csv", csv), opt);
  ASSERT_EQ(c.quotes.size(), 3u);
  EXPECT_EQ(c.spot, 3050.0);
  EXPECT_TRUE(std::isnan(c.quotes[1].bid));
  EXPECT_TRUE(std::isnan(c.quotes[1].iv));
  EXPECT_NEAR(c.quotes[2].expiry_years, 90.0 / 365.0, 1e-12);
}

// Bad input: each error names the file, line and field.
TEST(ChainLoad, BadInputErrors) {
  auto expect_input_error = [](const std::string& path, const std::string& needle) {
    try {
      load_chain(path);
      ADD_FAILURE() << "expected InputError for " << needle;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_input_error(write_temp("crossed.csv", "expiry,strike,type,bid,ask,iv,spot\n0.25,3000,call,160,155,0.6,3050\n"),
                     "crossed");
  expect_input_error(write_temp("negk.csv", "expiry,strike,type,bid,ask,iv,spot\n0.25,-3000,call,150,155,0.6,3050\n"),
                     "strike");
  expect_input_error(write_temp("negiv.csv", "expiry,strike,type,bid,ask,iv,spot\n0.25,3000,call,150,155,-0.6,3050\n"),
                     "iv");
  expect_input_error(write_temp("negt.csv", "expiry,strike,type,bid,ask,iv,spot\n-0.25,3000,call,150,155,0.6,3050\n"),
                     "expiry");
  expect_input_error(
      write_temp("type.csv", "expiry,strike,type,bid,ask,iv,spot\n0.25,3000,straddle,150,155,0.6,3050\n"), "call/put");
  expect_input_error(write_temp("missing.csv", "expiry,strike,type,bid,iv,spot\n0.25,3000,call,150,0.6,3050\n"), "ask");
  expect_input_error(write_temp("name.csv",
                                "instrument_name,mark_price,bid_price,ask_price,underlying_price,creation_timestamp\n"
                                "ETH-PERPETUAL,0.05,0.04,0.06,3100,1732694400000\n"),
                     "unknown instrument format");
  expect_input_error(
      write_temp("nofield.json",
                 R"([{"instrument_name":"ETH-27DEC24-3000-C","mark_price":0.05,"creation_timestamp":1732694400000}])"),
      "underlying_price");
  expect_input_error(write_temp("schema.csv", "a,b\n1,2\n"), "unrecognised chain schema");
  expect_input_error("/nonexistent/chain.csv", "cannot open");
}

TEST(Parity, SyntheticForwardConversionReversal) {
  const double S = 3000, K = 3200, T = 0.5, r = 0.04, q = 0.01, vol = 0.7;
  const double D = std::exp(-r * T), F = S * std::exp((r - q) * T);
  const double C = bsm_price(OptionType::Call, S, K, T, r, q, vol);
  const double P = bsm_price(OptionType::Put, S, K, T, r, q, vol);
  EXPECT_NEAR(synthetic_forward(C, P, K, D), F, 1e-10 * F);
  // Quotes at model value on both sides: no parity arbitrage either way.
  OptionQuote call{"c", OptionType::Call, K, T, C, C, C, vol, F};
  OptionQuote put{"p", OptionType::Put, K, T, P, P, P, vol, F};
  auto a = parity_arbitrage(call, put, F, F, D);
  EXPECT_NEAR(a.conversion, 0.0, 1e-10 * S);
  EXPECT_NEAR(a.reversal, 0.0, 1e-10 * S);
  // Call bid rich by 5: conversion (sell call, buy put, buy forward) locks in 5.
  call.bid = C + 5;
  call.ask = C + 6;
  a = parity_arbitrage(call, put, F, F, D);
  EXPECT_NEAR(a.conversion, 5.0, 1e-9);
  EXPECT_NEAR(a.reversal, -6.0, 1e-9);
  // Cheapest long call: the call ask is 6 rich, so put + long forward saves 6.
  const auto h = cheapest_long(OptionType::Call, call, put, F, F, D);
  EXPECT_EQ(h.route, "put + long forward");
  EXPECT_NEAR(h.cost, C, 1e-9);
  EXPECT_NEAR(h.saving, 6.0, 1e-9);
  // Long put: the direct put is cheaper than call + short forward.
  const auto hp = cheapest_long(OptionType::Put, call, put, F, F, D);
  EXPECT_EQ(hp.route, "put");
  EXPECT_NEAR(hp.saving, 6.0, 1e-9);
}

}  // namespace
}  // namespace alvh::options
