#include "alvh/report/document.hpp"

#include <cmath>
#include <set>

#include "alvh/core/error.hpp"

namespace alvh::report {

Table& Table::add_column(std::string name) {
  if (!rows.empty()) throw DomainError("report table '" + title + "': add columns before rows");
  columns.push_back(std::move(name));
  return *this;
}

Table& Table::add_row(std::vector<Cell> row) {
  if (row.size() != columns.size())
    throw DomainError("report table '" + title + "': row has " + std::to_string(row.size()) + " cells, expected " +
                      std::to_string(columns.size()));
  rows.push_back(std::move(row));
  return *this;
}

Section& Section::text(std::string t, bool warning) {
  blocks.emplace_back(Paragraph{std::move(t), warning});
  return *this;
}

Section& Section::add(Block b) {
  blocks.push_back(std::move(b));
  return *this;
}

Section& Document::add_section(std::string id, std::string title_) {
  sections.push_back(Section{std::move(id), std::move(title_), {}});
  return sections.back();
}

std::vector<const Chart*> Document::charts() const {
  std::vector<const Chart*> out;
  for (const auto& s : sections)
    for (const auto& b : s.blocks)
      if (const auto* c = std::get_if<Chart>(&b)) out.push_back(c);
  return out;
}

namespace {
bool valid_id(const std::string& id) {
  if (id.empty()) return false;
  for (char ch : id)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
  return true;
}
}  // namespace

void validate(const Document& doc) {
  std::set<std::string> ids;
  auto check_id = [&](const std::string& id, const std::string& what) {
    if (!valid_id(id)) throw DomainError(what + " id '" + id + "': expected [a-z0-9-]+");
    if (!ids.insert(id).second) throw DomainError(what + " id '" + id + "' is used twice");
  };
  for (const auto& s : doc.sections) {
    check_id(s.id, "section");
    for (const auto& b : s.blocks) {
      if (const auto* t = std::get_if<Table>(&b)) {
        for (const auto& r : t->rows)
          if (r.size() != t->columns.size()) throw DomainError("report table '" + t->title + "': ragged row");
      }
      const auto* c = std::get_if<Chart>(&b);
      if (!c) continue;
      check_id(c->id, "chart");
      if (c->series.empty()) throw DomainError("chart '" + c->id + "': no series");
      for (const auto& se : c->series) {
        if (c->kind == ChartKind::Bar) {
          if (se.y.size() != c->categories.size())
            throw DomainError("chart '" + c->id + "' series '" + se.name + "': " + std::to_string(se.y.size()) +
                              " values for " + std::to_string(c->categories.size()) + " categories");
        } else {
          if (se.x.size() != se.y.size())
            throw DomainError("chart '" + c->id + "' series '" + se.name + "': x and y lengths differ");
          for (double x : se.x)
            if (!std::isfinite(x)) throw DomainError("chart '" + c->id + "' series '" + se.name + "': non-finite x");
        }
      }
      for (const auto& m : c->marks)
        if (!std::isfinite(m.value)) throw DomainError("chart '" + c->id + "' mark '" + m.label + "': non-finite value");
    }
  }
}

}  // namespace alvh::report
