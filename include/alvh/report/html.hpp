#pragma once
// HTML backend of the report sink: ONE self-contained file that opens offline. Tables, key/value
// blocks and text are static HTML (readable with scripts off); charts are drawn in the browser by
// Apache ECharts, whose minified source is inlined into the page together with the chart
// specifications (JSON). Nothing is fetched at view time.
//
// The charting library comes from the npm registry (report/package.json, installed by
// scripts/install-report-assets) and is embedded into the alvh binary at build time
// (cmake/AlvhReportAssets.cmake -> report_assets.hpp). The renderer takes it as an argument so
// the module itself does not depend on the generated file.
#include <string>
#include <string_view>

#include "alvh/report/document.hpp"

namespace alvh::report {

struct HtmlOptions {
  std::string_view charting_js;     // the library's source (echarts.min.js); empty -> charts show a notice
  std::string charting_name = "Apache ECharts";
  std::string charting_version;  // shown in the footer
};

// Validates the document (validate()) and renders it. Text is HTML-escaped; JSON inside
// <script> is escaped so that no "</script" or "<!--" can end the element early.
std::string render_html(const Document& doc, const HtmlOptions& options);

// Table number formatting shared by the HTML and text backends: up to 6 significant digits,
// thousands separators for |v| >= 10,000, "n/a" for non-finite values.
std::string format_number(double v);

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view s);

}  // namespace alvh::report
