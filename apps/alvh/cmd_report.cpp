// alvh report: renders the self-contained HTML report of a saved run (alvh run --save-json).
// Also home of the charting-library lookup shared with cmd_run.cpp.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "alvh/core/atomic_file.hpp"
#include "alvh/core/error.hpp"
#include "alvh/report/html.hpp"
#include "alvh/report/json.hpp"
#if defined(ALVH_HAVE_EMBEDDED_REPORT_ASSETS)
#include "alvh/report/report_assets.hpp"
#endif
#include "command.hpp"
#include "output.hpp"

namespace alvh::cli {

// The charting library for the HTML report: the file given (--assets or $ALVH_REPORT_JS), else
// the copy embedded at build time. Throws when neither exists.
report::HtmlOptions report_html_options(const std::string& assets_path, std::string& storage) {
  report::HtmlOptions o;
  std::string path = assets_path;
  if (path.empty()) {
    if (const char* env = std::getenv("ALVH_REPORT_JS"); env && *env) path = env;
  }
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "cannot read the charting library (expected echarts.min.js)");
    std::ostringstream ss;
    ss << in.rdbuf();
    storage = ss.str();
    if (storage.find("echarts") == std::string::npos)
      throw InputError(path, "does not look like Apache ECharts (echarts.min.js)");
    o.charting_js = storage;
    o.charting_version = "from " + path;
    return o;
  }
#if defined(ALVH_HAVE_EMBEDDED_REPORT_ASSETS)
  o.charting_js = report::embedded_charting_js();
  o.charting_version = std::string(report::embedded_charting_version());
  return o;
#else
  throw Error(
      "this alvh was built without the embedded charting library: run scripts/install-report-assets and rebuild, "
      "or pass --assets report/node_modules/echarts/dist/echarts.min.js");
#endif
}

namespace {

struct ReportArgs {
  std::string input;
  std::string out = "alvh-report.html";
  std::string assets;
};

void run_report(const ReportArgs& a, const GlobalOptions& g) {
  std::ifstream in(a.input, std::ios::binary);
  if (!in) throw InputError(a.input, "cannot open (expected the JSON written by `alvh run --save-json FILE`)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {  // parse errors and out-of-range numbers
    throw InputError(a.input, 0, "$", std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object() || !j.contains("schema") || j["schema"] != "alvh.run")
    throw InputError(a.input, 0, "$.schema",
                     "expected \"alvh.run\" (a file written by `alvh run --save-json FILE`), got " +
                         (j.is_object() && j.contains("schema") ? j["schema"].dump() : std::string("none")));
  if (!j.contains("schema_version") || !j["schema_version"].is_number_integer() ||
      j["schema_version"].get<int>() > kJsonSchemaVersion)
    throw InputError(a.input, 0, "$.schema_version",
                     fmt::format("expected an integer <= {} (this alvh's schema version)", kJsonSchemaVersion));
  if (!j.contains("report")) throw InputError(a.input, 0, "$.report", "missing field (the report document)");
  const auto doc = report::document_from_json(j["report"], a.input);
  std::string storage;
  const auto opts = report_html_options(a.assets, storage);
  const std::string html = report::render_html(doc, opts);
  write_file_atomically(a.out, html);
  if (g.json) {
    print_json("report", {{"input", a.input}, {"out", a.out}, {"bytes", html.size()}, {"charts", doc.charts().size()}});
    return;
  }
  if (!g.quiet) fmt::print("Wrote {} ({} charts, {} bytes) from {}\n", a.out, doc.charts().size(), html.size(), a.input);
}

const RegisterCommand reg(91, [](CLI::App& app, const GlobalOptions& g) {
  auto args = std::make_shared<ReportArgs>();
  auto* sub = app.add_subcommand("report", "Render the HTML report of a saved run (alvh run --save-json)");
  sub->footer(
      "Example:\n  alvh run --save-json run.json --out first.html\n  alvh report --input run.json --out report.html\n"
      "The report is one self-contained HTML file (charts: Apache ECharts, embedded); it opens offline.");
  sub->add_option("--input,-i", args->input, "JSON of a run, written by `alvh run --save-json FILE`")->required();
  sub->add_option("--out,-o", args->out, "HTML file to write (atomically)")->capture_default_str();
  sub->add_option("--assets", args->assets,
                  "Use this echarts.min.js instead of the embedded copy (default: $ALVH_REPORT_JS or embedded)");
  sub->callback([args, &g] { run_report(*args, g); });
});

}  // namespace
}  // namespace alvh::cli
