#pragma once
// alvh's error types. Every error alvh raises derives from alvh::Error, so callers (the CLI,
// the Python bindings) can catch one type and print one line. Messages name what was wrong,
// the value seen and what was expected; input errors also name the file, line and field.
#include <cstddef>
#include <stdexcept>
#include <string>

namespace alvh {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An argument outside its mathematical domain (negative volatility, zero price, lower >= upper).
class DomainError : public Error {
 public:
  using Error::Error;
};

// Malformed input data: a file row, a config key, a JSON field. Carries where it happened.
class InputError : public Error {
 public:
  InputError(std::string file, std::size_t line, std::string field, const std::string& message);
  // An error about a whole file (missing, unreadable, empty, missing column): no line number.
  InputError(std::string file, const std::string& message);

  const std::string& file() const noexcept { return file_; }
  std::size_t line() const noexcept { return line_; }  // 1-based; 0 when not about one line
  const std::string& field() const noexcept { return field_; }

 private:
  std::string file_;
  std::size_t line_ = 0;
  std::string field_;
};

// Throws DomainError("<what>: expected <expected>, got <value>") unless ok.
void require(bool ok, const char* what, const char* expected, double value);

}  // namespace alvh
