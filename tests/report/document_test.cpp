// Report sink: JSON round trip, validation and the HTML backend's structure and escaping.
// References: the JSON schema of docs/json-schema.md ("alvh.report" document); HTML 5 rules for
// raw-text <script> elements (WHATWG HTML §4.12.1.3: the text must not contain "</script").
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <regex>

#include "alvh/core/error.hpp"
#include "alvh/report/document.hpp"
#include "alvh/report/html.hpp"
#include "alvh/report/json.hpp"

namespace alvh::report {
namespace {

Document sample() {
  Document d;
  d.title = "T <&> \"q\"";
  d.subtitle = "sub";
  d.meta = {{"market", "embedded"}};
  auto& s = d.add_section("one", "Section </script><b>x</b>");
  s.text("plain").text("careful", true);
  s.add(KeyValues{"kv", {{"a", "1"}, {"b", "<2>"}}});
  Table t{"tab", {}, {}, "note"};
  t.add_column("name").add_column("value");
  t.add_row({std::string("x"), 1.5}).add_row({std::string("nan"), std::numeric_limits<double>::quiet_NaN()});
  s.add(t);
  Chart c;
  c.id = "line-1";
  c.title = "</script><script>alert(1)</script>";
  c.series.push_back({"s1", {1, 2, 3}, {10, std::numeric_limits<double>::quiet_NaN(), 30}, true, false});
  c.marks.push_back({MarkLine::Axis::X, 2.5, "mark"});
  s.add(c);
  Chart b;
  b.id = "bar-1";
  b.kind = ChartKind::Bar;
  b.categories = {"fees", "IL"};
  b.series.push_back({"promoter", {}, {5, -3}, false, false});
  d.add_section("two", "Two").add(b);
  return d;
}

TEST(ReportJson, RoundTripIsExactAndNanBecomesNull) {
  const Document d = sample();
  const auto j = to_json(d);
  EXPECT_TRUE(j["sections"][0]["blocks"][4]["series"][0]["y"][1].is_null());
  const Document back = document_from_json(j);
  EXPECT_EQ(to_json(back).dump(), j.dump());
  const auto* c = back.charts()[0];
  EXPECT_TRUE(std::isnan(c->series[0].y[1]));
  EXPECT_EQ(c->series[0].y[2], 30.0);
  EXPECT_TRUE(c->series[0].dashed);
  EXPECT_EQ(back.charts().size(), 2u);
}

TEST(ReportJson, ErrorsNameTheJsonPath) {
  auto j = to_json(sample());
  j["sections"][0]["blocks"][4]["kind"] = "pie";
  try {
    document_from_json(j, "run.json");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "run.json");
    EXPECT_EQ(e.field(), "$.sections[0].blocks[4].kind");
  }
  j = to_json(sample());
  j["sections"][1]["blocks"][0]["series"][0]["y"][0] = "five";
  EXPECT_THROW(document_from_json(j), InputError);
  j = to_json(sample());
  j["document_version"] = 99;
  EXPECT_THROW(document_from_json(j), InputError);
  j = to_json(sample());
  j["sections"][1]["blocks"][0]["categories"] = {"only one"};  // 2 values, 1 category
  EXPECT_THROW(document_from_json(j), InputError);
}

TEST(ReportDocument, ValidateRejectsDuplicateIdsAndRaggedSeries) {
  Document d = sample();
  d.sections[1].id = "one";
  EXPECT_THROW(validate(d), DomainError);
  d = sample();
  std::get<Chart>(d.sections[0].blocks[4]).series[0].x.pop_back();
  EXPECT_THROW(validate(d), DomainError);
  d = sample();
  std::get<Chart>(d.sections[0].blocks[4]).id = "Bad Id";
  EXPECT_THROW(validate(d), DomainError);
  Table t{"t", {}, {}, ""};
  t.add_column("a");
  EXPECT_THROW(t.add_row({1.0, 2.0}), DomainError);
}

int count(const std::string& s, const std::string& needle) {
  int n = 0;
  for (std::size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

TEST(ReportHtml, WellFormedEnoughAndEscaped) {
  const std::string js = "/* fake charting library for the test */ var echarts = undefined; var s = '</script>';";
  const std::string h = render_html(sample(), HtmlOptions{js, "Apache ECharts", "test"});
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  for (std::string tag : {"html", "head", "body", "main", "section", "table", "tr", "td", "th", "figure", "script", "style", "p"})
    EXPECT_EQ(count(h, "<" + tag + ">") + count(h, "<" + tag + " "), count(h, "</" + tag + ">")) << tag;
  // 3 script elements (data, library, renderer) and exactly 3 closing tags: nothing in the
  // titles or the library closed one early.
  EXPECT_EQ(count(h, "<script"), 3);
  EXPECT_EQ(count(h, "</script>"), 3);
  EXPECT_EQ(count(h, "<b>"), 0);  // the section title's markup is escaped
  EXPECT_NE(h.find("Section &lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(h.find("<\\/script>"), std::string::npos);  // inside the library's string literal
  EXPECT_EQ(count(h, "class=\"alvh-chart\""), 2);
  EXPECT_NE(h.find("id=\"chart-line-1\""), std::string::npos);
  EXPECT_NE(h.find("<p class=\"warning\">careful</p>"), std::string::npos);
  EXPECT_NE(h.find("<td class=\"num\">1.5</td>"), std::string::npos);
  EXPECT_NE(h.find("<td class=\"num\">n/a</td>"), std::string::npos);
}

TEST(ReportHtml, EmbeddedChartJsonMatchesTheDocument) {
  const Document d = sample();
  const std::string h = render_html(d, HtmlOptions{});
  const std::string open = "<script type=\"application/json\" id=\"alvh-charts\">";
  const auto a = h.find(open);
  ASSERT_NE(a, std::string::npos);
  const auto b = h.find("</script>", a);
  const auto specs = nlohmann::json::parse(h.substr(a + open.size(), b - a - open.size()));
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0], to_json(d.sections[0].blocks[4]));
  EXPECT_EQ(specs[0]["title"], "</script><script>alert(1)</script>");  // \u003c escapes decode back
  EXPECT_EQ(specs[1]["series"][0]["y"][1], -3.0);
  EXPECT_NE(h.find("(not embedded)"), std::string::npos);
}

TEST(ReportHtml, NumberFormat) {
  EXPECT_EQ(format_number(1234567.4), "1,234,567");
  EXPECT_EQ(format_number(-10000), "-10,000");
  EXPECT_EQ(format_number(0.000123456789), "0.000123457");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "n/a");
  EXPECT_EQ(html_escape("<a href='x'>&</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
}

}  // namespace
}  // namespace alvh::report
