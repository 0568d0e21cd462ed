#include "alvh/core/error.hpp"

#include <fmt/format.h>

namespace alvh {

InputError::InputError(std::string file, std::size_t line, std::string field, const std::string& message)
    : Error(fmt::format("{}:{}: field '{}': {}", file, line, field, message)),
      file_(std::move(file)),
      line_(line),
      field_(std::move(field)) {}

InputError::InputError(std::string file, const std::string& message)
    : Error(fmt::format("{}: {}", file, message)), file_(std::move(file)) {}

void require(bool ok, const char* what, const char* expected, double value) {
  if (!ok) throw DomainError(fmt::format("{}: expected {}, got {}", what, expected, value));
}

}  // namespace alvh
