// alvh: the command-line face of the library. Parsing and printing only; all numbers come
// from the library. Errors go to stderr as one line and a non-zero exit code:
//   1 = an alvh error (bad input, domain error, revert), 2 = bad command line.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>

#include "alvh/core/error.hpp"
#include "alvh/version.hpp"
#include "command.hpp"

namespace alvh::cli {
std::vector<CommandEntry>& command_registry() {
  static std::vector<CommandEntry> r;
  return r;
}
}  // namespace alvh::cli

int main(int argc, char** argv) {
  using namespace alvh::cli;
  CLI::App app{
      "alvh - Adaptive Layered Volatility Hedge for AMM liquidity providers.\n"
      "Quantify an LP position as the short-volatility trade it is, hedge it with options, and\n"
      "prove the hedge by simulation and backtest. Units: docs/conventions.md.",
      "alvh"};
  app.set_version_flag("-V,--version", fmt::format("alvh {}", alvh::kVersion));
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions global;
  app.add_flag("--json", global.json, "Machine-readable JSON on stdout (schemas: docs/json-schema.md)");
  app.add_flag("-q,--quiet", global.quiet, "No progress bars or notes on stderr");

  auto& reg = command_registry();
  std::stable_sort(reg.begin(), reg.end(), [](const CommandEntry& a, const CommandEntry& b) { return a.order < b.order; });
  for (auto& c : reg) c.add(app, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "alvh: error: %s\n", e.what());
    std::fprintf(stderr, "Run with --help for more information.\n");
    return 2;
  } catch (const alvh::Error& e) {
    std::fprintf(stderr, "alvh: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "alvh: internal error: %s\n", e.what());
    return 3;
  }
  return 0;
}
