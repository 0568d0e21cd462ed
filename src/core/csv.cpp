#include "alvh/core/csv.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <charconv>
#include <cmath>
#include <cstdio>

#include "alvh/core/error.hpp"

namespace alvh {

// Line source over zlib's gz* API, which reads plain files transparently too.
struct CsvReader::Source {
  gzFile f = nullptr;
  ~Source() {
    if (f) gzclose(f);
  }
};

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::optional<double> parse_double(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0.0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return v;
  // Accept integral values written as floats ("197030.0"), as some exports do.
  if (auto d = parse_double(s); d && std::floor(*d) == *d && std::fabs(*d) < 9.0e15) return static_cast<std::int64_t>(*d);
  return std::nullopt;
}

CsvReader::CsvReader(std::string path) : path_(std::move(path)), src_(std::make_unique<Source>()) {
  src_->f = gzopen(path_.c_str(), "rb");
  if (!src_->f) throw InputError(path_, "cannot open file for reading");
  gzbuffer(src_->f, 1 << 16);
  std::string line;
  while (read_line(line)) {
    if (trim(line).empty() || line.front() == '#') continue;
    split(line);
    header_.reserve(fields_.size());
    for (auto& h : fields_) header_.emplace_back(trim(h));
    if (!header_.empty() && header_[0].size() >= 3 && header_[0].compare(0, 3, "\xEF\xBB\xBF") == 0)
      header_[0].erase(0, 3);  // UTF-8 byte-order mark
    return;
  }
  throw InputError(path_, "file is empty: expected a CSV header row");
}

CsvReader::~CsvReader() = default;
CsvReader::CsvReader(CsvReader&&) noexcept = default;
CsvReader& CsvReader::operator=(CsvReader&&) noexcept = default;

bool CsvReader::read_line(std::string& out) {
  out.clear();
  char chunk[4096];
  bool any = false;
  while (gzgets(src_->f, chunk, sizeof chunk)) {
    any = true;
    out.append(chunk);
    if (!out.empty() && out.back() == '\n') break;
  }
  if (!any) {
    int err = 0;
    const char* msg = gzerror(src_->f, &err);
    if (err != Z_OK && err != Z_STREAM_END) throw InputError(path_, line_ + 1, "-", fmt::format("read error: {}", msg));
    return false;
  }
  ++line_;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return true;
}

void CsvReader::split(const std::string& line) {
  fields_.clear();
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields_.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (quoted) throw InputError(path_, line_, "-", "unterminated double quote");
  fields_.push_back(std::move(cur));
}

std::optional<std::size_t> CsvReader::find_column(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return i;
  return std::nullopt;
}

std::size_t CsvReader::column(std::string_view name) const {
  if (auto i = find_column(name)) return *i;
  throw InputError(path_, fmt::format("missing column '{}' (columns present: {})", name, fmt::join(header_, ",")));
}

bool CsvReader::next() {
  while (read_line(buf_)) {
    if (trim(buf_).empty()) continue;
    split(buf_);
    if (fields_.size() != header_.size())
      throw InputError(path_, line_, "-",
                       fmt::format("expected {} fields as in the header, got {}", header_.size(), fields_.size()));
    return true;
  }
  return false;
}

void CsvReader::fail(std::size_t col, const std::string& message) const {
  throw InputError(path_, line_, col < header_.size() ? header_[col] : std::string("-"), message);
}

double CsvReader::get_double(std::size_t col) const {
  auto s = field(col);
  if (auto v = parse_double(s)) return *v;
  fail(col, fmt::format("expected a finite number, got '{}'", s));
}

double CsvReader::get_positive(std::size_t col) const {
  double v = get_double(col);
  if (!(v > 0.0)) fail(col, fmt::format("expected a positive number, got {}", field(col)));
  return v;
}

std::int64_t CsvReader::get_int(std::size_t col) const {
  auto s = field(col);
  if (auto v = parse_int(s)) return *v;
  fail(col, fmt::format("expected an integer, got '{}'", s));
}

}  // namespace alvh
