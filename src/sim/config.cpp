#include "alvh/sim/config.hpp"

#include <filesystem>
#include <set>
#include <toml++/toml.h>

#include "alvh/core/error.hpp"
#include "alvh/sim/calibration.hpp"

namespace alvh::sim {

namespace {

struct Reader {
  std::string file;

  std::size_t line_of(const toml::node& n) const { return static_cast<std::size_t>(n.source().begin.line); }

  [[noreturn]] void fail(const toml::node& n, const std::string& key, const std::string& msg) const {
    throw InputError(file, line_of(n), key, msg);
  }

  void check_keys(const toml::table& t, const std::string& prefix, const std::set<std::string>& allowed) const {
    for (auto&& [k, v] : t) {
      const std::string key(k.str());
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(v, prefix + key, "unknown key '" + prefix + key + "' (expected one of: " + list + ")");
      }
    }
  }

  double number(const toml::table& t, const std::string& prefix, const char* key, double def) const {
    const toml::node* n = t.get(key);
    if (!n) return def;
    if (auto v = n->value<double>(); v && (n->is_floating_point() || n->is_integer())) {
      if (!std::isfinite(*v)) fail(*n, prefix + key, "expected a finite number");
      return *v;
    }
    fail(*n, prefix + key, "expected a number");
  }
  std::optional<double> opt_number(const toml::table& t, const std::string& prefix, const char* key) const {
    if (!t.get(key)) return std::nullopt;
    return number(t, prefix, key, 0.0);
  }
  int integer(const toml::table& t, const std::string& prefix, const char* key, int def) const {
    const toml::node* n = t.get(key);
    if (!n) return def;
    if (!n->is_integer()) fail(*n, prefix + key, "expected an integer");
    return static_cast<int>(*n->value<std::int64_t>());
  }
  bool boolean(const toml::table& t, const std::string& prefix, const char* key, bool def) const {
    const toml::node* n = t.get(key);
    if (!n) return def;
    if (!n->is_boolean()) fail(*n, prefix + key, "expected true or false");
    return *n->value<bool>();
  }
  std::string string(const toml::table& t, const std::string& prefix, const char* key, std::string def) const {
    const toml::node* n = t.get(key);
    if (!n) return def;
    if (!n->is_string()) fail(*n, prefix + key, "expected a string");
    return *n->value<std::string>();
  }
  std::vector<double> numbers(const toml::node& n, const std::string& key) const {
    const auto* a = n.as_array();
    if (!a) fail(n, key, "expected an array of numbers");
    std::vector<double> out;
    for (const auto& e : *a) {
      auto v = e.value<double>();
      if (!v || !(e.is_floating_point() || e.is_integer())) fail(e, key, "expected an array of numbers");
      out.push_back(*v);
    }
    return out;
  }
  const toml::table& table(const toml::node& n, const std::string& key) const {
    const auto* t = n.as_table();
    if (!t) fail(n, key, "expected a table");
    return *t;
  }
  std::string resolve(const std::string& p) const {
    std::filesystem::path fp(p);
    if (fp.is_absolute()) return p;
    return (std::filesystem::path(file).parent_path() / fp).string();
  }
};

}  // namespace

