// alvh sweep: run a grid of backtest configs on all cores (TBB) and rank them (docs/backtest.md).
#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "alvh/backtest/backtest.hpp"
#include "alvh/core/error.hpp"
#include "command.hpp"
#include "output.hpp"

namespace alvh::cli {
namespace {

struct SweepArgs {
  std::string config;
  std::vector<std::string> grid;
  int threads = 0;
  std::string strategy = "steward";
  std::string rank_by = "irr";
  int top = 10;
  bool json = false;
};

struct Axis {
  std::string key;
  std::vector<std::string> values;
};

// "key=v1,v2,..." with commas inside [...] kept (array values).
Axis parse_axis(const std::string& s) {
  const auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
    throw InputError("--grid", 0, s, fmt::format("expected key=v1,v2,..., got '{}'", s));
  Axis a{s.substr(0, eq), {}};
  std::string cur;
  int depth = 0;
  for (char ch : s.substr(eq + 1)) {
    if (ch == '[') ++depth;
    if (ch == ']') --depth;
    if (ch == ',' && depth == 0) {
      a.values.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  a.values.push_back(cur);
  for (const auto& v : a.values)
    if (v.empty()) throw InputError("--grid", 0, a.key, fmt::format("empty value in '{}'", s));
  return a;
}

double metric(const backtest::StrategyResult& s, const std::string& by) {
  const auto& m = s.metrics;
  if (by == "irr") return m.irr;
  if (by == "sharpe") return m.sharpe;
  if (by == "sortino") return m.sortino;
  if (by == "final_nav") return m.final_nav;
  if (by == "max_drawdown") return m.max_drawdown;
  if (by == "cvar") return m.cvar;
  if (by == "dispersion") return s.regime.dispersion;
  throw DomainError(fmt::format("--rank-by: expected irr, sharpe, sortino, final_nav, max_drawdown, cvar or dispersion, got '{}'", by));
}
bool lower_is_better(const std::string& by) { return by == "max_drawdown" || by == "cvar" || by == "dispersion"; }

void run(const SweepArgs& a, const GlobalOptions& g) {
  const auto base = a.config.empty() ? backtest::BacktestConfig{} : backtest::load_config(a.config);
  metric(backtest::StrategyResult{}, a.rank_by);  // validate the name before any work
  backtest::parse_strategy(a.strategy);
  std::vector<Axis> axes;
  for (const auto& s : a.grid) axes.push_back(parse_axis(s));
  std::size_t n = 1;
  for (const auto& ax : axes) n *= ax.values.size();
  require(n <= 1000000, "--grid", "at most 1e6 combinations", static_cast<double>(n));
  // build every config up front (bad keys/values fail before the run)
  std::vector<backtest::BacktestConfig> cfgs(n, base);
  std::vector<std::vector<std::pair<std::string, std::string>>> labels(n);
  bool per_config_bars = false;
  for (const auto& ax : axes)
    per_config_bars |= ax.key.rfind("synthetic.", 0) == 0 || ax.key.rfind("data.", 0) == 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t rem = i;
    for (const auto& ax : axes) {
      const auto& v = ax.values[rem % ax.values.size()];
      rem /= ax.values.size();
      backtest::set_config_value(cfgs[i], ax.key, v);
      labels[i].emplace_back(ax.key, v);
    }
    cfgs[i].strategies = {a.strategy};
    backtest::validate(cfgs[i]);
  }
  const auto shared_bars = backtest::bars_for_config(base);
  const std::size_t threads = a.threads > 0 ? static_cast<std::size_t>(a.threads) : std::max(1u, std::thread::hardware_concurrency());
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, threads);
  std::vector<backtest::StrategyResult> res(n);
  std::atomic<std::size_t> done{0};
  std::mutex print_mu;
  const bool progress = progress_enabled(g.quiet) && !(a.json || g.json);
  const auto start = std::chrono::steady_clock::now();
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    auto r = per_config_bars ? backtest::run_backtest(cfgs[i], backtest::bars_for_config(cfgs[i]))
                             : backtest::run_backtest(cfgs[i], shared_bars);
    res[i] = std::move(r.strategies[0]);
    res[i].nav.clear();  // keep only the summary
    res[i].attributed.clear();
    res[i].trades.clear();
    const std::size_t d = ++done;
    if (progress) {
      std::lock_guard lk(print_mu);
      const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      fmt::print(stderr, "\r{}/{} configs  ETA {:.0f}s   ", d, n, el * static_cast<double>(n - d) / static_cast<double>(d));
      if (d == n) fmt::print(stderr, "\r{}\r", std::string(40, ' '));
    }
  });
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  const bool asc = lower_is_better(a.rank_by);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const double mx = metric(res[x], a.rank_by), my = metric(res[y], a.rank_by);
    if (std::isnan(mx) != std::isnan(my)) return std::isnan(my);
    return asc ? mx < my : mx > my;
  });
  const auto top = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(a.top, 1)));
  if (a.json || g.json) {
    nlohmann::json ranked = nlohmann::json::array();
    for (std::size_t k = 0; k < n; ++k) {
      const auto i = order[k];
      nlohmann::json params = nlohmann::json::object();
      for (const auto& [key, v] : labels[i]) params[key] = v;
      const auto& m = res[i].metrics;
      ranked.push_back({{"rank", k + 1},
                        {"params", params},
                        {"irr", std::isfinite(m.irr) ? nlohmann::json(m.irr) : nlohmann::json(nullptr)},
                        {"sharpe", m.sharpe},
                        {"sortino", m.sortino},
                        {"max_drawdown", m.max_drawdown},
                        {"cvar", m.cvar},
                        {"final_nav", m.final_nav},
                        {"regime_irr_dispersion", res[i].regime.dispersion},
                        {"hedge_cost_pct_of_fees", m.hedge_cost_pct_of_fees}});
    }
    print_json("sweep", {{"strategy", a.strategy},
                         {"rank_by", a.rank_by},
                         {"configs", n},
                         {"threads", threads},
                         {"bars", shared_bars.size()},
                         {"data_source", shared_bars.source},
                         {"ranked", ranked}});
    return;
  }
  fmt::print("Sweep of {} configs of '{}' on {} ({} bars), {} threads, ranked by {}\n\n", n, a.strategy,
             shared_bars.source, shared_bars.size(), threads, a.rank_by);
  std::vector<std::string> header = {"rank"};
  for (const auto& ax : axes) header.push_back(ax.key);
  for (const char* h : {"IRR", "Sharpe", "max DD", "CVaR(d)", "regime disp.", "final NAV"}) header.push_back(h);
  std::vector<std::vector<std::string>> rows;
  for (std::size_t k = 0; k < top; ++k) {
    const auto i = order[k];
    std::vector<std::string> row = {std::to_string(k + 1)};
    for (const auto& [key, v] : labels[i]) row.push_back(v);
    const auto& m = res[i].metrics;
    row.push_back(fmt::format("{:.2f}%", 100 * m.irr));
    row.push_back(fmt::format("{:.2f}", m.sharpe));
    row.push_back(fmt::format("{:.2f}%", 100 * m.max_drawdown));
    row.push_back(fmt::format("{:.2f}%", 100 * m.cvar));
    row.push_back(fmt::format("{:.2f}%", 100 * res[i].regime.dispersion));
    row.push_back(fmt::format("{:.0f}", m.final_nav));
    rows.push_back(std::move(row));
  }
  print_table(header, rows);
}

