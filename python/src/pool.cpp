// The exact Uniswap v3 pool (alvh/amm/pool.hpp), the Uniswap v2 pair (alvh/amm/v2_pool.hpp) and
// the swap/bar replay of a hypothetical position over a pool's history (alvh/amm/swap_replay.hpp).
// Big integers cross as Python ints (big_int.hpp); a call that would revert on chain raises
// alvh.Revert with the contract's reason and leaves the pool unchanged, as the C++ class does.
#include <pybind11/stl.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "alvh/amm/pool.hpp"
#include "alvh/amm/swap_replay.hpp"
#include "alvh/amm/tick_math.hpp"
#include "alvh/amm/v2_pool.hpp"
#include "big_int.hpp"
#include "bindings.hpp"

namespace alvh::python {

namespace {
using amm::Pool;
using amm::U256;
using amm::V2Pair;

py::dict pool_state(const Pool& p) {
  py::dict d;
  d["sqrt_price_x96"] = from_u256(p.sqrt_price_x96());
  d["tick"] = p.tick();
  d["liquidity"] = from_u128(p.liquidity());
  d["fee_growth_global0_x128"] = from_u256(p.fee_growth_global0_x128());
  d["fee_growth_global1_x128"] = from_u256(p.fee_growth_global1_x128());
  d["protocol_fees0"] = from_u128(p.protocol_fees0());
  d["protocol_fees1"] = from_u128(p.protocol_fees1());
  return d;
}

amm::u128 requested(const std::optional<py::int_>& v, const char* name) {
  return v ? to_u128(*v, name) : ~amm::u128(0);
}

py::dict summary_dict(const amm::ReplaySummary& s) {
  py::dict d;
  d["rows"] = s.rows;
  d["events"] = s.events;
  d["events_in_range"] = s.events_in_range;
  d["open_time"] = s.open_time;
  d["end_time"] = s.end_time;
  d["liquidity_raw"] = s.liquidity_raw;
  d["liquidity_model"] = s.liquidity_model;
  d["entry_price"] = s.entry_price;
  d["final_price"] = s.final_price;
  d["range_lower"] = s.range.lower;
  d["range_upper"] = s.range.upper;
  d["cum_fee0"] = s.cum_fee0;
  d["cum_fee1"] = s.cum_fee1;
  d["fees_value"] = s.fees_value;
  d["lp_value"] = s.lp_value;
  d["hodl_value"] = s.hodl_value;
  d["entry_value"] = s.entry_value;
  d["impermanent_loss"] = s.impermanent_loss;
  d["pnl_vs_hodl"] = s.pnl_vs_hodl;
  return d;
}

// Column store of the value path, filled by the replay callback without the GIL.
struct PathColumns {
  std::vector<std::int64_t> time;
  std::vector<std::int32_t> tick;
  std::vector<double> price, in_range_fraction, fee0, fee1, cum_fee0, cum_fee1, lp_value, fees_value, hodl_value;
  void add(const amm::ReplayPoint& p) {
    time.push_back(p.time);
    tick.push_back(p.tick);
    price.push_back(p.price);
    in_range_fraction.push_back(p.in_range_fraction);
    fee0.push_back(p.fee0);
    fee1.push_back(p.fee1);
    cum_fee0.push_back(p.cum_fee0);
    cum_fee1.push_back(p.cum_fee1);
    lp_value.push_back(p.lp_value);
    fees_value.push_back(p.fees_value);
    hodl_value.push_back(p.hodl_value);
  }
  py::dict to_python() {
    py::dict d;
    d["time"] = py::array_t<std::int64_t>(static_cast<py::ssize_t>(time.size()), time.data());
    d["tick"] = py::array_t<std::int32_t>(static_cast<py::ssize_t>(tick.size()), tick.data());
    d["price"] = to_numpy(std::move(price));
    d["in_range_fraction"] = to_numpy(std::move(in_range_fraction));
    d["fee0"] = to_numpy(std::move(fee0));
    d["fee1"] = to_numpy(std::move(fee1));
    d["cum_fee0"] = to_numpy(std::move(cum_fee0));
    d["cum_fee1"] = to_numpy(std::move(cum_fee1));
    d["lp_value"] = to_numpy(std::move(lp_value));
    d["fees_value"] = to_numpy(std::move(fees_value));
    d["hodl_value"] = to_numpy(std::move(hodl_value));
    return d;
  }
};

amm::ReplayConfig replay_config(std::int32_t tick_lower, std::int32_t tick_upper, double liquidity_raw, double capital,
                                std::int64_t open_time, std::optional<std::int64_t> close_time, std::uint32_t fee_pips,
                                int decimals0, int decimals1, bool numeraire_is_token0) {
  amm::ReplayConfig c;
  c.tick_lower = tick_lower;
  c.tick_upper = tick_upper;
  c.liquidity_raw = liquidity_raw;
  c.capital = capital;
  c.open_time = open_time;
  if (close_time) c.close_time = *close_time;
  c.fee_pips = fee_pips;
  c.decimals0 = decimals0;
  c.decimals1 = decimals1;
  c.numeraire_is_token0 = numeraire_is_token0;
  return c;
}

// {"summary": {...}} plus {"path": {column: array}} when asked.
template <class Run>
py::dict run_replay(bool with_path, Run&& run) {
  PathColumns cols;
  amm::ReplaySummary s;
  {
    py::gil_scoped_release nogil;
    if (with_path)
      s = run([&cols](const amm::ReplayPoint& p) { cols.add(p); });
    else
      s = run(amm::ReplayCallback{});
  }
  py::dict out;
  out["summary"] = summary_dict(s);
  if (with_path) out["path"] = cols.to_python();
  return out;
}

// One binding body for both replays (swap level or bar mode): only the streaming reader differs.
auto replay_entry(bool swap_level) {
  return [swap_level](const std::string& path, std::int32_t lo, std::int32_t hi, double liquidity_raw, double capital,
                      std::int64_t open_time, std::optional<std::int64_t> close_time, std::uint32_t fee_pips, int d0,
                      int d1, bool num0, bool with_path) {
    const amm::ReplayConfig c =
        replay_config(lo, hi, liquidity_raw, capital, open_time, close_time, fee_pips, d0, d1, num0);
    return run_replay(with_path, [&](const amm::ReplayCallback& cb) {
      return swap_level ? amm::replay_swaps_csv(path, c, {}, cb) : amm::replay_bars_csv(path, c, {}, cb);
    });
  };
}

#define ALVH_REPLAY_ARGS                                                                                          \
  py::arg("path"), py::arg("tick_lower"), py::arg("tick_upper"), py::kw_only(), py::arg("liquidity_raw") = 0.0, \
      py::arg("capital") = 0.0, py::arg("open_time") = 0, py::arg("close_time") = py::none(),                    \
      py::arg("fee_pips") = 3000, py::arg("decimals0") = 6, py::arg("decimals1") = 18,                           \
      py::arg("numeraire_is_token0") = true

}  // namespace

void bind_pool(py::module_& m) {
  py::class_<Pool>(m, "Pool",
                   "The exact Uniswap v3 pool (UniswapV3Pool.sol: mint, burn, collect, swap, protocol fee), bit-exact\n"
                   "with the contracts. Amounts are Python ints in raw token units; a call that would revert on chain\n"
                   "raises alvh.Revert(reason) and leaves the pool unchanged.")
      .def(py::init([](std::uint32_t fee, std::int32_t tick_spacing, const std::optional<py::int_>& sqrt_price_x96) {
             Pool p(fee, tick_spacing);
             if (sqrt_price_x96) p.initialize(to_u256(*sqrt_price_x96, "sqrt_price_x96"));
             return p;
           }),
           py::arg("fee"), py::arg("tick_spacing"), py::arg("sqrt_price_x96") = py::none(),
           "fee in pips (3000 = 0.3%), tick spacing as in UniswapV3Factory; initialised when sqrt_price_x96 is given.")
      .def(
          "initialize", [](Pool& p, const py::int_& s) { p.initialize(to_u256(s, "sqrt_price_x96")); },
          py::arg("sqrt_price_x96"), "initialize(sqrtPriceX96): Revert('AI') if already initialised, 'R' if out of range.")
      .def(
          "mint",
          [](Pool& p, const std::string& owner, std::int32_t lo, std::int32_t hi, const py::int_& amount) {
            const amm::ModifyResult r = p.mint(owner, lo, hi, to_u128(amount, "liquidity"));
            return py::make_tuple(from_u256(r.amount0), from_u256(r.amount1));
          },
          py::arg("owner"), py::arg("tick_lower"), py::arg("tick_upper"), py::arg("liquidity"),
          "Adds liquidity to owner's [tick_lower, tick_upper) position; returns (amount0, amount1) owed to the pool\n"
          "(rounded up).")
      .def(
          "burn",
          [](Pool& p, const std::string& owner, std::int32_t lo, std::int32_t hi, const py::int_& amount) {
            const amm::ModifyResult r = p.burn(owner, lo, hi, to_u128(amount, "liquidity"));
            return py::make_tuple(from_u256(r.amount0), from_u256(r.amount1));
          },
          py::arg("owner"), py::arg("tick_lower"), py::arg("tick_upper"), py::arg("liquidity"),
          "Removes liquidity (0 = poke to update fees); returns (amount0, amount1) credited to tokens owed (rounded\n"
          "down).")
      .def(
          "collect",
          [](Pool& p, const std::string& owner, std::int32_t lo, std::int32_t hi, const std::optional<py::int_>& a0,
             const std::optional<py::int_>& a1) {
            const amm::CollectResult r =
                p.collect(owner, lo, hi, requested(a0, "amount0_requested"), requested(a1, "amount1_requested"));
            return py::make_tuple(from_u128(r.amount0), from_u128(r.amount1));
          },
          py::arg("owner"), py::arg("tick_lower"), py::arg("tick_upper"), py::arg("amount0_requested") = py::none(),
          py::arg("amount1_requested") = py::none(),
          "Withdraws up to the requested tokens owed (default: all); returns (amount0, amount1).")
      .def(
          "swap",
          [](Pool& p, bool zero_for_one, const py::int_& amount_specified, const std::optional<py::int_>& limit) {
            // Default limit: the whole price domain, as the periphery router does with limit 0.
            const U256 lim = limit ? to_u256(*limit, "sqrt_price_limit_x96")
                                   : (zero_for_one ? amm::MIN_SQRT_RATIO + U256(1) : amm::MAX_SQRT_RATIO - U256(1));
            const amm::SwapResult r = p.swap(zero_for_one, to_i256(amount_specified, "amount_specified"), lim);
            py::dict d;
            d["amount0"] = from_i256(r.amount0);
            d["amount1"] = from_i256(r.amount1);
            d["fee_amount"] = from_u256(r.fee_amount);
            d["protocol_fee"] = from_u256(r.protocol_fee);
            d["steps"] = r.steps;
            return d;
          },
          py::arg("zero_for_one"), py::arg("amount_specified"), py::arg("sqrt_price_limit_x96") = py::none(),
          "amount_specified > 0 exact input, < 0 exact output. Returns a dict: amount0, amount1 (the pool's signed\n"
          "balance changes), fee_amount, protocol_fee (input token) and steps (iterations of the swap loop).")
      .def(
          "set_fee_protocol", [](Pool& p, std::uint8_t a, std::uint8_t b) { p.set_fee_protocol(a, b); },
          py::arg("fee_protocol0"), py::arg("fee_protocol1"), "setFeeProtocol: each 0 or in [4, 10] (a 1/N share).")
      .def(
          "collect_protocol",
          [](Pool& p, const std::optional<py::int_>& a0, const std::optional<py::int_>& a1) {
            const amm::CollectResult r =
                p.collect_protocol(requested(a0, "amount0_requested"), requested(a1, "amount1_requested"));
            return py::make_tuple(from_u128(r.amount0), from_u128(r.amount1));
          },
          py::arg("amount0_requested") = py::none(), py::arg("amount1_requested") = py::none())
      .def(
          "position",
          [](const Pool& p, const std::string& owner, std::int32_t lo, std::int32_t hi) {
            const amm::PositionInfo x = p.position(owner, lo, hi);
            py::dict d;
            d["liquidity"] = from_u128(x.liquidity);
            d["fee_growth_inside0_last_x128"] = from_u256(x.fee_growth_inside0_last_x128);
            d["fee_growth_inside1_last_x128"] = from_u256(x.fee_growth_inside1_last_x128);
            d["tokens_owed0"] = from_u128(x.tokens_owed0);
            d["tokens_owed1"] = from_u128(x.tokens_owed1);
            return d;
          },
          py::arg("owner"), py::arg("tick_lower"), py::arg("tick_upper"), "Position.Info of owner's range (a dict).")
      .def(
          "tick_info",
          [](const Pool& p, std::int32_t tick) {
            const amm::TickInfo t = p.tick_info(tick);
            py::dict d;
            d["liquidity_gross"] = from_u128(t.liquidity_gross);
            d["liquidity_net"] = from_text(amm::I256(t.liquidity_net).to_string());
            d["fee_growth_outside0_x128"] = from_u256(t.fee_growth_outside0_x128);
            d["fee_growth_outside1_x128"] = from_u256(t.fee_growth_outside1_x128);
            d["initialized"] = t.initialized;
            return d;
          },
          py::arg("tick"), "Tick.Info of a tick (zeros if not initialised).")
      .def(
          "fee_growth_inside",
          [](const Pool& p, std::int32_t lo, std::int32_t hi) {
            const auto [g0, g1] = p.fee_growth_inside(lo, hi);
            return py::make_tuple(from_u256(g0), from_u256(g1));
          },
          py::arg("tick_lower"), py::arg("tick_upper"), "Tick.getFeeGrowthInside at the current tick (X128 ints).")
      .def("state", &pool_state,
           "sqrt_price_x96, tick, liquidity, fee_growth_global0/1_x128 and protocol fees, as a dict of ints.")
      .def("copy", [](const Pool& p) { return Pool(p); }, "An independent copy (for what-if swaps).")
      .def("__copy__", [](const Pool& p) { return Pool(p); })
      .def_property_readonly("fee", &Pool::fee)
      .def_property_readonly("tick_spacing", &Pool::tick_spacing)
      .def_property_readonly("initialized", &Pool::initialized)
      .def_property_readonly("sqrt_price_x96", [](const Pool& p) { return from_u256(p.sqrt_price_x96()); })
      .def_property_readonly("tick", &Pool::tick)
      .def_property_readonly("liquidity", [](const Pool& p) { return from_u128(p.liquidity()); })
      .def_property_readonly("max_liquidity_per_tick", [](const Pool& p) { return from_u128(p.max_liquidity_per_tick()); })
      .def_property_readonly("fee_growth_global0_x128", [](const Pool& p) { return from_u256(p.fee_growth_global0_x128()); })
      .def_property_readonly("fee_growth_global1_x128", [](const Pool& p) { return from_u256(p.fee_growth_global1_x128()); })
      .def("__repr__", [](const Pool& p) {
        return "alvh.Pool(fee=" + std::to_string(p.fee()) + ", tick_spacing=" + std::to_string(p.tick_spacing()) +
               ", tick=" + std::to_string(p.tick()) + ", liquidity=" + amm::to_string(p.liquidity()) + ")";
      });

  py::class_<V2Pair>(m, "V2Pair",
                     "Uniswap v2 constant-product pair with the 0.3% fee (UniswapV2Pair.sol, protocol fee off),\n"
                     "integer-exact; reverts raise alvh.Revert with the contract's string.")
      .def(py::init<>())
      .def(
          "mint",
          [](V2Pair& p, const py::int_& a0, const py::int_& a1) {
            return from_u256(p.mint(to_u256(a0, "amount0"), to_u256(a1, "amount1")));
          },
          py::arg("amount0"), py::arg("amount1"),
          "Deposits and returns the LP tokens minted (sqrt(a0 a1) - 1000 for the first deposit).")
      .def(
          "burn",
          [](V2Pair& p, const py::int_& liq) {
            const V2Pair::Amounts a = p.burn(to_u256(liq, "liquidity"));
            return py::make_tuple(from_u256(a.amount0), from_u256(a.amount1));
          },
          py::arg("liquidity"), "Burns LP tokens for (amount0, amount1), pro rata, rounded down.")
      .def(
          "swap_exact_in",
          [](V2Pair& p, bool zero_for_one, const py::int_& a) {
            return from_u256(p.swap_exact_in(zero_for_one, to_u256(a, "amount_in")));
          },
          py::arg("zero_for_one"), py::arg("amount_in"), "Router-style exact-input swap; returns the output amount.")
      .def(
          "swap_exact_out",
          [](V2Pair& p, bool zero_for_one, const py::int_& a) {
            return from_u256(p.swap_exact_out(zero_for_one, to_u256(a, "amount_out")));
          },
          py::arg("zero_for_one"), py::arg("amount_out"), "Router-style exact-output swap; returns the input amount.")
      .def_property_readonly("reserve0", [](const V2Pair& p) { return from_u256(p.reserve0()); })
      .def_property_readonly("reserve1", [](const V2Pair& p) { return from_u256(p.reserve1()); })
      .def_property_readonly("total_supply", [](const V2Pair& p) { return from_u256(p.total_supply()); });

  m.def(
      "v2_get_amount_out",
      [](const py::int_& a, const py::int_& rin, const py::int_& rout) {
        return from_u256(amm::v2_get_amount_out(to_u256(a, "amount_in"), to_u256(rin, "reserve_in"),
                                                to_u256(rout, "reserve_out")));
      },
      py::arg("amount_in"), py::arg("reserve_in"), py::arg("reserve_out"),
      "UniswapV2Library.getAmountOut: amountIn*997*rOut / (rIn*1000 + amountIn*997), rounded down.");
  m.def(
      "v2_get_amount_in",
      [](const py::int_& a, const py::int_& rin, const py::int_& rout) {
        return from_u256(amm::v2_get_amount_in(to_u256(a, "amount_out"), to_u256(rin, "reserve_in"),
                                               to_u256(rout, "reserve_out")));
      },
      py::arg("amount_out"), py::arg("reserve_in"), py::arg("reserve_out"),
      "UniswapV2Library.getAmountIn: rIn*amountOut*1000 / ((rOut - amountOut)*997) + 1.");

  m.def(
      "replay_swaps", replay_entry(true),
      ALVH_REPLAY_ARGS, py::arg("with_path") = false,
      "Swap-level replay of a hypothetical position [tick_lower, tick_upper) over a pool's swap CSV (streamed;\n"
      "docs/amm.md, 'Swap replay', for the schema and the approximations). Give liquidity_raw (pool units) or\n"
      "capital (numeraire). Returns {'summary': dict} and, with with_path=True, {'path': dict of numpy arrays}\n"
      "(time, tick, price, in_range_fraction, fee0, fee1, cum_fee0, cum_fee1, lp_value, fees_value, hodl_value).\n"
      "Malformed or unsorted rows raise alvh.InputError naming file, line and field.");
  m.def(
      "replay_bars", replay_entry(false),
      ALVH_REPLAY_ARGS, py::arg("with_path") = false,
      "Bar-mode replay over minute/hour bars of gross inflows (fees = fee rate x inflow x L_pos/(L_active+L_pos)\n"
      "while in range). Same arguments and result as replay_swaps.");
  m.def(
      "compare_bar_vs_swap",
      [](const std::string& path, std::int32_t lo, std::int32_t hi, double liquidity_raw, double capital,
         std::int64_t open_time, std::optional<std::int64_t> close_time, std::uint32_t fee_pips, int d0, int d1,
         bool num0, std::int64_t bar_seconds) {
        const amm::ReplayConfig c =
            replay_config(lo, hi, liquidity_raw, capital, open_time, close_time, fee_pips, d0, d1, num0);
        amm::BarVsSwapComparison r;
        {
          py::gil_scoped_release nogil;
          r = amm::compare_bar_vs_swap(path, c, bar_seconds);
        }
        py::dict d;
        d["swap_level"] = summary_dict(r.swap_level);
        d["bar_level"] = summary_dict(r.bar_level);
        d["fees_value_rel_error"] = r.fees_value_rel_error;
        return d;
      },
      ALVH_REPLAY_ARGS, py::arg("bar_seconds") = 60,
      "Runs the swap-level and the bar-mode replay over one swap CSV in one pass (bars aggregated on the fly)\n"
      "and returns both summaries and the bar mode's relative fee error.");
}

}  // namespace alvh::python