SimConfig load_sim_config(const std::string& path) {
  if (!std::filesystem::exists(path)) throw InputError(path, "config file not found");
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw InputError(path, static_cast<std::size_t>(e.source().begin.line), "", std::string(e.description()));
  }
  Reader rd{path};
  SimConfig c;
  c.path = path;
  rd.check_keys(root, "", {"merton", "heston", "regime", "bootstrap", "hedge", "events", "engine"});
  if (const auto* n = root.get("merton")) {
    const auto& t = rd.table(*n, "merton");
    rd.check_keys(t, "merton.", {"intensity", "jump_mean", "jump_stdev"});
    c.merton.intensity = rd.number(t, "merton.", "intensity", 0.0);
    c.merton.jump_mean = rd.number(t, "merton.", "jump_mean", 0.0);
    c.merton.jump_stdev = rd.number(t, "merton.", "jump_stdev", 0.0);
  }
  if (const auto* n = root.get("heston")) {
    const auto& t = rd.table(*n, "heston");
    rd.check_keys(t, "heston.", {"v0", "kappa", "theta", "vol_of_vol", "rho"});
    c.heston.v0 = rd.opt_number(t, "heston.", "v0");
    c.heston.theta = rd.opt_number(t, "heston.", "theta");
    c.heston.kappa = rd.number(t, "heston.", "kappa", c.heston.kappa);
    c.heston.vol_of_vol = rd.number(t, "heston.", "vol_of_vol", c.heston.vol_of_vol);
    c.heston.rho = rd.number(t, "heston.", "rho", c.heston.rho);
  }
  if (const auto* n = root.get("regime")) {
    const auto& t = rd.table(*n, "regime");
    rd.check_keys(t, "regime.", {"vols", "generator", "initial_state", "history", "column", "window", "states"});
    if (const auto* v = t.get("vols")) c.regime.vols = rd.numbers(*v, "regime.vols");
    if (const auto* g = t.get("generator")) {
      const auto* rows = g->as_array();
      if (!rows) rd.fail(*g, "regime.generator", "expected an array of rows (arrays of numbers)");
      for (const auto& row : *rows) {
        const auto r = rd.numbers(row, "regime.generator");
        c.regime.generator.insert(c.regime.generator.end(), r.begin(), r.end());
      }
    }
    c.regime.initial_state = rd.integer(t, "regime.", "initial_state", 0);
    c.regime.history = rd.string(t, "regime.", "history", "");
    if (!c.regime.history.empty()) c.regime.history = rd.resolve(c.regime.history);
    c.regime.column = rd.string(t, "regime.", "column", c.regime.column);
    c.regime.window = rd.integer(t, "regime.", "window", c.regime.window);
    c.regime.states = rd.integer(t, "regime.", "states", c.regime.states);
  }
  if (const auto* n = root.get("bootstrap")) {
    const auto& t = rd.table(*n, "bootstrap");
    rd.check_keys(t, "bootstrap.", {"file", "column", "mean_block", "demean", "interval_years"});
    c.bootstrap.file = rd.string(t, "bootstrap.", "file", "");
    if (!c.bootstrap.file.empty()) c.bootstrap.file = rd.resolve(c.bootstrap.file);
    c.bootstrap.column = rd.string(t, "bootstrap.", "column", c.bootstrap.column);
    c.bootstrap.mean_block = rd.number(t, "bootstrap.", "mean_block", c.bootstrap.mean_block);
    c.bootstrap.demean = rd.boolean(t, "bootstrap.", "demean", false);
    c.bootstrap.interval_years = rd.number(t, "bootstrap.", "interval_years", 0.0);
  }
  if (const auto* n = root.get("engine")) {
    const auto& t = rd.table(*n, "engine");
    rd.check_keys(t, "engine.", {"normals"});
    const std::string normals = rd.string(t, "engine.", "normals", "fast");
    if (normals == "fast") c.engine.normals = NormalMethod::Fast;
    else if (normals == "exact") c.engine.normals = NormalMethod::Exact;
    else rd.fail(*t.get("normals"), "engine.normals", "expected \"fast\" or \"exact\", got \"" + normals + "\"");
  }
  if (const auto* n = root.get("hedge")) {
    const auto& t = rd.table(*n, "hedge");
    rd.check_keys(t, "hedge.", {"mark", "vol"});
    const std::string mark = rd.string(t, "hedge.", "mark", "black76");
    if (mark == "black76") c.hedge.mark = HedgeMarking::Black76;
    else if (mark == "intrinsic") c.hedge.mark = HedgeMarking::Intrinsic;
    else rd.fail(*t.get("mark"), "hedge.mark", "expected \"black76\" or \"intrinsic\", got \"" + mark + "\"");
    c.hedge.vol = rd.opt_number(t, "hedge.", "vol");
  }
  if (const auto* n = root.get("events")) {
    const auto* arr = n->as_array();
    if (!arr) rd.fail(*n, "events", "expected an array of tables ([[events]])");
    std::size_t i = 0;
    for (const auto& e : *arr) {
      const std::string prefix = "events[" + std::to_string(i++) + "].";
      const auto& t = rd.table(e, prefix);
      rd.check_keys(t, prefix, {"name", "t_years", "probability", "jump_mean", "jump_stdev"});
      ScheduledEvent ev;
      ev.name = rd.string(t, prefix, "name", "event " + std::to_string(i));
      if (!t.get("t_years")) rd.fail(e, prefix + "t_years", "missing required key");
      ev.t_years = rd.number(t, prefix, "t_years", 0.0);
      ev.probability = rd.number(t, prefix, "probability", 1.0);
      ev.jump_mean = rd.number(t, prefix, "jump_mean", 0.0);
      ev.jump_stdev = rd.number(t, prefix, "jump_stdev", 0.0);
      c.events.push_back(ev);
    }
  }
  return c;
}

PriceModel make_model(const std::string& name, double drift, double vol, const SimConfig& c) {
  const std::string where = c.path.empty() ? std::string("--config") : c.path;
  if (name == "gbm") return GbmModel{drift, vol};
  if (name == "merton") return MertonModel{drift, vol, c.merton.intensity, c.merton.jump_mean, c.merton.jump_stdev};
  if (name == "heston")
    return HestonModel{drift, c.heston.v0.value_or(vol * vol), c.heston.kappa, c.heston.theta.value_or(vol * vol),
                       c.heston.vol_of_vol, c.heston.rho};
  if (name == "regime") {
    if (!c.regime.vols.empty()) {
      RegimeModel m{drift, c.regime.vols, c.regime.generator, c.regime.initial_state};
      if (m.generator.empty() && m.vols.size() == 1) m.generator = {0.0};
      return m;
    }
    if (c.regime.history.empty())
      throw InputError(where, 0, "regime.vols",
                       "--model regime needs [regime] vols and generator, or history = \"prices.csv\" to calibrate");
    const auto h = load_price_history(c.regime.history, c.regime.column);
    auto m = calibrate_regimes(log_returns(h.prices), h.interval_years, c.regime.window, c.regime.states);
    m.drift = drift;
    return m;
  }
  if (name == "bootstrap") {
    if (c.bootstrap.file.empty())
      throw InputError(where, 0, "bootstrap.file", "--model bootstrap needs [bootstrap] file = \"prices.csv\"");
    const auto h = load_price_history(c.bootstrap.file, c.bootstrap.column, c.bootstrap.interval_years);
    return BootstrapModel{log_returns(h.prices), h.interval_years, c.bootstrap.mean_block, c.bootstrap.demean, drift};
  }
  throw InputError("--model", 0, "model", "unknown model '" + name + "' (expected gbm, merton, heston, regime, bootstrap)");
}

}  // namespace alvh::sim