const RegisterCommand reg(61, [](CLI::App& app, const GlobalOptions& g) {
  auto a = std::make_shared<SweepArgs>();
  auto* sub = app.add_subcommand("sweep", "Run a grid of backtest configs on all cores and rank them");
  sub->footer(
      "Example:\n"
      "  alvh sweep --config examples/backtest.toml --grid lp.range_width=0.1,0.25,0.5 --grid layer2.bump=1,1.5,2\n"
      "Values are TOML (arrays in brackets: --grid 'layer2.tenors_days=[7,30],[14,60]').");
  sub->add_option("--config", a->config, "Base TOML config (default: the documented defaults)")->check(CLI::ExistingFile);
  sub->add_option("--grid", a->grid, "key=v1,v2,... (repeatable; the grid is the cartesian product)")->required();
  sub->add_option("--threads", a->threads, "Worker threads (default: all cores)");
  sub->add_option("--strategy", a->strategy, "Strategy whose parameters are swept and ranked")->capture_default_str();
  sub->add_option("--rank-by", a->rank_by, "irr | sharpe | sortino | final_nav | max_drawdown | cvar | dispersion")
      ->capture_default_str();
  sub->add_option("--top", a->top, "Rows shown in the table")->capture_default_str();
  sub->add_flag("--json", a->json, "JSON output with every config ranked (same as the global --json)");
  sub->callback([a, &g] { run(*a, g); });
});

}  // namespace
}  // namespace alvh::cli
