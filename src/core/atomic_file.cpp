#include "alvh/core/atomic_file.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>

#include "alvh/core/error.hpp"

namespace alvh {

void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write) {
  namespace fs = std::filesystem;
  fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(dir)) throw InputError(path.string(), fmt::format("directory '{}' does not exist", dir.string()));
  fs::path tmp = dir / fmt::format(".{}.tmp.{}", path.filename().string(), ::getpid());
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw InputError(path.string(), "cannot open for writing");
      write(out);
      out.flush();
      if (!out) throw InputError(path.string(), "write failed (disk full?)");
    }
    fs::rename(tmp, path);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  write_file_atomically(path, [&](std::ostream& o) { o.write(content.data(), static_cast<std::streamsize>(content.size())); });
}

}  // namespace alvh
