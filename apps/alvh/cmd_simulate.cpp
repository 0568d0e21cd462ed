// alvh simulate: Monte Carlo distribution of HODL, LP and hedged-LP outcomes (docs/sim.md).
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

#include "alvh/core/atomic_file.hpp"
#include "alvh/core/error.hpp"
#include "alvh/hedge/hedge_leg.hpp"
#include "alvh/sim/config.hpp"
#include "alvh/sim/engine.hpp"
#include "alvh/sim/statistics.hpp"
#include "command.hpp"
#include "output.hpp"

namespace alvh::cli {
namespace {

// Defaults: the embedded example position of `alvh position` (docs/conventions.md), one month.
struct SimulateArgs {
  std::string model = "gbm";
  double price = 3000.0;
  double vol = 0.70;
  double drift = 0.0;
  double t_years = 30.0 / 365.0;
  int steps = 30;
  std::uint64_t paths = 100000;
  std::uint64_t seed = 1;
  int threads = 0;
  double lower = 2400.0;
  double upper = 3750.0;
  double capital = 100000.0;
  bool v2 = false;
  double fee_apr = 0.0;
  std::string hedge_file;
  std::string config_file;
  std::string terminal_csv;
  std::string normals;  // "" = the config's [engine] normals (default fast)
  bool json = false;
};

nlohmann::json stats_json(const sim::DistributionStats& s) {
  nlohmann::json q = nlohmann::json::object(), iq = nlohmann::json::object();
  for (const auto& [level, v] : s.quantiles) q[fmt::format("p{:02.0f}", level * 100)] = v;
  for (const auto& [level, v] : s.irr_quantiles)
    iq[fmt::format("p{:02.0f}", level * 100)] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
  return {{"mean", s.mean},       {"stderr", s.std_error}, {"stdev", s.stdev},     {"min", s.min},
          {"max", s.max},         {"quantiles", q},        {"var95", s.var95},     {"cvar95", s.cvar95},
          {"var99", s.var99},     {"cvar99", s.cvar99},    {"prob_loss", s.prob_loss},
          {"irr", {{"mean", std::isfinite(s.irr_mean) ? nlohmann::json(s.irr_mean) : nlohmann::json(nullptr)},
                   {"quantiles", iq}}}};
}

void write_terminal_csv(const std::string& path, const sim::PathOutcomes& o) {
  write_file_atomically(path, [&](std::ostream& os) {
    os << "path,terminal_price,hodl,lp,lp_hedged,fees,lvr,il,time_in_range\n";
    fmt::memory_buffer buf;
    for (std::size_t i = 0; i < o.lp.size(); ++i) {
      fmt::format_to(std::back_inserter(buf), "{},{},{},{},{},{},{},{},{}\n", i, o.terminal_price[i], o.hodl[i], o.lp[i],
                     o.lp_hedged[i], o.fees[i], o.lvr[i], o.il[i], o.time_in_range[i]);
      if (buf.size() > (1u << 20)) {
        os.write(buf.data(), static_cast<std::streamsize>(buf.size()));
        buf.clear();
      }
    }
    os.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  });
}

void run_simulate(const SimulateArgs& a, const GlobalOptions& g) {
  const bool json = a.json || g.json;
  require(a.price > 0.0 && std::isfinite(a.price), "--price", "a finite number > 0", a.price);
  require(a.vol >= 0.0 && std::isfinite(a.vol), "--vol", "a finite number >= 0", a.vol);
  require(a.paths > 0, "--paths", "at least 1", static_cast<double>(a.paths));
  sim::SimConfig cfg;
  if (!a.config_file.empty()) cfg = sim::load_sim_config(a.config_file);
  const sim::PriceModel model = sim::make_model(a.model, a.drift, a.vol, cfg);
  sim::validate(model);

  std::vector<std::string> warnings;
  if (const auto* h = std::get_if<sim::HestonModel>(&model); h && !sim::feller_satisfied(*h))
    warnings.push_back(fmt::format("Heston parameters violate the Feller condition 2 kappa theta >= vol_of_vol^2 "
                                   "({} < {}): the variance can reach 0; full truncation keeps it usable",
                                   num(2 * h->kappa * h->theta), num(h->vol_of_vol * h->vol_of_vol)));
  if (const auto* b = std::get_if<sim::BootstrapModel>(&model)) {
    const double dt = a.t_years / a.steps;
    if (std::fabs(dt / b->interval_years - 1.0) > 0.01)
      warnings.push_back(fmt::format("bootstrap: step {} y differs from the data interval {} y; returns are "
                                     "rescaled by sqrt(dt/interval), which assumes independent increments",
                                     num(dt), num(b->interval_years)));
  }
  for (const auto& w : warnings)
    if (!g.quiet) fmt::print(stderr, "alvh: warning: {}\n", w);

  sim::PositionSpec pos{a.price, a.v2 ? amm::PriceRange::full() : amm::PriceRange{a.lower, a.upper}, a.capital,
                        a.fee_apr};
  sim::HedgeSpec hedge;
  hedge.marking = cfg.hedge.mark;
  hedge.mark_vol = cfg.hedge.vol.value_or(a.vol);
  if (!a.hedge_file.empty())
    for (const auto& l : hedge::read_hedge_json(a.hedge_file))
      hedge.legs.push_back({l.type == options::OptionType::Call ? sim::OptionKind::Call : sim::OptionKind::Put,
                            l.strike, l.expiry_years, l.quantity, l.premium});

  sim::SimulationSpec spec;
  spec.t_years = a.t_years;
  spec.steps = a.steps;
  spec.paths = a.paths;
  spec.seed = a.seed;
  // More threads than cores cannot help; results do not depend on the count.
  const int hw = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  spec.threads = a.threads > 0 ? std::min(a.threads, hw) : 0;
  require(a.threads >= 0, "--threads", "a number >= 0 (0 = all cores)", a.threads);
  spec.events = cfg.events;
  spec.normals = cfg.engine.normals;  // [engine] normals = "fast" | "exact" (docs/sim.md)
  if (!a.normals.empty()) spec.normals = a.normals == "exact" ? sim::NormalMethod::Exact : sim::NormalMethod::Fast;

  ProgressBar bar(progress_enabled(g.quiet));
  const auto t0 = std::chrono::steady_clock::now();
  const auto res = sim::simulate(model, pos, hedge, spec,
                                 [&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!a.terminal_csv.empty()) write_terminal_csv(a.terminal_csv, res.paths);

  const auto& o = res.paths;
  const auto s_hodl = sim::summarize(o.hodl, a.capital, a.t_years);
  const auto s_lp = sim::summarize(o.lp, a.capital, a.t_years);
  const auto s_hedged = sim::summarize(o.lp_hedged, a.capital, a.t_years);
  const double mean_fees = sim::mean(o.fees), mean_lvr = sim::mean(o.lvr), mean_il = sim::mean(o.il),
               mean_in_range = sim::mean(o.time_in_range), mean_price = sim::mean(o.terminal_price);

  if (json) {
    nlohmann::json legs = nlohmann::json::array();
    for (const auto& l : hedge.legs)
      legs.push_back({{"type", l.kind == sim::OptionKind::Call ? "call" : "put"},
                      {"strike", l.strike},
                      {"expiry_years", l.expiry_years},
                      {"quantity", l.quantity},
                      {"premium", l.premium}});
    print_json("simulate",
               {{"inputs",
                 {{"model", a.model},
                  {"price", a.price},
                  {"vol", a.vol},
                  {"drift", a.drift},
                  {"t_years", a.t_years},
                  {"steps", a.steps},
                  {"paths", a.paths},
                  {"seed", a.seed},
                  {"normals", spec.normals == sim::NormalMethod::Exact ? "exact" : "fast"},
                  {"range_lower", pos.range.lower},
                  {"range_upper", a.v2 ? nlohmann::json(nullptr) : nlohmann::json(pos.range.upper)},
                  {"capital", a.capital},
                  {"v2", a.v2},
                  {"fee_apr", a.fee_apr},
                  {"hedge_legs", legs},
                  {"hedge_marking", hedge.marking == sim::HedgeMarking::Black76 ? "black76" : "intrinsic"},
                  {"events", cfg.events.size()}}},
                {"conventions",
                 {{"values", "terminal values in the numeraire, undiscounted (zero rates)"},
                  {"var_cvar", "positive losses relative to the initial capital: V0 - quantile, V0 - tail mean"},
                  {"irr", "annualised log return ln(V_T/V0)/T"},
                  {"quantiles", "type 7 (linear) over all paths"}}},
                {"hodl", stats_json(s_hodl)},
                {"lp", stats_json(s_lp)},
                {"lp_hedged", stats_json(s_hedged)},
                {"lp_components",
                 {{"liquidity", res.liquidity},
                  {"mean_fees", mean_fees},
                  {"mean_lvr", mean_lvr},
                  {"mean_il", mean_il},
                  {"mean_time_in_range", mean_in_range}}},
                {"net_premium", res.net_premium},
                {"mean_terminal_price", mean_price},
                {"warnings", warnings},
                {"elapsed_seconds", seconds}});
    return;
  }
  fmt::print("Simulation: {} model, {} paths x {} steps over {} y (seed {}), {:.2f} s\n", a.model, a.paths, a.steps,
             num(a.t_years), a.seed, seconds);
  fmt::print("Position: {} capital {} at price {}{}\n\n",
             a.v2 ? std::string("Uniswap v2 (full range),")
                  : fmt::format("Uniswap v3 [{}, {}],", num(pos.range.lower), num(pos.range.upper)),
             num(a.capital), num(a.price),
             hedge.legs.empty() ? std::string() : fmt::format(", hedge of {} legs (net premium {})", hedge.legs.size(), num(res.net_premium)));
  std::vector<std::vector<std::string>> rows;
  auto row = [&](const std::string& name, auto get) {
    rows.push_back({name, num(get(s_hodl), 8), num(get(s_lp), 8), num(get(s_hedged), 8)});
  };
  row("mean", [](const sim::DistributionStats& s) { return s.mean; });
  row("stderr", [](const sim::DistributionStats& s) { return s.std_error; });
  row("stdev", [](const sim::DistributionStats& s) { return s.stdev; });
  for (std::size_t k = 0; k < s_lp.quantiles.size(); ++k)
    row(fmt::format("p{:02.0f}", s_lp.quantiles[k].first * 100),
        [k](const sim::DistributionStats& s) { return s.quantiles[k].second; });
  row("VaR 95 (loss)", [](const sim::DistributionStats& s) { return s.var95; });
  row("CVaR 95 (loss)", [](const sim::DistributionStats& s) { return s.cvar95; });
  row("VaR 99 (loss)", [](const sim::DistributionStats& s) { return s.var99; });
  row("CVaR 99 (loss)", [](const sim::DistributionStats& s) { return s.cvar99; });
  row("P(loss)", [](const sim::DistributionStats& s) { return s.prob_loss; });
  row("mean IRR (ann. log)", [](const sim::DistributionStats& s) { return s.irr_mean; });
  print_table({"", "hodl", "lp", "lp_hedged"}, rows);
  fmt::print("\n");
  print_kv({{"mean fees", num(mean_fees, 8)},
            {"mean LVR", num(mean_lvr, 8)},
            {"mean IL (ex fees)", fmt::format("{:.4f}%", 100 * mean_il)},
            {"mean time in range", fmt::format("{:.2f}%", 100 * mean_in_range)}});
  fmt::print("VaR/CVaR are losses relative to the initial capital (positive = loss).\n");
}

const RegisterCommand reg(60, [](CLI::App& app, const GlobalOptions& g) {
  auto a = std::make_shared<SimulateArgs>();
  auto* sub = app.add_subcommand("simulate", "Monte Carlo distribution of HODL, LP and hedged-LP outcomes");
  sub->footer(
      "Example:\n  alvh simulate --model gbm --price 3000 --vol 0.8 --t-years 0.25 --steps 90 --paths 200000 \\\n"
      "      --range-lower 2400 --range-upper 3750 --capital 100000 --fee-apr 0.25 --hedge hedge.json\n"
      "Model parameters beyond --vol/--drift (jumps, Heston, regimes, bootstrap, events) come from --config "
      "FILE.toml (docs/sim.md).");
  sub->add_option("--model", a->model, "Price model")
      ->check(CLI::IsMember({"gbm", "merton", "heston", "regime", "bootstrap"}))
      ->capture_default_str();
  add_position_flags(*sub, {&a->price, &a->lower, &a->upper, &a->capital, &a->v2});
  sub->add_option("--vol", a->vol, "Annualised vol (GBM/Merton diffusion; Heston v0 = theta = vol^2 by default)")
      ->capture_default_str();
  sub->add_option("--drift", a->drift, "Annualised drift mu of P (E[P_T] = P0 e^{mu T})")->capture_default_str();
  sub->add_option("--t-years", a->t_years, "Horizon in years (ACT/365)")->capture_default_str();
  sub->add_option("--steps", a->steps, "Time steps per path")->capture_default_str();
  sub->add_option("--paths", a->paths, "Number of paths")->capture_default_str();
  sub->add_option("--seed", a->seed, "Seed: path i's randomness depends only on (seed, i)")->capture_default_str();
  sub->add_option("--threads", a->threads, "Worker threads (0 = all cores); results do not depend on it")
      ->capture_default_str();
  sub->add_option("--fee-apr", a->fee_apr, "Fee income per year as a fraction of position value while in range")
      ->capture_default_str();
  sub->add_option("--hedge", a->hedge_file, "Hedge JSON written by `alvh hedge --json`");
  sub->add_option("--normals", a->normals,
                  "Normal generator: fast (float32 inverse CDF, exact AS 241 beyond |z| 5.25; default) | exact (AS 241 "
                  "in double); same paths to float precision (docs/sim.md)")
      ->check(CLI::IsMember({"fast", "exact"}));
  sub->add_option("--config", a->config_file, "TOML file with model, event and hedge-marking parameters");
  sub->add_option("--terminal-csv", a->terminal_csv, "Write per-path terminal values to this CSV");
  sub->add_flag("--json", a->json, "JSON output (same as the global --json)");
  sub->callback([a, &g] { run_simulate(*a, g); });
});

}  // namespace
}  // namespace alvh::cli
