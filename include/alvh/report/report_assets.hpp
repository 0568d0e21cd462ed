#pragma once
// The charting library embedded into the binary at build time (cmake/AlvhReportAssets.cmake
// generates the definitions from report/node_modules/echarts/dist/echarts.min.js, installed by
// scripts/install-report-assets). Defined only in targets linked with alvh_report_assets, which
// also defines ALVH_HAVE_EMBEDDED_REPORT_ASSETS=1.
#include <string_view>

namespace alvh::report {

std::string_view embedded_charting_js() noexcept;       // Apache ECharts, minified
std::string_view embedded_charting_version() noexcept;  // its npm version, e.g. "6.1.0"

}  // namespace alvh::report
