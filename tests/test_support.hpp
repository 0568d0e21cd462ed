#pragma once
// Helpers shared by the test suites: locating ../shared (read in place, never copied) and
// running the CLI.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace alvh::test {

// Path of a file under the shared data directory ($ALVH_SHARED_DIR, else the build default
// ../shared). nullopt when it is absent; callers GTEST_SKIP with a clear message.
inline std::optional<std::filesystem::path> shared_file(const std::string& relative) {
  const char* env = std::getenv("ALVH_SHARED_DIR");
  std::filesystem::path dir = (env && *env) ? std::filesystem::path(env) : std::filesystem::path(ALVH_SHARED_DIR_DEFAULT);
  auto p = dir / relative;
  if (std::filesystem::exists(p)) return p;
  return std::nullopt;
}

#define ALVH_REQUIRE_SHARED(var, relative)                                                                \
  auto var##_opt = ::alvh::test::shared_file(relative);                                                   \
  if (!var##_opt) GTEST_SKIP() << "shared data '" << (relative) << "' not found (set ALVH_SHARED_DIR)"; \
  const std::filesystem::path var = *var##_opt

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout (stderr is captured separately into err)
  std::string err;
};

// Runs the built alvh CLI with the given argument string (shell syntax).
inline CommandResult run_cli(const std::string& args) {
  static int counter = 0;
  auto errfile = std::filesystem::temp_directory_path() /
                 ("alvh_cli_err_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::string cmd = std::string("'") + ALVH_CLI_PATH + "' " + args + " 2>'" + errfile.string() + "'";
  CommandResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int st = ::pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  if (FILE* e = std::fopen(errfile.c_str(), "r")) {
    while ((n = std::fread(buf.data(), 1, buf.size(), e)) > 0) r.err.append(buf.data(), n);
    std::fclose(e);
  }
  std::filesystem::remove(errfile);
  return r;
}

}  // namespace alvh::test
