#pragma once
// Output files are written whole or not at all: content goes to a temporary file beside the
// target, which is renamed over it only after a successful write. A failure (exception, full
// disk) leaves no partial file behind.
#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace alvh {

void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace alvh
