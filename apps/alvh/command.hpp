#pragma once
// The CLI is a set of subcommands, each in its own file (cmd_<name>.cpp), which registers
// itself here at static-initialisation time. main.cpp builds the app from the registry, so
// adding a command never edits another command's file.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace alvh::cli {

struct GlobalOptions {
  bool json = false;   // machine-readable output on stdout
  bool quiet = false;  // no progress bars or notes on stderr
};

using CommandFactory = std::function<void(CLI::App& app, const GlobalOptions& global)>;

struct CommandEntry {
  int order;  // position in --help
  CommandFactory add;
};

std::vector<CommandEntry>& command_registry();

struct RegisterCommand {
  RegisterCommand(int order, CommandFactory add) { command_registry().push_back({order, std::move(add)}); }
};

}  // namespace alvh::cli
