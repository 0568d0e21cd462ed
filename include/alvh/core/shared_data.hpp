#pragma once
// Where the shared market data and reference vectors live. They are other people's data and are
// read in place, never copied into the repository.
#include <filesystem>
#include <optional>

namespace alvh {

// The shared directory: `override_dir` if given, else $ALVH_SHARED_DIR, else `fallback`
// (the build's default, ../shared next to the source tree). Returns nullopt if it does not exist.
std::optional<std::filesystem::path> shared_data_dir(const std::optional<std::filesystem::path>& override_dir,
                                                     const std::filesystem::path& fallback);

}  // namespace alvh
