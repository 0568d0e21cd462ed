// alvh pool simulate SCRIPT.json: run a sequence of operations on the exact Uniswap v3 pool
// simulator (alvh/amm/pool.hpp) and print each result and the pool state after it. An op that
// reverts on chain reports {"error": "<reason>"}, leaves the pool unchanged, and the script
// goes on. Script format: docs/amm.md ("alvh pool simulate").
#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "alvh/amm/pool.hpp"
#include "alvh/amm/tick_math.hpp"
#include "alvh/core/error.hpp"
#include "command.hpp"
#include "output.hpp"

namespace alvh::cli {
namespace {

using nlohmann::json;

struct ScriptReader {
  std::string file;

  [[noreturn]] void fail(const std::string& where, const std::string& msg) const {
    throw InputError(file, where + ": " + msg);
  }
  const json& get(const json& obj, const std::string& key, const std::string& where) const {
    if (!obj.is_object() || !obj.contains(key)) fail(where, "missing field '" + key + "'");
    return obj.at(key);
  }
  // Big integers may be given as decimal strings (preferred) or JSON integers.
  amm::U256 uint(const json& obj, const std::string& key, const std::string& where) const {
    const json& v = get(obj, key, where);
    try {
      if (v.is_string()) return amm::U256::parse(v.get<std::string>());
      if (v.is_number_unsigned()) return amm::U256(v.get<std::uint64_t>());
    } catch (const DomainError& e) {
      fail(where + "." + key, e.what());
    }
    fail(where + "." + key, "expected a non-negative integer (decimal string), got " + v.dump());
  }
  amm::I256 sint(const json& obj, const std::string& key, const std::string& where) const {
    const json& v = get(obj, key, where);
    try {
      if (v.is_string()) return amm::I256::parse(v.get<std::string>());
      if (v.is_number_integer()) return amm::I256(static_cast<amm::i128>(v.get<std::int64_t>()));
    } catch (const DomainError& e) {
      fail(where + "." + key, e.what());
    }
    fail(where + "." + key, "expected a signed integer (decimal string), got " + v.dump());
  }
  amm::u128 u128(const json& obj, const std::string& key, const std::string& where) const {
    const amm::U256 v = uint(obj, key, where);
    if (!v.fits_u128()) fail(where + "." + key, "expected a uint128, got " + v.to_string());
    return v.lo;
  }
  std::int32_t tick(const json& obj, const std::string& key, const std::string& where) const {
    const json& v = get(obj, key, where);
    if (!v.is_number_integer()) fail(where + "." + key, "expected an integer tick, got " + v.dump());
    const auto t = v.get<std::int64_t>();
    if (t < -8388608 || t > 8388607) fail(where + "." + key, "expected an int24 tick, got " + v.dump());
    return static_cast<std::int32_t>(t);
  }
  std::string str(const json& obj, const std::string& key, const std::string& where) const {
    const json& v = get(obj, key, where);
    if (!v.is_string()) fail(where + "." + key, "expected a string, got " + v.dump());
    return v.get<std::string>();
  }
  bool boolean(const json& obj, const std::string& key, const std::string& where) const {
    const json& v = get(obj, key, where);
    if (!v.is_boolean()) fail(where + "." + key, "expected true or false, got " + v.dump());
    return v.get<bool>();
  }
};

// The pool state printed after every op.
void add_pool_state(json& out, const amm::Pool& p) {
  out["sqrt_price_x96"] = p.sqrt_price_x96().to_string();
  out["tick"] = p.tick();
  out["liquidity"] = amm::to_string(p.liquidity());
  out["fee_growth_global0_x128"] = p.fee_growth_global0_x128().to_string();
  out["fee_growth_global1_x128"] = p.fee_growth_global1_x128().to_string();
}

void run_simulate(const std::string& path, const GlobalOptions& g) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open the pool script");
  json script;
  try {
    script = json::parse(in);
  } catch (const json::exception& e) {  // parse errors and out-of-range numbers
    throw InputError(path, std::string("not valid JSON: ") + e.what());
  }
  const ScriptReader r{path};
  const json& pj = r.get(script, "pool", "script");
  const json& fee = r.get(pj, "fee", "pool");
  const json& spacing = r.get(pj, "tick_spacing", "pool");
  if (!fee.is_number_unsigned() || fee.get<std::uint64_t>() >= 1000000)
    r.fail("pool.fee", "expected pips in [0, 1000000), got " + fee.dump());
  if (!spacing.is_number_integer() || spacing.get<std::int64_t>() <= 0 || spacing.get<std::int64_t>() >= 16384)
    r.fail("pool.tick_spacing", "expected an integer in [1, 16383], got " + spacing.dump());
  amm::Pool pool(static_cast<std::uint32_t>(fee.get<std::uint64_t>()), static_cast<std::int32_t>(spacing.get<std::int64_t>()));
  try {
    pool.initialize(r.uint(pj, "sqrt_price_x96", "pool"));
  } catch (const amm::Revert& e) {
    r.fail("pool.sqrt_price_x96", e.what());
  }
  if (pj.contains("fee_protocol0") || pj.contains("fee_protocol1")) {
    auto small = [&](const char* key) -> std::uint8_t {
      if (!pj.contains(key)) return 0;
      const json& v = pj.at(key);
      if (!v.is_number_unsigned() || v.get<std::uint64_t>() > 255)
        r.fail(std::string("pool.") + key, "expected 0 or an integer in [4, 10], got " + v.dump());
      return static_cast<std::uint8_t>(v.get<std::uint64_t>());
    };
    const std::uint8_t p0 = small("fee_protocol0"), p1 = small("fee_protocol1");
    try {
      pool.set_fee_protocol(p0, p1);
    } catch (const amm::Revert& e) {
      r.fail("pool.fee_protocol", e.what());
    }
  }
  const json& ops = r.get(script, "ops", "script");
  if (!ops.is_array()) r.fail("ops", "expected an array of operations");

