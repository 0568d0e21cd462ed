// alvh run: the main job. Analyses an ETH/USDC v3 position (the embedded default unless told
// otherwise), simulates its distribution, and writes one self-contained HTML report plus a
// short summary. All numbers come from the library (alvh::report::run_job); this file parses
// arguments, shows progress and writes files.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <toml++/toml.h>
#include <map>

#include "alvh/core/atomic_file.hpp"
#include "alvh/core/error.hpp"
#include "alvh/core/shared_data.hpp"
#include "alvh/report/html.hpp"
#include "alvh/report/json.hpp"
#include "alvh/report/run.hpp"
#include "alvh/version.hpp"
#include "command.hpp"
#include "output.hpp"

namespace alvh::cli {

report::HtmlOptions report_html_options(const std::string& assets_path, std::string& storage);  // cmd_report.cpp

namespace {

struct RunArgs {
  report::RunConfig cfg;
  std::string config_file;
  std::string market = "auto";  // auto | embedded | real
  std::string data_dir;
  std::string out = "alvh-report.html";
  std::string save_json;
  std::string assets;
  bool no_html = false;
};

// Progress bar with ETA per stage of the job on stderr (only on a terminal and without --quiet).
class StagedProgressBar {
 public:
  explicit StagedProgressBar(bool enabled) : enabled_(enabled) {}
  ~StagedProgressBar() { finish(); }
  void update(const std::string& stage, double done, double total) {
    if (!enabled_ || total <= 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (stage != stage_) {
      finish();
      stage_ = stage;
      start_ = now;
    }
    if (now - last_ < std::chrono::milliseconds(100) && done < total) return;
    last_ = now;
    const double f = std::min(1.0, done / total);
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = f > 0 ? elapsed * (1 - f) / f : 0;
    const int width = 30, filled = static_cast<int>(f * width);
    std::fprintf(stderr, "\r  %-12s [%s%s] %3.0f%%  ETA %4.0fs ", stage.c_str(), std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - filled), '.').c_str(), 100 * f, eta);
    std::fflush(stderr);
    open_ = true;
  }
  void finish() {
    if (open_) std::fputc('\n', stderr);
    open_ = false;
  }

