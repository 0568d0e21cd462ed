#include "alvh/core/shared_data.hpp"

#include <cstdlib>

namespace alvh {

std::optional<std::filesystem::path> shared_data_dir(const std::optional<std::filesystem::path>& override_dir,
                                                     const std::filesystem::path& fallback) {
  std::filesystem::path p;
  if (override_dir) {
    p = *override_dir;
  } else if (const char* env = std::getenv("ALVH_SHARED_DIR"); env && *env) {
    p = env;
  } else {
    p = fallback;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) return p;
  return std::nullopt;
}

}  // namespace alvh
