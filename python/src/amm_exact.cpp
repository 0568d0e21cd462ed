// alvh::amm exact Uniswap v3 integer math (TickMath, SqrtPriceMath, SwapMath, LiquidityAmounts),
// bit-exact with the contracts. uint256/int256/uint128 values cross the boundary as Python ints
// (converted through decimal strings, so no precision is lost); a value out of its Solidity
// type's range raises alvh.DomainError, an on-chain revert raises alvh.Revert (with .reason).
#include <pybind11/stl.h>

#include <string>

#include "alvh/amm/liquidity_math.hpp"
#include "alvh/amm/revert.hpp"
#include "alvh/amm/sqrt_price_math.hpp"
#include "alvh/amm/swap_math.hpp"
#include "alvh/amm/tick_math.hpp"
#include "alvh/amm/uint256.hpp"
#include "big_int.hpp"
#include "bindings.hpp"

namespace alvh::python {

namespace {
using amm::I256;
using amm::i128;
using amm::U256;
using amm::u128;

PyObject* g_revert = nullptr;

}  // namespace

void bind_amm_exact(py::module_& m) {
  g_revert = PyErr_NewExceptionWithDoc(
      "alvh.Revert",
      "A call that would revert on chain (C++ alvh::amm::Revert). .reason is the Solidity revert string\n"
      "(\"T\", \"R\", \"LS\", ...) or a short description for bare require()/overflow reverts.",
      error_type(), nullptr);
  if (!g_revert) throw py::error_already_set();
  m.attr("Revert") = py::handle(g_revert);
  py::handle(g_revert).attr("reason") = "";
  py::register_exception_translator([](std::exception_ptr p) {  // NOLINT(performance-unnecessary-value-param): pybind11 takes void(*)(std::exception_ptr)
    try {
      if (p) std::rethrow_exception(p);
    } catch (const amm::Revert& e) {
      py::object exc = py::reinterpret_steal<py::object>(PyObject_CallFunction(g_revert, "s", e.what()));
      if (!exc) throw py::error_already_set();
      exc.attr("reason") = e.reason();
      PyErr_SetObject(g_revert, exc.ptr());
    }
  });

  m.attr("MIN_TICK") = amm::MIN_TICK;
  m.attr("MAX_TICK") = amm::MAX_TICK;
  m.attr("MIN_SQRT_RATIO") = from_u256(amm::MIN_SQRT_RATIO);
  m.attr("MAX_SQRT_RATIO") = from_u256(amm::MAX_SQRT_RATIO);

  m.def(
      "sqrt_ratio_at_tick", [](std::int32_t tick) { return from_u256(amm::sqrt_ratio_at_tick(tick)); }, py::arg("tick"),
      "TickMath.getSqrtRatioAtTick: sqrt(1.0001^tick) as Q64.96 (a Python int), rounded up, bit-exact with\n"
      "Uniswap v3-core. Raises alvh.Revert('T') unless |tick| <= MAX_TICK.");
  m.def(
      "tick_at_sqrt_ratio",
      [](const py::int_& sqrt_price_x96) { return amm::tick_at_sqrt_ratio(to_u256(sqrt_price_x96, "sqrt_price_x96")); },
      py::arg("sqrt_price_x96"),
      "TickMath.getTickAtSqrtRatio: the greatest tick whose sqrt ratio <= sqrt_price_x96. Raises\n"
      "alvh.Revert('R') unless MIN_SQRT_RATIO <= sqrt_price_x96 < MAX_SQRT_RATIO.");
  m.def(
      "get_amount0_delta",
      [](const py::int_& a, const py::int_& b, const py::int_& liquidity, bool round_up) {
        return from_u256(amm::get_amount0_delta(to_u256(a, "sqrt_ratio_a_x96"), to_u256(b, "sqrt_ratio_b_x96"),
                                                to_u128(liquidity, "liquidity"), round_up));
      },
      py::arg("sqrt_ratio_a_x96"), py::arg("sqrt_ratio_b_x96"), py::arg("liquidity"), py::arg("round_up"),
      "SqrtPriceMath.getAmount0Delta: L (sqrtB - sqrtA) / (sqrtA sqrtB), 2^96-scaled, rounded as asked (int).");
  m.def(
      "get_amount1_delta",
      [](const py::int_& a, const py::int_& b, const py::int_& liquidity, bool round_up) {
        return from_u256(amm::get_amount1_delta(to_u256(a, "sqrt_ratio_a_x96"), to_u256(b, "sqrt_ratio_b_x96"),
                                                to_u128(liquidity, "liquidity"), round_up));
      },
      py::arg("sqrt_ratio_a_x96"), py::arg("sqrt_ratio_b_x96"), py::arg("liquidity"), py::arg("round_up"),
      "SqrtPriceMath.getAmount1Delta: L (sqrtB - sqrtA) / 2^96, rounded as asked (int).");
  m.def(
      "get_next_sqrt_price_from_input",
      [](const py::int_& sqrt_px96, const py::int_& liquidity, const py::int_& amount_in, bool zero_for_one) {
        return from_u256(amm::get_next_sqrt_price_from_input(to_u256(sqrt_px96, "sqrt_price_x96"),
                                                             to_u128(liquidity, "liquidity"),
                                                             to_u256(amount_in, "amount_in"), zero_for_one));
      },
      py::arg("sqrt_price_x96"), py::arg("liquidity"), py::arg("amount_in"), py::arg("zero_for_one"),
      "SqrtPriceMath.getNextSqrtPriceFromInput (int).");
  m.def(
      "get_next_sqrt_price_from_output",
      [](const py::int_& sqrt_px96, const py::int_& liquidity, const py::int_& amount_out, bool zero_for_one) {
        return from_u256(amm::get_next_sqrt_price_from_output(to_u256(sqrt_px96, "sqrt_price_x96"),
                                                              to_u128(liquidity, "liquidity"),
                                                              to_u256(amount_out, "amount_out"), zero_for_one));
      },
      py::arg("sqrt_price_x96"), py::arg("liquidity"), py::arg("amount_out"), py::arg("zero_for_one"),
      "SqrtPriceMath.getNextSqrtPriceFromOutput (int).");
  m.def(
      "compute_swap_step",
      [](const py::int_& current, const py::int_& target, const py::int_& liquidity,
         const py::int_& amount_remaining, std::uint32_t fee_pips) {
        const amm::SwapStep s = amm::compute_swap_step(to_u256(current, "sqrt_ratio_current_x96"),
                                                       to_u256(target, "sqrt_ratio_target_x96"),
                                                       to_u128(liquidity, "liquidity"),
                                                       to_i256(amount_remaining, "amount_remaining"), fee_pips);
        py::dict d;
        d["sqrt_ratio_next_x96"] = from_u256(s.sqrt_ratio_next_x96);
        d["amount_in"] = from_u256(s.amount_in);
        d["amount_out"] = from_u256(s.amount_out);
        d["fee_amount"] = from_u256(s.fee_amount);
        return d;
      },
      py::arg("sqrt_ratio_current_x96"), py::arg("sqrt_ratio_target_x96"), py::arg("liquidity"),
      py::arg("amount_remaining"), py::arg("fee_pips"),
      "SwapMath.computeSwapStep: one swap step inside a liquidity range. amount_remaining > 0 is exact input,\n"
      "< 0 exact output; fee_pips 3000 = 0.3%. Returns a dict of ints: sqrt_ratio_next_x96, amount_in (fee\n"
      "excluded), amount_out, fee_amount.");
  m.def(
      "get_liquidity_for_amounts",
      [](const py::int_& sqrt_px96, const py::int_& a, const py::int_& b, const py::int_& amount0,
         const py::int_& amount1) {
        return from_u128(amm::get_liquidity_for_amounts(to_u256(sqrt_px96, "sqrt_ratio_x96"),
                                                        to_u256(a, "sqrt_ratio_a_x96"), to_u256(b, "sqrt_ratio_b_x96"),
                                                        to_u256(amount0, "amount0"), to_u256(amount1, "amount1")));
      },
      py::arg("sqrt_ratio_x96"), py::arg("sqrt_ratio_a_x96"), py::arg("sqrt_ratio_b_x96"), py::arg("amount0"),
      py::arg("amount1"),
      "LiquidityAmounts.getLiquidityForAmounts (v3-periphery): the liquidity a deposit buys, rounded down (int).");
  m.def(
      "get_amounts_for_liquidity",
      [](const py::int_& sqrt_px96, const py::int_& a, const py::int_& b, const py::int_& liquidity) {
        const amm::Amounts x = amm::get_amounts_for_liquidity(to_u256(sqrt_px96, "sqrt_ratio_x96"),
                                                              to_u256(a, "sqrt_ratio_a_x96"),
                                                              to_u256(b, "sqrt_ratio_b_x96"),
                                                              to_u128(liquidity, "liquidity"));
        return py::make_tuple(from_u256(x.amount0), from_u256(x.amount1));
      },
      py::arg("sqrt_ratio_x96"), py::arg("sqrt_ratio_a_x96"), py::arg("sqrt_ratio_b_x96"), py::arg("liquidity"),
      "LiquidityAmounts.getAmountsForLiquidity: (amount0, amount1) ints, rounded down.");
  m.def(
      "mul_div",
      [](const py::int_& a, const py::int_& b, const py::int_& d) {
        return from_u256(amm::mul_div(to_u256(a, "a"), to_u256(b, "b"), to_u256(d, "denominator")));
      },
      py::arg("a"), py::arg("b"), py::arg("denominator"),
      "FullMath.mulDiv: floor(a b / denominator) with a 512-bit intermediate; alvh.Revert on overflow or /0.");
}

}  // namespace alvh::python
