#include "alvh/report/html.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "alvh/report/json.hpp"

namespace alvh::report {
namespace {

// Page style: one column, print-friendly, no web fonts (offline).
constexpr std::string_view kStyle = R"css(
:root { --fg:#1b1f24; --muted:#5b6570; --rule:#d9dee3; --accent:#1f5fa8; --warn-bg:#fff4e0; --warn:#8a5300; }
* { box-sizing: border-box; }
body { font: 14px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg);
       margin: 0; background: #f6f7f9; }
header { background: #10243e; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #c8d3e0; }
main { max-width: 1180px; margin: 0 auto; padding: 16px 32px 48px; }
nav { margin: 12px 0 8px; font-size: 13px; }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
section { background: #fff; border: 1px solid var(--rule); border-radius: 6px; padding: 8px 22px 18px; margin: 18px 0; }
h2 { font-size: 18px; border-bottom: 1px solid var(--rule); padding-bottom: 6px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.warning { background: var(--warn-bg); color: var(--warn); padding: 6px 10px; border-left: 3px solid #e0a030; }
table { border-collapse: collapse; margin: 6px 0 4px; font-size: 13px; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--rule); text-align: left; }
th { background: #eef2f6; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv td:first-child { color: var(--muted); }
.note { color: var(--muted); font-size: 12px; margin: 2px 0 10px; }
figure { margin: 14px 0; }
.alvh-chart { width: 100%; height: 360px; }
figcaption { color: var(--muted); font-size: 12px; }
footer { color: var(--muted); font-size: 12px; max-width: 1180px; margin: 0 auto; padding: 0 32px 32px; }
)css";

// Builds an ECharts option from each chart specification (document.hpp) and draws it.
// window.alvhReport records what happened, for the browser test.
constexpr std::string_view kRenderer = R"js(
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('alvh-charts').textContent);
  var state = { charts: specs.length, rendered: 0, errors: [] };
  window.alvhReport = state;
  if (typeof echarts === 'undefined') {
    state.errors.push('charting library not embedded');
    document.querySelectorAll('.alvh-chart').forEach(function (el) {
      el.textContent = 'Charts unavailable: this report was written without the charting library ' +
                       '(run scripts/install-report-assets and rebuild alvh).';
    });
    return;
  }
  var palette = ['#1f5fa8', '#d9822b', '#2e8b57', '#b03a2e', '#7d3c98', '#17a2b8', '#6c757d', '#c9a227'];
  function fmt(v) {
    if (v === null || !isFinite(v)) return 'n/a';
    var a = Math.abs(v);
    if (a >= 1e4) return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
    if (a >= 1) return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
    return Number(v.toPrecision(4)).toString();
  }
  function markLines(spec) {
    return spec.marks.map(function (m) {
      var d = { label: { formatter: m.label, position: m.axis === 'x' ? 'insideEndTop' : 'insideEndTop', fontSize: 11 } };
      d[m.axis === 'x' ? 'xAxis' : 'yAxis'] = m.value;
      return d;
    });
  }
  function option(spec) {
    var isBar = spec.kind === 'bar';
    var opt = {
      animation: false,
      color: palette,
      title: { text: spec.title, left: 'center', textStyle: { fontSize: 14 } },
      tooltip: { trigger: isBar ? 'axis' : 'axis', valueFormatter: fmt },
      legend: { top: 26, type: 'scroll' },
      grid: { left: 70, right: 40, top: 64, bottom: 56 },
      xAxis: isBar ? { type: 'category', data: spec.categories, name: spec.x_label, nameLocation: 'middle', nameGap: 32 }
                   : { type: 'value', scale: true, name: spec.x_label, nameLocation: 'middle', nameGap: 30,
                       axisLabel: { formatter: fmt } },
      yAxis: { type: 'value', scale: !isBar && spec.kind !== 'histogram', name: spec.y_label, nameLocation: 'middle',
               nameGap: 52, axisLabel: { formatter: fmt } },
      series: []
    };
    spec.series.forEach(function (s, i) {
      var out = { name: s.name };
      if (isBar) {
        out.type = 'bar';
        out.data = s.y;
      } else {
        out.data = s.x.map(function (x, k) { return [x, s.y[k]]; });
        if (spec.kind === 'histogram') {
          out.type = 'bar';
          out.barWidth = '95%';
          out.barCategoryGap = '0%';
        } else {
          out.type = 'line';
          out.showSymbol = false;
          out.connectNulls = false;
          out.lineStyle = { width: 1.6, type: s.dashed ? 'dashed' : 'solid' };
          if (s.area) out.areaStyle = { opacity: 0.25 };
        }
      }
      if (i === 0 && spec.marks.length) {
        out.markLine = { symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: '#444', width: 1 },
                         data: markLines(spec) };
      }
      opt.series.push(out);
    });
    return opt;
  }
  specs.forEach(function (spec) {
    var el = document.getElementById('chart-' + spec.id);
    try {
      var chart = echarts.init(el, null, { renderer: 'canvas' });
      chart.setOption(option(spec));
      window.addEventListener('resize', function () { chart.resize(); });
      state.rendered += 1;
    } catch (e) {
      state.errors.push(spec.id + ': ' + e);
      console.error('alvh report: chart ' + spec.id + ' failed: ' + e);
    }
  });
})();
)js";

// JSON text safe inside <script>: '<', '>' and '&' become \u escapes (valid JSON, and no
// "</script" or "<!--" can appear).
std::string script_safe_json(const nlohmann::json& j) {
  std::string s = j.dump();
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out += c;
  }
  return out;
}