  json results = json::array();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const json& op = ops[i];
    const std::string where = fmt::format("ops[{}]", i);
    const std::string kind = r.str(op, "op", where);
    json res = json::object();
    res["op"] = kind;
    try {
      if (kind == "mint" || kind == "burn") {
        const auto owner = r.str(op, "owner", where);
        const auto lo = r.tick(op, "tick_lower", where), hi = r.tick(op, "tick_upper", where);
        const auto liq = r.u128(op, "liquidity", where);
        const auto m = kind == "mint" ? pool.mint(owner, lo, hi, liq) : pool.burn(owner, lo, hi, liq);
        res["amount0"] = m.amount0.to_string();
        res["amount1"] = m.amount1.to_string();
      } else if (kind == "collect") {
        const auto owner = r.str(op, "owner", where);
        const auto lo = r.tick(op, "tick_lower", where), hi = r.tick(op, "tick_upper", where);
        const amm::u128 req0 = op.contains("amount0_requested") ? r.u128(op, "amount0_requested", where) : ~amm::u128(0);
        const amm::u128 req1 = op.contains("amount1_requested") ? r.u128(op, "amount1_requested", where) : ~amm::u128(0);
        const auto c = pool.collect(owner, lo, hi, req0, req1);
        res["amount0"] = amm::to_string(c.amount0);
        res["amount1"] = amm::to_string(c.amount1);
      } else if (kind == "swap") {
        const bool zfo = r.boolean(op, "zero_for_one", where);
        const amm::I256 amount = r.sint(op, "amount_specified", where);
        // default limit as Uniswap's test callee: MIN_SQRT_RATIO + 1 / MAX_SQRT_RATIO - 1
        const amm::U256 limit = op.contains("sqrt_price_limit_x96") ? r.uint(op, "sqrt_price_limit_x96", where)
                                : zfo ? amm::MIN_SQRT_RATIO + amm::U256(1)
                                      : amm::MAX_SQRT_RATIO - amm::U256(1);
        const auto s = pool.swap(zfo, amount, limit);
        res["amount0"] = s.amount0.to_string();
        res["amount1"] = s.amount1.to_string();
      } else {
        r.fail(where + ".op", "expected mint, burn, collect or swap, got '" + kind + "'");
      }
    } catch (const amm::Revert& e) {
      res = json::object();
      res["op"] = kind;
      res["error"] = e.reason();
      res["detail"] = e.what();
    }
    add_pool_state(res, pool);
    results.push_back(std::move(res));
  }

  if (g.json) {
    print_json("pool.simulate", {{"pool", {{"fee", pool.fee()}, {"tick_spacing", pool.tick_spacing()}}}, {"results", results}});
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const json& x = results[i];
    const bool err = x.contains("error");
    rows.push_back({std::to_string(i), x["op"].get<std::string>(),
                    err ? "revert " + x["error"].get<std::string>() : x["amount0"].get<std::string>(),
                    err ? "" : x["amount1"].get<std::string>(), std::to_string(x["tick"].get<int>()),
                    x["liquidity"].get<std::string>(), x["sqrt_price_x96"].get<std::string>()});
  }
  print_table({"#", "op", "amount0", "amount1", "tick", "liquidity", "sqrt_price_x96"}, rows);
}

const RegisterCommand reg(41, [](CLI::App& app, const GlobalOptions& g) {
  auto* pool = app.add_subcommand("pool", "Exact Uniswap v3 pool simulator");
  pool->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  auto* sim = pool->add_subcommand("simulate", "Run a JSON script of mint/burn/collect/swap ops on an exact v3 pool");
  sim->add_option("SCRIPT", *path, "Script: {\"pool\": {fee, tick_spacing, sqrt_price_x96}, \"ops\": [...]} (docs/amm.md)")
      ->required();
  sim->footer("Example:\n  alvh pool simulate script.json --json\nAmounts are the contract's return values as decimal "
              "strings; reverting ops report {\"error\": reason}.");
  sim->callback([path, &g] { run_simulate(*path, g); });
});

}  // namespace
}  // namespace alvh::cli
