#include "output.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "alvh/version.hpp"

namespace alvh::cli {

void print_json(const std::string& command, nlohmann::json body) {
  nlohmann::json doc = {{"schema", "alvh." + command}, {"schema_version", kJsonSchemaVersion}, {"alvh_version", kVersion}};
  for (auto& [k, v] : body.items()) doc[k] = std::move(v);
  std::fputs(doc.dump(2).c_str(), stdout);
  std::fputc('\n', stdout);
}

void add_position_flags(CLI::App& sub, const PositionFlagTargets& to) {
  sub.add_option("--price", *to.price, "Current price P (token1 per token0 in human units, e.g. USDC per ETH)")
      ->capture_default_str();
  sub.add_option("--range-lower", *to.range_lower, "Lower price of the range pa")->capture_default_str();
  sub.add_option("--range-upper", *to.range_upper, "Upper price of the range pb")->capture_default_str();
  sub.add_option("--capital", *to.capital, "Capital deposited, in token1")->capture_default_str();
  sub.add_flag("--v2", *to.v2, "Uniswap v2 full-range position (ignores the range)");
}

void print_kv(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::size_t w = 0;
  for (auto& r : rows) w = std::max(w, r.first.size());
  for (auto& [k, v] : rows) fmt::print("  {:<{}}  {}\n", k, w, v);
}

void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> w(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) w[i] = header[i].size();
  for (auto& r : rows)
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], r[i].size());
  auto line = [&](const std::vector<std::string>& r) {
    std::string s = " ";
    for (std::size_t i = 0; i < w.size(); ++i) s += fmt::format(" {:>{}}", i < r.size() ? r[i] : "", w[i]);
    fmt::print("{}\n", s);
  };
  line(header);
  std::string rule = " ";
  for (auto x : w) rule.append(1, ' ').append(x, '-');
  fmt::print("{}\n", rule);
  for (auto& r : rows) line(r);
}

std::string num(double v, int digits) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0.0) return "0";
  return fmt::format("{:.{}g}", v, digits);
}

bool progress_enabled(bool quiet) { return !quiet && ::isatty(STDERR_FILENO) != 0; }

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  if (!on_ || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  const double frac = static_cast<double>(done) / static_cast<double>(total);
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = frac > 0 ? elapsed * (1.0 - frac) / frac : 0.0;
  const int width = 30, filled = static_cast<int>(frac * width);
  fmt::print(stderr, "\r[{}{}] {:3.0f}%  ETA {:.0f}s ", std::string(static_cast<std::size_t>(filled), '#'),
             std::string(static_cast<std::size_t>(width - filled), '.'), 100 * frac, eta);
  if (done >= total) fmt::print(stderr, "\r{}\r", std::string(60, ' '));
  std::fflush(stderr);
}

}  // namespace alvh::cli