// A third-party script inlined verbatim, except "</script" (which would close the element;
// in JS source it can only occur inside a string or regex literal, where "<\/" means "</").
std::string script_safe_js(std::string_view js) {
  std::string out(js);
  std::size_t pos = 0;
  while ((pos = out.find("</script", pos)) != std::string::npos) {
    out.replace(pos, 2, "<\\/");
    pos += 3;
  }
  return out;
}

void render_block(std::string& h, const Block& b, nlohmann::json& chart_specs) {
  if (const auto* p = std::get_if<Paragraph>(&b)) {
    h += p->warning ? "<p class=\"warning\">" : "<p>";
    h += html_escape(p->text);
    h += "</p>\n";
  } else if (const auto* kv = std::get_if<KeyValues>(&b)) {
    if (!kv->title.empty()) h += "<h3>" + html_escape(kv->title) + "</h3>\n";
    h += "<table class=\"kv\">\n";
    for (const auto& [k, v] : kv->rows) h += "<tr><td>" + html_escape(k) + "</td><td>" + html_escape(v) + "</td></tr>\n";
    h += "</table>\n";
  } else if (const auto* t = std::get_if<Table>(&b)) {
    if (!t->title.empty()) h += "<h3>" + html_escape(t->title) + "</h3>\n";
    h += "<table>\n<thead><tr>";
    for (const auto& c : t->columns) h += "<th>" + html_escape(c) + "</th>";
    h += "</tr></thead>\n<tbody>\n";
    for (const auto& r : t->rows) {
      h += "<tr>";
      for (const auto& c : r) {
        if (const auto* d = std::get_if<double>(&c))
          h += "<td class=\"num\">" + format_number(*d) + "</td>";
        else
          h += "<td>" + html_escape(std::get<std::string>(c)) + "</td>";
      }
      h += "</tr>\n";
    }
    h += "</tbody>\n</table>\n";
    if (!t->note.empty()) h += "<p class=\"note\">" + html_escape(t->note) + "</p>\n";
  } else {
    const auto& c = std::get<Chart>(b);
    h += "<figure><div class=\"alvh-chart\" id=\"chart-" + c.id + "\" role=\"img\" aria-label=\"" + html_escape(c.title) +
         "\"></div>";
    if (!c.note.empty()) h += "<figcaption>" + html_escape(c.note) + "</figcaption>";
    h += "</figure>\n";
    chart_specs.push_back(to_json(b));
  }
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_number(double v) {
  if (!std::isfinite(v)) return "n/a";
  if (v == 0.0) return "0";
  const double a = std::fabs(v);
  if (a >= 1e4 && a < 1e15) {
    // thousands separators, no decimals
    std::string digits = fmt::format("{:.0f}", a);
    std::string out;
    const std::size_t n = digits.size();
    for (std::size_t i = 0; i < n; ++i) {
      out += digits[i];
      if ((n - i - 1) % 3 == 0 && i + 1 < n) out += ',';
    }
    return v < 0 ? "-" + out : out;
  }
  return fmt::format("{:.6g}", v);
}

std::string render_html(const Document& doc, const HtmlOptions& options) {
  validate(doc);
  std::string h;
  h.reserve(options.charting_js.size() + (1u << 16));
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  h += html_escape(doc.title);
  h += "</title>\n<style>";
  h += kStyle;
  h += "</style>\n</head>\n<body>\n<header><h1>";
  h += html_escape(doc.title);
  h += "</h1>";
  if (!doc.subtitle.empty()) h += "<p>" + html_escape(doc.subtitle) + "</p>";
  h += "</header>\n<main>\n";
  if (!doc.meta.empty()) {
    h += "<section id=\"run\"><h2>Run</h2>\n<table class=\"kv\">\n";
    for (const auto& [k, v] : doc.meta) h += "<tr><td>" + html_escape(k) + "</td><td>" + html_escape(v) + "</td></tr>\n";
    h += "</table>\n</section>\n";
  }
  h += "<nav>";
  for (const auto& s : doc.sections) h += "<a href=\"#" + s.id + "\">" + html_escape(s.title) + "</a>";
  h += "</nav>\n";
  nlohmann::json specs = nlohmann::json::array();
  for (const auto& s : doc.sections) {
    h += "<section id=\"" + s.id + "\">\n<h2>" + html_escape(s.title) + "</h2>\n";
    for (const auto& b : s.blocks) render_block(h, b, specs);
    h += "</section>\n";
  }
  h += "</main>\n<footer>Written by alvh. Charts: ";
  h += html_escape(options.charting_name);
  if (!options.charting_version.empty()) h += " " + html_escape(options.charting_version);
  h += options.charting_js.empty() ? " (not embedded)" : " (embedded; Apache License 2.0)";
  h += ". This file is self-contained and opens offline.</footer>\n";
  h += "<script type=\"application/json\" id=\"alvh-charts\">";
  h += script_safe_json(specs);
  h += "</script>\n";
  if (!options.charting_js.empty()) {
    h += "<script>\n";
    h += script_safe_js(options.charting_js);
    h += "\n</script>\n";
  }
  h += "<script>";
  h += kRenderer;
  h += "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace alvh::report
