// Streaming CSV reader: typed fields, quoted fields, gzip, and errors naming file:line:field.
#include "alvh/core/csv.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "alvh/core/atomic_file.hpp"
#include "alvh/core/error.hpp"

namespace fs = std::filesystem;

namespace {
fs::path temp_file(const std::string& name, const std::string& content) {
  fs::path p = fs::temp_directory_path() / ("alvh_csv_test_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p) << content;
  return p;
}
}  // namespace

TEST(CsvReader, ReadsTypedFieldsAndQuotedCommas) {
  auto p = temp_file("ok.csv", "# comment\ntime,price,name\n1,2.5,\"a,b\"\n\n2,1e3,\"say \"\"hi\"\"\"\n");
  alvh::CsvReader r(p.string());
  ASSERT_EQ(r.header().size(), 3u);
  const auto t = r.column("time"), pr = r.column("price"), n = r.column("name");
  ASSERT_TRUE(r.next());
  EXPECT_EQ(r.get_int(t), 1);
  EXPECT_EQ(r.get_double(pr), 2.5);
  EXPECT_EQ(r.field(n), "a,b");
  ASSERT_TRUE(r.next());
  EXPECT_EQ(r.line(), 5u);
  EXPECT_EQ(r.get_double(pr), 1000.0);
  EXPECT_EQ(r.field(n), "say \"hi\"");
  EXPECT_FALSE(r.next());
  fs::remove(p);
}

TEST(CsvReader, ErrorsNameFileLineAndField) {
  auto p = temp_file("bad.csv", "time,price\n1,2\n2,nan\n3,-1\n4\n");
  alvh::CsvReader r(p.string());
  const auto pr = r.column("price");
  ASSERT_TRUE(r.next());
  ASSERT_TRUE(r.next());
  try {
    r.get_double(pr);
    FAIL() << "NaN accepted";
  } catch (const alvh::InputError& e) {
    EXPECT_EQ(e.line(), 3u);
    EXPECT_EQ(e.field(), "price");
    EXPECT_NE(std::string(e.what()).find(p.string() + ":3: field 'price'"), std::string::npos) << e.what();
  }
  ASSERT_TRUE(r.next());
  EXPECT_THROW(r.get_positive(pr), alvh::InputError);
  EXPECT_THROW(r.next(), alvh::InputError);  // wrong field count on line 5
  EXPECT_THROW(r.column("volume"), alvh::InputError);
  fs::remove(p);
  EXPECT_THROW(alvh::CsvReader("/nonexistent/x.csv"), alvh::InputError);
}

TEST(CsvReader, ReadsGzipTransparently) {
  fs::path p = fs::temp_directory_path() / ("alvh_csv_test_" + std::to_string(::getpid()) + ".csv.gz");
  gzFile f = gzopen(p.c_str(), "wb");
  gzputs(f, "a,b\n1,2\n3,4\n");
  gzclose(f);
  alvh::CsvReader r(p.string());
  int rows = 0;
  while (r.next()) ++rows;
  EXPECT_EQ(rows, 2);
  fs::remove(p);
}

TEST(AtomicFile, LeavesNoPartialFileOnFailure) {
  fs::path p = fs::temp_directory_path() / ("alvh_atomic_" + std::to_string(::getpid()) + ".txt");
  EXPECT_THROW(alvh::write_file_atomically(p, [](std::ostream& o) {
                 o << "half";
                 throw alvh::Error("boom");
               }),
               alvh::Error);
  EXPECT_FALSE(fs::exists(p));
  for (auto& e : fs::directory_iterator(p.parent_path()))
    EXPECT_EQ(e.path().filename().string().find("." + p.filename().string() + ".tmp"), std::string::npos);
  alvh::write_file_atomically(p, "whole");
  std::ifstream in(p);
  std::string s;
  in >> s;
  EXPECT_EQ(s, "whole");
  fs::remove(p);
}