 private:
  bool enabled_;
  bool open_ = false;
  std::string stage_;
  std::chrono::steady_clock::time_point start_{}, last_{};
};

// Reads examples/default.toml-style config into args (flags given on the command line win;
// `given` tells which). Unknown keys are errors naming the key.
void load_config(const std::string& path, RunArgs& a, const std::function<bool(const char*)>& given) {
  toml::table tbl;
  try {
    tbl = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw InputError(path, e.source().begin.line, "(TOML syntax)", std::string(e.description()));
  }
  auto fail = [&](const std::string& key, const std::string& msg, const toml::node* n) -> void {
    throw InputError(path, n ? n->source().begin.line : 0, key, msg);
  };
  auto num = [&](const toml::table& t, const std::string& sect, const char* key, const char* flag, auto& dst) {
    const toml::node* n = t.get(key);
    if (!n || given(flag)) return;
    auto v = n->value<double>();
    if (!v) fail(sect + "." + key, "expected a number", n);
    using T = std::remove_reference_t<decltype(dst)>;
    if constexpr (std::is_integral_v<T>) {
      if (*v < 0 || *v != std::floor(*v)) fail(sect + "." + key, "expected a non-negative integer", n);
    }
    dst = static_cast<T>(*v);
  };
  auto str = [&](const toml::table& t, const std::string& sect, const char* key, const char* flag, std::string& dst) {
    const toml::node* n = t.get(key);
    if (!n || given(flag)) return;
    auto v = n->value<std::string>();
    if (!v) fail(sect + "." + key, "expected a string", n);
    dst = *v;
  };
  const std::map<std::string, std::vector<std::string>> allowed = {
      {"position", {"price", "range_lower", "range_upper", "capital", "vol", "v2"}},
      {"simulation", {"horizon_days", "paths", "steps_per_day", "seed", "threads"}},
      {"hedge", {"hedge_ratio", "strike_step"}},
      {"market", {"source", "data_dir"}},
      {"report", {"out", "save_json"}}};
  for (auto&& [k, v] : tbl) {
    const std::string key(k.str());
    auto it = allowed.find(key);
    if (it == allowed.end() || !v.is_table())
      fail(key, "unknown section (expected [position], [simulation], [hedge], [market] or [report])", &v);
    for (auto&& [k2, v2] : *v.as_table()) {
      const std::string key2(k2.str());
      if (std::find(it->second.begin(), it->second.end(), key2) == it->second.end())
        fail(key + "." + key2, "unknown key", &v2);
    }
  }
  if (auto* t = tbl["position"].as_table()) {
    num(*t, "position", "price", "--price", a.cfg.price);
    num(*t, "position", "range_lower", "--range-lower", a.cfg.range_lower);
    num(*t, "position", "range_upper", "--range-upper", a.cfg.range_upper);
    num(*t, "position", "capital", "--capital", a.cfg.capital);
    num(*t, "position", "vol", "--vol", a.cfg.vol);
    if (const toml::node* n = t->get("v2"); n && !given("--v2")) {
      auto v = n->value<bool>();
      if (!v) fail("position.v2", "expected true or false", n);
      a.cfg.v2 = *v;
    }
  }
  if (auto* t = tbl["simulation"].as_table()) {
    num(*t, "simulation", "horizon_days", "--horizon-days", a.cfg.horizon_days);
    num(*t, "simulation", "paths", "--paths", a.cfg.paths);
    num(*t, "simulation", "steps_per_day", "--steps-per-day", a.cfg.steps_per_day);
    num(*t, "simulation", "seed", "--seed", a.cfg.seed);
    num(*t, "simulation", "threads", "--threads", a.cfg.threads);
  }
  if (auto* t = tbl["hedge"].as_table()) {
    num(*t, "hedge", "hedge_ratio", "--hedge-ratio", a.cfg.hedge_ratio);
    num(*t, "hedge", "strike_step", "--strike-step", a.cfg.strike_step);
  }
  if (auto* t = tbl["market"].as_table()) {
    str(*t, "market", "source", "--market", a.market);
    str(*t, "market", "data_dir", "--data", a.data_dir);
  }
  if (auto* t = tbl["report"].as_table()) {
    str(*t, "report", "out", "--out", a.out);
    str(*t, "report", "save_json", "--save-json", a.save_json);
  }
}

nlohmann::json envelope(nlohmann::json body) {
  nlohmann::json doc = {{"schema", "alvh.run"}, {"schema_version", kJsonSchemaVersion}, {"alvh_version", kVersion}};
  for (auto& [k, v] : body.items()) doc[k] = std::move(v);
  return doc;
}

void run_main(RunArgs a, const GlobalOptions& g, const std::function<bool(const char*)>& given) {
  if (!a.config_file.empty()) load_config(a.config_file, a, given);
  if (a.market != "auto" && a.market != "embedded" && a.market != "real")
    throw DomainError("--market: expected auto, embedded or real, got '" + a.market + "'");
  // Market: --data DIR (or market = real) runs on the real history; auto uses ../shared when present.
  if (!a.data_dir.empty() && a.market == "auto") a.market = "real";
  if (a.market == "real" || a.market == "auto") {
    auto dir = shared_data_dir(a.data_dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(a.data_dir),
                               std::filesystem::path("..") / "shared");
    if (dir && std::filesystem::exists(*dir / "data" / "yahoo_eth_usd_daily_2017-2024.csv"))
      a.cfg.data_dir = dir->string();
    else if (a.market == "real")
      throw InputError(a.data_dir.empty() ? std::string("../shared") : a.data_dir,
                       "no real history found (expected data/yahoo_eth_usd_daily_2017-2024.csv under it); "
                       "hint: pass --data /path/to/shared or use --market embedded");
  }

  StagedProgressBar bar(progress_enabled(g.quiet));
  auto result = report::run_job(a.cfg, [&](const std::string& stage, double done, double total) {
    bar.update(stage, done, total);
  });
  bar.finish();

  std::string html_bytes;
  if (!a.no_html) {
    std::string storage;
    const auto opts = report_html_options(a.assets, storage);
    html_bytes = report::render_html(result.document, opts);
    write_file_atomically(a.out, html_bytes);
  }
  nlohmann::json body = result.results;
  body["report_file"] = a.no_html ? nlohmann::json(nullptr) : nlohmann::json(a.out);
  if (!a.save_json.empty()) {
    nlohmann::json saved = envelope(body);
    saved["report"] = report::to_json(result.document);
    write_file_atomically(a.save_json, saved.dump(1) + "\n");
  }
  if (g.json) {
    print_json("run", body);
    return;
  }
  const auto& r = result.results;
  fmt::print("alvh run: {} market\n", r["market"]["source"].get<std::string>());
  const auto& p = r["position"];
  std::vector<std::pair<std::string, std::string>> rows = {
      {"position", a.cfg.v2 ? std::string("Uniswap v2 full range")
                            : fmt::format("Uniswap v3 [{}, {}]", num(a.cfg.range_lower), num(a.cfg.range_upper))},
      {"capital / price", fmt::format("{} USDC at {}", num(a.cfg.capital), num(a.cfg.price))},
      {"delta (ETH)", num(p["delta"].get<double>())},
      {"LVR (USDC/yr)", num(p["lvr_rate_annual"].get<double>())},
      {"fee APR in range", fmt::format("{:.2f}%", 100 * p["fee_apr"].get<double>())}};
  if (r.contains("simulation")) {
    const auto& s = r["simulation"];
    rows.push_back({"sim LP mean P&L", num(s["lp"]["mean"].get<double>() - a.cfg.capital)});
    rows.push_back({"sim LP VaR95 / CVaR95", fmt::format("{} / {}", num(s["lp"]["var95"].get<double>()),
                                                          num(s["lp"]["cvar95"].get<double>()))});
  }
  if (r.contains("hedge"))
    rows.push_back({"Layer 1 premium", fmt::format("{} USDC for {} legs", num(r["hedge"]["total_premium"].get<double>()),
                                                    r["hedge"]["legs"].size())});
  if (r.contains("hedge_optimised") && r["hedge_optimised"].contains("total_cost"))
    rows.push_back({"Layer 1 optimiser (alt.)",
                    fmt::format("{} USDC for {} legs, tails covered: {}",
                                num(r["hedge_optimised"]["total_cost"].get<double>()), r["hedge_optimised"]["legs"].size(),
                                r["hedge_optimised"]["tail_covered"].get<bool>() ? "yes" : "no")});
  if (r.contains("simulation") && r["simulation"]["lp_hedged"].is_object()) {
    const auto& h = r["simulation"]["lp_hedged"];
    rows.push_back({"sim LP+hedge VaR95 / CVaR95",
                    fmt::format("{} / {}", num(h["var95"].get<double>()), num(h["cvar95"].get<double>()))});
  }
  if (r.contains("backtest"))
    for (const auto& st : r["backtest"]["strategies"])
      rows.push_back({"backtest " + st["name"].get<std::string>(),
                      fmt::format("return {:+.2f}%, max drawdown {:.2f}%", 100 * st["total_return"].get<double>(),
                                  100 * st["max_drawdown"].get<double>())});
  for (const auto& st : result.stages)
    if (!st.done) rows.push_back({"stage " + st.name, "omitted: " + st.note});
  if (!a.no_html) rows.push_back({"report", fmt::format("{} ({} KiB)", a.out, html_bytes.size() / 1024)});
  if (!a.save_json.empty()) rows.push_back({"results JSON", a.save_json});
  print_kv(rows);
}

const RegisterCommand reg(90, [](CLI::App& app, const GlobalOptions& g) {
  auto args = std::make_shared<RunArgs>();
  auto* sub = app.add_subcommand("run", "The main job: analyse, hedge, simulate and backtest a position; write the HTML report");
  sub->footer(
      "Examples:\n"
      "  alvh run                                   # embedded default ETH/USDC position -> alvh-report.html\n"
      "  alvh run --config examples/default.toml --out report.html --save-json run.json\n"
      "  alvh run --price 2500 --range-lower 2000 --range-upper 3200 --capital 50000 --data ../shared\n"
      "  alvh report --input run.json --out again.html\n"
      "Market: --market auto (default) uses the real history when ../shared/data (or --data DIR) is found,\n"
      "else the embedded default market (docs/default-market.md). The report states which one was used.");
  auto& c = args->cfg;
  sub->add_option("--config,-c", args->config_file, "TOML config (see examples/default.toml); flags override it");
  add_position_flags(*sub, {&c.price, &c.range_lower, &c.range_upper, &c.capital, &c.v2});
  sub->add_option("--vol", c.vol, "Annualised vol for greeks, LVR and option marks (0.7 = 70%)")->capture_default_str();
  sub->add_option("--horizon-days", c.horizon_days, "Horizon of the payoff and the simulation, days")->capture_default_str();
  sub->add_option("--paths", c.paths, "Monte Carlo paths")->capture_default_str();
  sub->add_option("--steps-per-day", c.steps_per_day, "Simulation steps per day")->capture_default_str();
  sub->add_option("--seed", c.seed, "Random seed (same seed => same numbers, any thread count)")->capture_default_str();
  sub->add_option("--threads", c.threads, "Worker threads (0 = all)")->capture_default_str();
  sub->add_option("--hedge-ratio", c.hedge_ratio, "Layer 1: fraction of the Carr-Madan strip bought")->capture_default_str();
  sub->add_option("--strike-step", c.strike_step, "Layer 1: listed-strike spacing, fraction of spot")->capture_default_str();
  sub->add_option("--market", args->market, "auto | embedded | real")->capture_default_str();
  sub->add_option("--data", args->data_dir, "Shared data directory with the real history (implies --market real)");
  sub->add_option("--out,-o", args->out, "HTML report to write (atomically)")->capture_default_str();
  sub->add_option("--save-json", args->save_json, "Also save results + report document as JSON (for alvh report)");
  sub->add_flag("--no-html", args->no_html, "Do not write the HTML report");
  sub->add_option("--assets", args->assets, "Use this echarts.min.js instead of the embedded copy");
  sub->callback([args, sub, &g] {
    run_main(*args, g, [sub](const char* flag) { return sub->count(flag) > 0; });
  });
});

}  // namespace
}  // namespace alvh::cli
