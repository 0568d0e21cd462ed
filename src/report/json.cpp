#include "alvh/report/json.hpp"

#include <cmath>
#include <limits>

#include "alvh/core/error.hpp"

namespace alvh::report {
namespace {

using nlohmann::json;

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json numbers(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(number(x));
  return a;
}

const char* kind_name(ChartKind k) {
  switch (k) {
    case ChartKind::Line: return "line";
    case ChartKind::Bar: return "bar";
    case ChartKind::Histogram: return "histogram";
  }
  return "line";
}

json block_json(const Block& b) {
  if (const auto* p = std::get_if<Paragraph>(&b)) return {{"type", "text"}, {"text", p->text}, {"warning", p->warning}};
  if (const auto* kv = std::get_if<KeyValues>(&b)) {
    json rows = json::array();
    for (const auto& [k, v] : kv->rows) rows.push_back(json::array({k, v}));
    return {{"type", "kv"}, {"title", kv->title}, {"rows", rows}};
  }
  if (const auto* t = std::get_if<Table>(&b)) {
    json rows = json::array();
    for (const auto& r : t->rows) {
      json row = json::array();
      for (const auto& c : r) {
        if (const auto* d = std::get_if<double>(&c))
          row.push_back(number(*d));
        else
          row.push_back(std::get<std::string>(c));
      }
      rows.push_back(row);
    }
    return {{"type", "table"}, {"title", t->title}, {"columns", t->columns}, {"rows", rows}, {"note", t->note}};
  }
  const auto& c = std::get<Chart>(b);
  json series = json::array();
  for (const auto& s : c.series)
    series.push_back({{"name", s.name}, {"x", numbers(s.x)}, {"y", numbers(s.y)}, {"dashed", s.dashed}, {"area", s.area}});
  json marks = json::array();
  for (const auto& m : c.marks)
    marks.push_back({{"axis", m.axis == MarkLine::Axis::X ? "x" : "y"}, {"value", m.value}, {"label", m.label}});
  return {{"type", "chart"},     {"id", c.id},         {"title", c.title},   {"kind", kind_name(c.kind)},
          {"x_label", c.x_label}, {"y_label", c.y_label}, {"categories", c.categories}, {"series", series},
          {"marks", marks},      {"note", c.note}};
}

// Reading: every access names its JSON path in the error.
struct Reader {
  const std::string& source;

  [[noreturn]] void fail(const std::string& path, const std::string& msg) const {
    throw InputError(source, 0, path, msg);
  }
  const json& field(const json& o, const std::string& key, const std::string& path) const {
    if (!o.is_object()) fail(path, "expected an object");
    auto it = o.find(key);
    if (it == o.end()) fail(path + "." + key, "missing field");
    return *it;
  }
  std::string str(const json& o, const std::string& key, const std::string& path) const {
    const json& v = field(o, key, path);
    if (!v.is_string()) fail(path + "." + key, "expected a string, got " + std::string(v.type_name()));
    return v.get<std::string>();
  }
  std::string str_or(const json& o, const std::string& key, const std::string& path) const {
    return o.contains(key) ? str(o, key, path) : std::string();
  }
  bool boolean_or(const json& o, const std::string& key, const std::string& path) const {
    if (!o.contains(key)) return false;
    const json& v = o.at(key);
    if (!v.is_boolean()) fail(path + "." + key, "expected true or false");
    return v.get<bool>();
  }
  double num(const json& v, const std::string& path) const {
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number()) fail(path, "expected a number or null, got " + std::string(v.type_name()));
    return v.get<double>();
  }
  const json& array(const json& o, const std::string& key, const std::string& path) const {
    const json& v = field(o, key, path);
    if (!v.is_array()) fail(path + "." + key, "expected an array");
    return v;
  }
  std::vector<double> nums(const json& o, const std::string& key, const std::string& path) const {
    std::vector<double> out;
    const json& a = array(o, key, path);
    for (std::size_t i = 0; i < a.size(); ++i) out.push_back(num(a[i], path + "." + key + "[" + std::to_string(i) + "]"));
    return out;
  }
  std::vector<std::string> strs(const json& o, const std::string& key, const std::string& path) const {
    std::vector<std::string> out;
    const json& a = array(o, key, path);
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_string()) fail(path + "." + key + "[" + std::to_string(i) + "]", "expected a string");
      out.push_back(a[i].get<std::string>());
    }
    return out;
  }

  Block block(const json& b, const std::string& path) const {
    const std::string type = str(b, "type", path);
    if (type == "text") return Paragraph{str(b, "text", path), boolean_or(b, "warning", path)};
    if (type == "kv") {
      KeyValues kv{str_or(b, "title", path), {}};
      const json& rows = array(b, "rows", path);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::string p = path + ".rows[" + std::to_string(i) + "]";
        if (!rows[i].is_array() || rows[i].size() != 2 || !rows[i][0].is_string() || !rows[i][1].is_string())
          fail(p, "expected [key, value] strings");
        kv.rows.emplace_back(rows[i][0].get<std::string>(), rows[i][1].get<std::string>());
      }
      return kv;
    }
    if (type == "table") {
      Table t;
      t.title = str_or(b, "title", path);
      t.note = str_or(b, "note", path);
      t.columns = strs(b, "columns", path);
      const json& rows = array(b, "rows", path);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::string p = path + ".rows[" + std::to_string(i) + "]";
        if (!rows[i].is_array() || rows[i].size() != t.columns.size())
          fail(p, "expected an array of " + std::to_string(t.columns.size()) + " cells");
        std::vector<Cell> row;
        for (std::size_t k = 0; k < rows[i].size(); ++k) {
          const json& c = rows[i][k];
          if (c.is_string())
            row.emplace_back(c.get<std::string>());
          else
            row.emplace_back(num(c, p + "[" + std::to_string(k) + "]"));
        }
        t.rows.push_back(std::move(row));
      }
      return t;
    }
    if (type == "chart") {
      Chart c;
      c.id = str(b, "id", path);
      c.title = str_or(b, "title", path);
      const std::string kind = str(b, "kind", path);
      if (kind == "line")
        c.kind = ChartKind::Line;
      else if (kind == "bar")
        c.kind = ChartKind::Bar;
      else if (kind == "histogram")
        c.kind = ChartKind::Histogram;
      else
        fail(path + ".kind", "expected line, bar or histogram, got '" + kind + "'");
      c.x_label = str_or(b, "x_label", path);
      c.y_label = str_or(b, "y_label", path);
      c.note = str_or(b, "note", path);
      if (b.contains("categories")) c.categories = strs(b, "categories", path);
      const json& ss = array(b, "series", path);
      for (std::size_t i = 0; i < ss.size(); ++i) {
        const std::string p = path + ".series[" + std::to_string(i) + "]";
        Series s;
        s.name = str(ss[i], "name", p);
        s.x = nums(ss[i], "x", p);
        s.y = nums(ss[i], "y", p);
        s.dashed = boolean_or(ss[i], "dashed", p);
        s.area = boolean_or(ss[i], "area", p);
        c.series.push_back(std::move(s));
      }
      if (b.contains("marks")) {
        const json& ms = array(b, "marks", path);
        for (std::size_t i = 0; i < ms.size(); ++i) {
          const std::string p = path + ".marks[" + std::to_string(i) + "]";
          MarkLine m;
          const std::string axis = str(ms[i], "axis", p);
          if (axis != "x" && axis != "y") fail(p + ".axis", "expected \"x\" or \"y\"");
          m.axis = axis == "x" ? MarkLine::Axis::X : MarkLine::Axis::Y;
          m.value = num(field(ms[i], "value", p), p + ".value");
          m.label = str_or(ms[i], "label", p);
          c.marks.push_back(std::move(m));
        }
      }
      return c;
    }
    fail(path + ".type", "expected text, kv, table or chart, got '" + type + "'");
  }
};

}  // namespace

