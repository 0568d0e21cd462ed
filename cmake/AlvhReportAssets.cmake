# Embeds the HTML report's charting library (Apache ECharts, echarts.min.js from npm) into
# the alvh binary, so every report is one self-contained file that opens offline.
#
# Two roles in one file:
#  - included from report/CMakeLists.txt: defines the static library alvh_report_assets
#    (a generated .cpp defining alvh::report::embedded_charting_js(), see
#    include/alvh/report/report_assets.hpp) and links it into the CLI;
#  - run as a script (cmake -P, at build time): writes that .cpp from the .js. If the .js is
#    missing, the build fails here with the command to run.
# The .js is installed by scripts/install-report-assets (npm ci from report/package-lock.json).

if(CMAKE_SCRIPT_MODE_FILE)
  # ---- script mode: INPUT (.js), VERSION_FILE (its package.json), OUTPUT (.cpp) ----------
  if(NOT EXISTS "${INPUT}")
    message(FATAL_ERROR
      "alvh report assets: ${INPUT} not found.\n"
      "The HTML report embeds Apache ECharts from npm at build time. Run\n"
      "    scripts/install-report-assets\n"
      "(idempotent npm ci in report/) and build again.")
  endif()
  file(READ "${INPUT}" js)
  file(READ "${VERSION_FILE}" pkg)
  string(JSON version GET "${pkg}" version)
  set(delim "alvh_js")
  string(FIND "${js}" ")${delim}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "alvh report assets: ${INPUT} contains the raw-string delimiter )${delim}\"")
  endif()
  string(LENGTH "${js}" n)
  set(body "")
  set(chunk 16000)
  set(pos 0)
  while(pos LESS n)
    string(SUBSTRING "${js}" ${pos} ${chunk} piece)
    string(APPEND body "R\"${delim}(${piece})${delim}\"\n")
    math(EXPR pos "${pos} + ${chunk}")
  endwhile()
  file(WRITE "${OUTPUT}.tmp"
"// Generated at build time by cmake/AlvhReportAssets.cmake from
// ${INPUT}
// (echarts ${version}, ${n} bytes, Apache License 2.0). Do not edit; do not commit.
#include \"alvh/report/report_assets.hpp\"

namespace alvh::report {
namespace {
constexpr char kChartingJs[] =
${body};
}  // namespace

std::string_view embedded_charting_js() noexcept { return {kChartingJs, sizeof(kChartingJs) - 1}; }
std::string_view embedded_charting_version() noexcept { return \"${version}\"; }

}  // namespace alvh::report
")
  file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
  return()
endif()

# ---- configure mode --------------------------------------------------------------------
set(ALVH_REPORT_JS "${PROJECT_SOURCE_DIR}/report/node_modules/echarts/dist/echarts.min.js"
    CACHE FILEPATH "Apache ECharts (echarts.min.js) embedded into the HTML report")
get_filename_component(_alvh_js_dir "${ALVH_REPORT_JS}" DIRECTORY)
set(_alvh_js_pkg "${_alvh_js_dir}/../package.json")
set(_alvh_gen "${PROJECT_BINARY_DIR}/generated/alvh_report_assets.cpp")
set(_alvh_deps "${PROJECT_SOURCE_DIR}/report/package-lock.json" "${CMAKE_CURRENT_LIST_FILE}")
if(EXISTS "${ALVH_REPORT_JS}")
  list(APPEND _alvh_deps "${ALVH_REPORT_JS}")
else()
  message(WARNING "alvh: ${ALVH_REPORT_JS} not found; building alvh will fail until you run "
                  "scripts/install-report-assets")
endif()
add_custom_command(OUTPUT "${_alvh_gen}"
  COMMAND "${CMAKE_COMMAND}" "-DINPUT=${ALVH_REPORT_JS}" "-DVERSION_FILE=${_alvh_js_pkg}" "-DOUTPUT=${_alvh_gen}"
          -P "${CMAKE_CURRENT_LIST_FILE}"
  DEPENDS ${_alvh_deps}
  COMMENT "Embedding the report's charting library (echarts.min.js)"
  VERBATIM)
add_library(alvh_report_assets STATIC "${_alvh_gen}")
target_include_directories(alvh_report_assets PUBLIC "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>")
target_compile_features(alvh_report_assets PUBLIC cxx_std_20)
target_compile_definitions(alvh_report_assets INTERFACE ALVH_HAVE_EMBEDDED_REPORT_ASSETS=1)
target_link_libraries(alvh_report_assets PRIVATE alvh_build_flags)
if(TARGET alvh_cli)
  target_link_libraries(alvh_cli PRIVATE alvh_report_assets)
endif()
if(TARGET alvh_report_tests)
  target_link_libraries(alvh_report_tests PRIVATE alvh_report_assets)
endif()
