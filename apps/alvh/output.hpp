#pragma once
// Shared printing for the CLI: JSON documents carry the schema name and version; human output
// is aligned key/value blocks and column tables. Commands never format JSON envelopes by hand.
#include <nlohmann/json.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace CLI {
class App;
}

namespace alvh::cli {

// Version of the JSON output schemas (docs/json-schema.md). Bump on any incompatible change.
inline constexpr int kJsonSchemaVersion = 1;

// Adds {"schema": "alvh.<command>", "schema_version": N, "alvh_version": ...} and prints.
void print_json(const std::string& command, nlohmann::json body);

// "label ........ value" lines.
void print_kv(const std::vector<std::pair<std::string, std::string>>& rows);

// A column table with a header row; numbers are right-aligned.
void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

// Number formatting shared by all commands: `digits` significant digits, no trailing noise.
std::string num(double v, int digits = 6);

// The LP position flags shared by position, hedge, simulate and run (one spelling and one help
// text everywhere): --price, --range-lower, --range-upper, --capital, --v2. Prices are token1 per
// token0 in human units, capital in token1 (docs/conventions.md).
struct PositionFlagTargets {
  double* price;
  double* range_lower;
  double* range_upper;
  double* capital;
  bool* v2;
};
void add_position_flags(CLI::App& sub, const PositionFlagTargets& to);

// True when stderr is a terminal and progress display is wanted.
bool progress_enabled(bool quiet);

// "[#######.......]  45%  ETA 3s" on stderr, at most 10 times a second; clears itself when done.
// Off (a no-op) when constructed with false, e.g. progress_enabled(quiet) is false.
class ProgressBar {
 public:
  explicit ProgressBar(bool on) : on_(on), start_(std::chrono::steady_clock::now()) {}
  void update(std::uint64_t done, std::uint64_t total);

 private:
  bool on_;
  std::chrono::steady_clock::time_point start_, last_{};
};

}  // namespace alvh::cli