nlohmann::json to_json(const Block& block) { return block_json(block); }

nlohmann::json to_json(const Document& doc) {
  json meta = json::array();
  for (const auto& [k, v] : doc.meta) meta.push_back(json::array({k, v}));
  json sections = json::array();
  for (const auto& s : doc.sections) {
    json blocks = json::array();
    for (const auto& b : s.blocks) blocks.push_back(block_json(b));
    sections.push_back({{"id", s.id}, {"title", s.title}, {"blocks", blocks}});
  }
  return {{"document_version", kDocumentVersion},
          {"title", doc.title},
          {"subtitle", doc.subtitle},
          {"meta", meta},
          {"sections", sections}};
}

Document document_from_json(const nlohmann::json& j, const std::string& source) {
  Reader r{source};
  const std::string root = "$";
  const json& ver = r.field(j, "document_version", root);
  if (!ver.is_number_integer() || ver.get<int>() != kDocumentVersion)
    r.fail("$.document_version", "expected " + std::to_string(kDocumentVersion) + ", got " + ver.dump());
  Document d;
  d.title = r.str(j, "title", root);
  d.subtitle = r.str_or(j, "subtitle", root);
  if (j.contains("meta")) {
    const json& meta = r.array(j, "meta", root);
    for (std::size_t i = 0; i < meta.size(); ++i) {
      if (!meta[i].is_array() || meta[i].size() != 2 || !meta[i][0].is_string() || !meta[i][1].is_string())
        r.fail("$.meta[" + std::to_string(i) + "]", "expected [key, value] strings");
      d.meta.emplace_back(meta[i][0].get<std::string>(), meta[i][1].get<std::string>());
    }
  }
  const json& secs = r.array(j, "sections", root);
  for (std::size_t i = 0; i < secs.size(); ++i) {
    const std::string p = "$.sections[" + std::to_string(i) + "]";
    Section s{r.str(secs[i], "id", p), r.str(secs[i], "title", p), {}};
    const json& blocks = r.array(secs[i], "blocks", p);
    for (std::size_t k = 0; k < blocks.size(); ++k) s.blocks.push_back(r.block(blocks[k], p + ".blocks[" + std::to_string(k) + "]"));
    d.sections.push_back(std::move(s));
  }
  try {
    validate(d);
  } catch (const DomainError& e) {
    throw InputError(source, 0, "$", e.what());
  }
  return d;
}

}  // namespace alvh::report
