#pragma once
// Streaming CSV reader: one row in memory at a time, so a year of swaps costs no more memory
// than one swap. Reads plain or gzip-compressed files (by the .gz suffix). Fields are split on
// commas with RFC 4180 double quotes. Every parse error names file, line and column.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace alvh {

class CsvReader {
 public:
  // Opens `path` and reads its header row. Throws InputError if the file cannot be read or
  // has no header. Lines starting with '#' before the header are skipped as comments.
  explicit CsvReader(std::string path);
  ~CsvReader();
  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) noexcept;

  const std::string& path() const noexcept { return path_; }
  const std::vector<std::string>& header() const noexcept { return header_; }

  // Index of a named column; throws InputError naming the missing column and those present.
  std::size_t column(std::string_view name) const;
  std::optional<std::size_t> find_column(std::string_view name) const;

  // Advances to the next data row (blank lines skipped). Returns false at end of file.
  // Throws InputError when the row has a different number of fields than the header.
  bool next();

  std::size_t line() const noexcept { return line_; }  // 1-based line of the current row
  std::size_t size() const noexcept { return fields_.size(); }
  std::string_view field(std::size_t col) const { return fields_.at(col); }

  // Typed access. Throws InputError(file, line, column name, "expected ..., got '...'").
  // get_double rejects NaN and infinities; finite_positive also rejects values <= 0.
  double get_double(std::size_t col) const;
  double get_positive(std::size_t col) const;
  std::int64_t get_int(std::size_t col) const;
  bool is_empty(std::size_t col) const { return fields_.at(col).empty(); }

  // Throws InputError for the current row and the given column.
  [[noreturn]] void fail(std::size_t col, const std::string& message) const;

 private:
  bool read_line(std::string& out);
  void split(const std::string& line);

  struct Source;
  std::string path_;
  std::unique_ptr<Source> src_;
  std::vector<std::string> header_;
  std::vector<std::string> fields_;
  std::string buf_;
  std::size_t line_ = 0;
};

// Parses a decimal floating-point number exactly as CsvReader does (std::from_chars; no
// locale). Returns nullopt on anything but a complete finite number.
std::optional<double> parse_double(std::string_view s);
std::optional<std::int64_t> parse_int(std::string_view s);

}  // namespace alvh
