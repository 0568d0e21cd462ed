// The backtest engine: one pass over the bars, all strategies side by side, full NAV each bar.
// Conventions and formulas: include/alvh/backtest/backtest.hpp and docs/backtest.md.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "alvh/amm/position_model.hpp"
#include "alvh/backtest/backtest.hpp"
#include "alvh/backtest/metrics.hpp"
#include "alvh/core/error.hpp"
#include "alvh/hedge/hedge_request.hpp"
#include "alvh/hedge/optimiser.hpp"
#include "alvh/hedge/static_replication.hpp"
#include "alvh/options/black.hpp"
#include "alvh/signals/event_calendar.hpp"
#include "alvh/signals/indicators.hpp"
#include "alvh/signals/stress.hpp"

namespace alvh::backtest {

const char* strategy_name(StrategyKind k) {
  switch (k) {
    case StrategyKind::Hodl: return "hodl";
    case StrategyKind::Promoter: return "promoter";
    case StrategyKind::StaticL1: return "static_l1";
    case StrategyKind::Steward: return "steward";
    case StrategyKind::PerpHedge: return "perp_hedge";
  }
  return "?";
}

StrategyKind parse_strategy(const std::string& n) {
  for (auto k : {StrategyKind::Hodl, StrategyKind::Promoter, StrategyKind::StaticL1, StrategyKind::Steward,
                 StrategyKind::PerpHedge})
    if (n == strategy_name(k)) return k;
  throw DomainError(fmt::format("unknown strategy '{}': expected hodl, promoter, static_l1, steward or perp_hedge", n));
}

const char* trade_kind_name(TradeKind k) {
  switch (k) {
    case TradeKind::LpOpen: return "lp_open";
    case TradeKind::LpRecentre: return "lp_recentre";
    case TradeKind::OptionBuy: return "option_buy";
    case TradeKind::OptionSell: return "option_sell";
    case TradeKind::OptionExpire: return "option_expire";
    case TradeKind::PerpTrade: return "perp_trade";
    case TradeKind::Borrow: return "borrow";
    case TradeKind::Repay: return "repay";
    case TradeKind::Liquidation: return "liquidation";
    case TradeKind::GateSkip: return "gate_skip";
    case TradeKind::Deferred: return "deferred";
  }
  return "?";
}

namespace {

constexpr double kYearSeconds = 365.0 * 86400.0;
constexpr int kMaxOptions = 96;
using options::OptionType;

}  // namespace

// Black-76 for marking in the hot loop: F N(d1) - K N(d2) with N from std::erfc. Accurate to
// ~1e-15 x F in absolute terms, which is what a NAV needs; options::black76_price (Jäckel's
// normalised form, accurate in relative terms far out of the money) is ~10x slower on short-dated
// deep OTM strikes, which a strip holds every bar. Tested against it in tests/backtest.
double black76_mark(options::OptionType type, double F, double K, double T, double vol, double disc) {
  const double s = vol * std::sqrt(T);
  if (!(s > 1e-12)) return disc * std::max(type == options::OptionType::Call ? F - K : K - F, 0.0);
  const double d1 = std::log(F / K) / s + 0.5 * s, d2 = d1 - s;
  constexpr double r2 = 0.70710678118654752440;
  const double v = type == options::OptionType::Call ? F * 0.5 * std::erfc(-d1 * r2) - K * 0.5 * std::erfc(-d2 * r2)
                                                     : K * 0.5 * std::erfc(d2 * r2) - F * 0.5 * std::erfc(d1 * r2);
  return disc * std::max(v, 0.0);
}

namespace {

struct OptionPos {
  OptionType type;
  double strike;
  std::int64_t expiry;
  double qty;   // + long
  double mark;  // model value per unit at the last mark
  std::uint8_t layer, rung;
  double log_strike;
};

// The market model at the close of bar i: everything a strategy may look at.
struct Market {
  std::size_t i;
  std::int64_t t;
  double S, S_prev, dt;  // dt in years since the previous bar
  double log_S;
  double iv, rv;
  double rsi;
  double macd_hist;
  signals::Cross cross;
  bool macd_bearish;     // latest MACD cross was bearish
  bool stress;
  bool pre_event;
  double fee_rate_per_L;  // estimated fee income per unit liquidity per year (for the gate)
  double pool_fees, pool_liq;  // this bar (NaN when modelled)
  double gas_per_unit;    // numeraire per gas unit (gwei x profile x ETH price)
  double gas_profile;
};

struct Book {
  StrategyKind kind;
  bool lp = true, l1 = false, l2 = false, l3 = false, perp = false;
  double cash = 0;
  amm::PriceRange range;
  double L = 0, centre = 0, v_prev = 0, x_prev = 0;
  double x_centre = 0;  // the LP's ETH at its centre price: the size reference of Layers 2 and 3
  std::int64_t out_since = -1, defer_since = -1;
  double hodl_x = 0;
  std::array<OptionPos, kMaxOptions> opt{};
  int nopt = 0;
  double perp_q = 0;
  std::int64_t last_rehedge = 0;
  std::int64_t l1_retry_at = 0;  // layer1.method = optimiser: no new attempt before this time after an infeasible one
  double debt = 0;
  bool sleeve = false;
  Attribution a;
  StrategyResult* out = nullptr;
};

class Engine {
 public:
  Engine(const BacktestConfig& c, const BarSeries& b) : c_(c), b_(b) {}
  BacktestResult run(const ProgressFn& progress);

 private:
  double mark(const OptionPos& o, const Market& m) const {
    const double T = static_cast<double>(o.expiry - m.t) / kYearSeconds;
    if (T <= 0) return o.type == OptionType::Call ? std::max(m.S - o.strike, 0.0) : std::max(o.strike - m.S, 0.0);
    if (c_.marking.rate != 0.0) {
      const double disc = std::exp(-c_.marking.rate * T);
      return black76_mark(o.type, m.S / disc, o.strike, T, m.iv, disc);
    }
    // r = 0: F = S; ln(F/K) from the bar's ln S and the option's cached ln K (same formula as black76_mark)
    const double sd = m.iv * std::sqrt(T);
    if (!(sd > 1e-12)) return std::max(o.type == OptionType::Call ? m.S - o.strike : o.strike - m.S, 0.0);
    const double d1 = (m.log_S - o.log_strike) / sd + 0.5 * sd, d2 = d1 - sd;
    constexpr double r2 = 0.70710678118654752440;
    const double v = o.type == OptionType::Call
                         ? m.S * 0.5 * std::erfc(-d1 * r2) - o.strike * 0.5 * std::erfc(-d2 * r2)
                         : o.strike * 0.5 * std::erfc(d2 * r2) - m.S * 0.5 * std::erfc(d1 * r2);
    return std::max(v, 0.0);
  }
  // Spot gamma of Black-76 with F = S/disc: disc phi(d1)/(F s) * (dF/dS)^2 = phi(d1)/(S s) (Black 1976).
  double gamma(const OptionPos& o, const Market& m) const {
    const double T = static_cast<double>(o.expiry - m.t) / kYearSeconds;
    const double s = m.iv * std::sqrt(T);
    if (T <= 0 || !(s > 1e-12)) return 0.0;
    const double F = m.S * std::exp(c_.marking.rate * T);
    const double d1 = std::log(F / o.strike) / s + 0.5 * s;
    return 0.3989422804014327 * std::exp(-0.5 * d1 * d1) / (m.S * s);
  }
  double option_unit_cost(double mid, const Market& m) const {  // half-spread + fee per unit traded
    return c_.costs.option_half_spread * mid + std::min(c_.costs.option_fee_underlying * m.S, c_.costs.option_fee_cap * mid);
  }
  double mev_bps() const { return c_.costs.private_rpc ? c_.costs.mev_bps_private_rpc : c_.costs.mev_bps; }
  double horizon_years() const { return c_.gate.horizon_days / 365.0; }
  bool gate_pass(Book& k, const Market& m, double cost, double benefit, std::uint8_t layer) {
    if (!c_.gate.enabled || cost <= benefit) return true;
    ++k.out->gate_skips;
    // one trade record per run of consecutive skips of a layer (the count above has them all)
    const auto& tr = k.out->trades;
    const bool repeat = !tr.empty() && tr.back().kind == TradeKind::GateSkip && tr.back().layer == layer &&
                        tr.back().bar + 1 >= static_cast<std::uint32_t>(m.i);
    if (repeat) {
      k.out->trades.back().bar = static_cast<std::uint32_t>(m.i);
    } else {
      k.out->trades.push_back({m.t, static_cast<std::uint32_t>(m.i), TradeKind::GateSkip, layer, 0, m.S, 0, cost});
    }
    return false;
  }
  void record(Book& k, const Market& m, TradeKind kind, std::uint8_t layer, double q, double px, double K, double cost) {
    k.out->trades.push_back({m.t, static_cast<std::uint32_t>(m.i), kind, layer, q, px, K, cost});
  }

  void open(Book& k, const Market& m);
  void move(Book& k, const Market& m);
  void decide(Book& k, const Market& m);
  double nav(const Book& k, const Market& m) const;

  void trade_option(Book& k, const Market& m, int idx, double dq);  // dq signed; removes the option when qty reaches 0
  int add_option(Book& k, const Market& m, OptionType type, double K, std::int64_t expiry, std::uint8_t layer,
                 std::uint8_t rung);
  void remove_option(Book& k, int idx) { k.opt[static_cast<std::size_t>(idx)] = k.opt[static_cast<std::size_t>(--k.nopt)]; }
  void close_layer(Book& k, const Market& m, std::uint8_t layer);
  void buy_layer1(Book& k, const Market& m);
  void buy_layer1_optimised(Book& k, const Market& m);
  bool trade_provisional_layer1(Book& k, const Market& m, int start, double scale);
  void manage_lp(Book& k, const Market& m);
  void manage_layer2(Book& k, const Market& m);
  void manage_layer3(Book& k, const Market& m);
  void manage_perp(Book& k, const Market& m, bool force);
  void withdraw_from_lp(Book& k, const Market& m, double amount);
  void repay(Book& k, const Market& m);

  const BacktestConfig& c_;
  const BarSeries& b_;
  std::size_t l1_optimiser_runs_ = 0, l1_infeasible_ = 0;  // layer1.method = optimiser
  std::string l1_infeasible_reason_;                         // the first optimiser error
};

double Engine::nav(const Book& k, const Market& m) const {
  double v = k.cash + k.hodl_x * m.S - k.debt;
  if (k.lp) v += amm::lp_value(k.range, k.L, m.S);
  for (int j = 0; j < k.nopt; ++j) v += k.opt[static_cast<std::size_t>(j)].qty * k.opt[static_cast<std::size_t>(j)].mark;
  return v;
}

amm::PriceRange range_around(double S, double w, bool v2) {
  return v2 ? amm::PriceRange::full() : amm::PriceRange{S / (1.0 + w), S * (1.0 + w)};
}

void Engine::open(Book& k, const Market& m) {
  const double C = c_.lp.capital, reserve = c_.lp.hedge_reserve * C;
  const double w = m.rv > c_.lp.widen_vol ? c_.lp.wide_range_width : c_.lp.range_width;
  k.range = range_around(m.S, w, c_.lp.v2);
  k.centre = m.S;
  // Capital arrives in the numeraire: swap the LP's risky share into ETH (slippage, MEV, gas).
  const double L0 = amm::liquidity_for_capital(k.range, C - reserve, m.S);
  const double x0 = amm::amounts_for_liquidity(k.range, L0, m.S).amount0;
  const double notional = x0 * m.S;
  const double slip = notional * c_.costs.swap_slippage_bps * 1e-4, mev = notional * mev_bps() * 1e-4;
  double gas = c_.costs.gas_units_swap * m.gas_per_unit;
  if (k.kind != StrategyKind::Hodl) gas += c_.costs.gas_units_mint * m.gas_per_unit;
  k.a.gas -= gas;
  k.a.slippage -= slip;
  k.a.mev -= mev;
  const double invest = C - reserve - gas - slip - mev;
  k.cash = reserve;
  if (k.kind == StrategyKind::Hodl) {
    k.lp = false;
    k.hodl_x = x0 * invest / (C - reserve);  // the LP's deposit amounts, scaled by the costs paid
    k.cash += invest - k.hodl_x * m.S;
    return;
  }
  k.L = amm::liquidity_for_capital(k.range, invest, m.S);
  k.v_prev = amm::lp_value(k.range, k.L, m.S);
  k.x_prev = amm::lp_delta(k.range, k.L, m.S);
  k.x_centre = k.x_prev;
  record(k, m, TradeKind::LpOpen, 0, k.L, m.S, 0, gas + slip + mev);
  if (k.l1) buy_layer1(k, m);
  if (k.perp) manage_perp(k, m, true);
}

void Engine::move(Book& k, const Market& m) {
  const double dS = m.S - m.S_prev;
  k.a.market += k.hodl_x * dS;
  if (k.lp) {
    const double v = amm::lp_value(k.range, k.L, m.S);
    k.a.market += k.x_prev * dS;
    k.a.il_lvr += v - k.v_prev - k.x_prev * dS;
    k.v_prev = v;
    k.x_prev = amm::lp_delta(k.range, k.L, m.S);
    if (k.range.contains(m.S)) {  // fees of bar i accrue to the position held through it, in range at its close
      double f = 0;
      if (!std::isnan(m.pool_fees) && !std::isnan(m.pool_liq))
        f = m.pool_fees * k.L / (m.pool_liq + k.L);  // our share of the active liquidity
      else
        f = c_.lp.fee_apr * 2.0 * std::sqrt(m.S) * k.L * m.dt;  // fee-APR model: APR on the v2-equivalent value 2 L sqrt(P)
      k.cash += f;
      k.a.fees += f;
    }
  }
  for (int j = 0; j < k.nopt;) {
    auto& o = k.opt[static_cast<std::size_t>(j)];
    const double v = mark(o, m);
    k.a.hedge_pnl += o.qty * (v - o.mark);
    o.mark = v;
    if (o.expiry <= m.t) {  // settles at intrinsic (cash-settled)
      k.cash += o.qty * v;
      record(k, m, TradeKind::OptionExpire, o.layer, -o.qty, v, o.strike, 0);
      remove_option(k, j);
      continue;
    }
    ++j;
  }
  if (k.perp_q != 0) {
    const double pnl = k.perp_q * dS, funding = -k.perp_q * m.S_prev * c_.perp.funding_apr * m.dt;
    k.cash += pnl + funding;
    k.a.perp_pnl += pnl;
    k.a.perp_funding += funding;
  }
  if (k.debt > 0) {
    const double interest = k.debt * std::expm1(c_.layer3.borrow_apr * m.dt);
    k.debt += interest;
    k.a.borrow_interest -= interest;
  }
}

int Engine::add_option(Book& k, const Market& m, OptionType type, double K, std::int64_t expiry, std::uint8_t layer,
                       std::uint8_t rung) {
  if (k.nopt >= kMaxOptions) return -1;
  OptionPos o{type, K, expiry, 0.0, 0.0, layer, rung, std::log(K)};
  o.mark = mark(o, m);
  k.opt[static_cast<std::size_t>(k.nopt)] = o;
  return k.nopt++;
}

void Engine::trade_option(Book& k, const Market& m, int idx, double dq) {
  auto& o = k.opt[static_cast<std::size_t>(idx)];
  const double unit_cost = option_unit_cost(o.mark, m);
  const double cost = std::abs(dq) * unit_cost + c_.costs.gas_units_option_trade * m.gas_per_unit;
  k.cash -= dq * o.mark + cost;  // pay mid plus costs for buys; receive mid minus costs for sells
  k.a.option_costs -= std::abs(dq) * unit_cost;
  k.a.gas -= c_.costs.gas_units_option_trade * m.gas_per_unit;
  k.a.premium_paid += dq * o.mark + std::abs(dq) * unit_cost * (dq > 0 ? 1 : -1);
  o.qty += dq;
  record(k, m, dq > 0 ? TradeKind::OptionBuy : TradeKind::OptionSell, o.layer, dq, o.mark, o.strike, cost);
  if (std::abs(o.qty) < 1e-14) remove_option(k, idx);
}

void Engine::close_layer(Book& k, const Market& m, std::uint8_t layer) {
  for (int j = k.nopt - 1; j >= 0; --j)
    if (k.opt[static_cast<std::size_t>(j)].layer == layer) trade_option(k, m, j, -k.opt[static_cast<std::size_t>(j)].qty);
}

// Layer 1: the hedge module's discrete Carr-Madan strip (hedge::carr_madan_discrete; P. Carr,
// D. Madan 1998; REFERENCES.md §4f; Deng, Zong, Wang 2022) of the LP value on a grid of listed
// strikes spaced strike_step x spot inside the range, plus the range ends pa and pb (so that the
// strip is exact beyond them). The strip pays the piecewise-linear interpolant of V through the
// strikes; the hedge buys the negative of the LP's (short) option weights, scaled by hedge_ratio
// and by the cash budget. This is layer1.method = carr_madan; the optimiser's Layer 1 is
// buy_layer1_optimised.
void Engine::buy_layer1(Book& k, const Market& m) {
  if (c_.layer1.method == "optimiser") {
    buy_layer1_optimised(k, m);
    return;
  }
  const auto expiry = m.t + static_cast<std::int64_t>(c_.layer1.tenor_days * 86400.0);
  const double T = c_.layer1.tenor_days / 365.0;
  const double F = m.S * std::exp(c_.marking.rate * T);
  const double step = c_.layer1.strike_step * m.S;
  const double lo = k.range.is_full() ? m.S / 4 : k.range.lower, hi = k.range.is_full() ? m.S * 4 : k.range.upper;
  if (k.L <= 0) return;
  std::vector<double> strikes;
  for (int j = static_cast<int>(std::ceil(lo / step)); j * step <= hi; ++j) strikes.push_back(j * step);
  strikes.push_back(lo);
  strikes.push_back(hi);
  const hedge::LpPayoff payoff{k.range, k.L, m.S, hedge::ReplicatedPayoff::LpValue};
  const auto strip = hedge::carr_madan_discrete(payoff, F, strikes);
  const int start = k.nopt;
  double spend = 0;
  for (const auto& so : strip.options) {
    const double q = -c_.layer1.hedge_ratio * so.weight;  // the LP is short the strip; the hedge buys it
    if (q <= 0) continue;
    const int idx = add_option(k, m, so.type, so.strike, expiry, 1, 0);
    if (idx < 0) break;
    auto& o = k.opt[static_cast<std::size_t>(idx)];
    o.qty = q;  // provisional (for sizing); reset before trading
    spend += q * (o.mark + option_unit_cost(o.mark, m)) + c_.costs.gas_units_option_trade * m.gas_per_unit;
  }
  const double scale = spend > k.cash ? std::max(0.0, k.cash) / spend : 1.0;  // premium budget = cash on hand
  if (!trade_provisional_layer1(k, m, start, scale)) return;
  if (c_.layer1.forward_hedge) {
    const double target = -scale * c_.layer1.hedge_ratio * strip.forward_quantity;
    const double dq = target - k.perp_q;
    const double fee = std::abs(dq) * m.S * c_.costs.perp_fee_bps * 1e-4;
    k.cash -= fee;
    k.a.perp_fees -= fee;
    k.perp_q = target;
    record(k, m, TradeKind::PerpTrade, 1, dq, m.S, 0, fee);
  }
}

// Layer 1 by the hedge module's optimiser (hedge::optimise_hedge; docs/risk-hedge.md). The chain
// is the listed strikes (strike_step x spot apart, over tail_sigma + 1 standard deviations either
// side within [S/4, 4S], and over the LP's range) at the bar's implied vol, with the backtest's own dealing prices as
// bid/ask (Black-76 mid -/+ half-spread and fee), so the optimiser's premium is what the book
// pays. Options only (no put-call-parity forwards: the book would have to carry them), premium
// budget = cash on hand, hedge gamma capped at max_hedge_ratio x the LP's, the hedged position breaking
// even beyond tail_sigma. A request the optimiser finds infeasible (typically cash below the
// minimum budget that covers the tails) buys nothing and is retried a day later; the result's
// notes count such attempts.
void Engine::buy_layer1_optimised(Book& k, const Market& m) {
  if (k.L <= 0 || !(m.iv > 0) || m.t < k.l1_retry_at) return;
  const auto expiry = m.t + static_cast<std::int64_t>(c_.layer1.tenor_days * 86400.0);
  const double T = static_cast<double>(expiry - m.t) / kYearSeconds;  // as mark() sees it
  const double disc = std::exp(-c_.marking.rate * T), F = m.S / disc;
  const double step = c_.layer1.strike_step * m.S;
  const double reach = std::exp((c_.layer1.tail_sigma + 1.0) * m.iv * std::sqrt(T));
  double lo = std::max(m.S / 4, m.S / reach), hi = std::min(4 * m.S, m.S * reach);
  if (!k.range.is_full()) {  // the listed strikes must also span the LP's range (it may lie away from S)
    lo = std::min(lo, 0.9 * k.range.lower);
    hi = std::max(hi, 1.1 * k.range.upper);
  }
  hedge::HedgeSpec spec;
  for (int j = std::max(1, static_cast<int>(std::ceil(lo / step))); j * step <= hi; ++j) {
    const double K = j * step;
    for (const OptionType type : {OptionType::Put, OptionType::Call}) {
      const double mid = black76_mark(type, F, K, T, m.iv, disc);
      if (!(mid > 0)) continue;
      const double cost = option_unit_cost(mid, m);
      spec.quotes.push_back({fmt::format("L1-{}-{}", K, type == OptionType::Put ? 'P' : 'C'), type, K, T,
                             std::max(mid - cost, 0.0), mid + cost, mid, m.iv, m.S});
    }
  }
  spec.position.range = k.range;
  spec.position.price = m.S;
  spec.position.liquidity = k.L;
  spec.position.vol_annual = m.iv;
  spec.position.fee_apr = c_.lp.fee_apr;
  spec.position.horizon_years = T;
  spec.position.rate = c_.marking.rate;
  spec.chain_spot = m.S;
  spec.chain_forward = F;
  spec.budget = std::max(0.0, k.cash);
  spec.max_hedge_ratio = c_.layer1.max_hedge_ratio;
  spec.tail_sigma = c_.layer1.tail_sigma;
  spec.objective = hedge::parse_objective(c_.layer1.objective, "layer1.objective");
  spec.use_parity = false;
  spec.density = hedge::HedgeDensity::Lognormal;  // the chain is flat at the bar's vol
  ++l1_optimiser_runs_;
  hedge::HedgeResult r;
  try {
    r = hedge::optimise_hedge(spec);
  } catch (const DomainError& e) {  // HedgeError (infeasible) or an input the optimiser rejects
    if (l1_infeasible_++ == 0) l1_infeasible_reason_ = e.what();
    k.l1_retry_at = m.t + 86400;  // the optimiser is not re-run every bar while it stays infeasible: once a day
    return;
  }
  const int start = k.nopt;
  for (const auto& leg : r.legs) {
    if (!(leg.leg.quantity > 0)) continue;
    const int idx = add_option(k, m, leg.leg.type, leg.leg.strike, expiry, 1, 0);
    if (idx < 0) break;
    k.opt[static_cast<std::size_t>(idx)].qty = leg.leg.quantity;  // provisional (for the gate); reset before trading
  }
  if (k.nopt > start) trade_provisional_layer1(k, m, start, 1.0);
}

// The Layer-1 options added at [start, nopt) carry provisional quantities (not yet traded). The
// fees-ahead gate weighs the cost of trading scale x those quantities against the expected gamma
// benefit 0.5 Gamma S^2 sigma^2 h; if it passes they are bought, else dropped. Shared by both
// Layer-1 methods. Returns whether they were bought.
bool Engine::trade_provisional_layer1(Book& k, const Market& m, int start, double scale) {
  double trade_cost = 0, gamma_total = 0;
  for (int j = start; j < k.nopt; ++j) {
    const auto& o = k.opt[static_cast<std::size_t>(j)];
    trade_cost += scale * o.qty * option_unit_cost(o.mark, m) + c_.costs.gas_units_option_trade * m.gas_per_unit;
    gamma_total += o.qty * gamma(o, m);
  }
  const double benefit = 0.5 * scale * gamma_total * m.S * m.S * m.iv * m.iv * horizon_years();
  if (scale <= 0 || !gate_pass(k, m, trade_cost, benefit, 1)) {
    k.nopt = start;
    return false;
  }
  for (int j = k.nopt - 1; j >= start; --j) {
    auto& o = k.opt[static_cast<std::size_t>(j)];
    const double q = scale * o.qty;
    o.qty = 0;
    trade_option(k, m, j, q);
  }
  return true;
}

void Engine::withdraw_from_lp(Book& k, const Market& m, double amount) {
  const double v = amm::lp_value(k.range, k.L, m.S);
  if (v <= 0 || amount <= 0) return;
  const double frac = std::min(1.0, amount / v);
  k.L *= 1.0 - frac;
  k.x_centre *= 1.0 - frac;
  k.cash += frac * v;
  const double gas = c_.costs.gas_units_burn * m.gas_per_unit;
  k.cash -= gas;
  k.a.gas -= gas;
  k.v_prev = amm::lp_value(k.range, k.L, m.S);
  k.x_prev = amm::lp_delta(k.range, k.L, m.S);
}

void Engine::manage_lp(Book& k, const Market& m) {
  const bool in = k.range.contains(m.S);
  if (in) {
    k.out_since = -1;
  } else if (k.out_since < 0) {
    k.out_since = m.t;
  }
  bool trigger = !in && static_cast<double>(m.t - k.out_since) >= c_.lp.recentre_after_hours * 3600.0;
  if (in && c_.lp.recentre_band > 0 && !k.range.is_full())
    trigger = std::abs(std::log(m.S / k.centre)) > c_.lp.recentre_band * std::log(1.0 + c_.lp.range_width);
  if (!trigger || k.range.is_full()) {
    k.defer_since = -1;
    return;
  }
  if (c_.costs.low_gas_window && m.gas_profile > c_.costs.low_gas_threshold) {  // wait for a cheap-gas hour
    if (k.defer_since < 0) {
      k.defer_since = m.t;
      record(k, m, TradeKind::Deferred, 0, 0, m.S, 0, 0);
    }
    if (static_cast<double>(m.t - k.defer_since) < c_.costs.max_defer_hours * 3600.0) return;
  }
  const double w = m.rv > c_.lp.widen_vol ? c_.lp.wide_range_width : c_.lp.range_width;
  const auto nr = range_around(m.S, w, false);
  const double v = amm::lp_value(k.range, k.L, m.S);
  if (!(v > 0)) return;  // nothing left to re-centre (withdrawn to repay debt)
  const double x_old = amm::lp_delta(k.range, k.L, m.S);
  const double L_guess = amm::liquidity_for_capital(nr, v, m.S);
  const double x_new = amm::amounts_for_liquidity(nr, L_guess, m.S).amount0;
  const double notional = std::abs(x_new - x_old) * m.S;
  const double gas = (c_.costs.gas_units_burn + c_.costs.gas_units_mint + c_.costs.gas_units_swap) * m.gas_per_unit;
  const double slip = notional * c_.costs.swap_slippage_bps * 1e-4, mev = notional * mev_bps() * 1e-4;
  const double cost = gas + slip + mev;
  const double benefit = m.fee_rate_per_L * L_guess * horizon_years();  // fees the re-centred position is expected to earn
  if (cost >= v) return;  // the position cannot pay for its own re-centre
  if (!gate_pass(k, m, cost, benefit, 0)) return;
  k.defer_since = -1;
  k.out_since = -1;
  k.a.gas -= gas;
  k.a.slippage -= slip;
  k.a.mev -= mev;
  k.range = nr;
  k.centre = m.S;
  k.L = amm::liquidity_for_capital(nr, v - cost, m.S);
  k.v_prev = amm::lp_value(k.range, k.L, m.S);
  k.x_prev = amm::lp_delta(k.range, k.L, m.S);
  k.x_centre = k.x_prev;
  record(k, m, TradeKind::LpRecentre, 0, k.L, m.S, 0, cost);
  if (k.l1) {  // Layer 1 is re-struck on the new range
    close_layer(k, m, 1);
    buy_layer1(k, m);
  }
}

void Engine::manage_layer2(Book& k, const Market& m) {
  const auto& p = c_.layer2;
  const std::size_t n = p.tenors_days.size();
  if (n == 0) return;
  const int risk = (m.rsi > c_.signals.rsi_overbought) + (m.macd_bearish ? 1 : 0) + (m.rv > c_.signals.high_vol) +
                   (m.pre_event ? 1 : 0);
  const double mult = risk > 0 ? p.bump : ((m.rsi < c_.signals.rsi_oversold && !m.macd_bearish) ? p.cut : 1.0);
  // sized on the LP's ETH at its centre (withdrawals scale it with L), so only the signals resize
  const double x_lp = k.x_centre * (k.L > 0 ? 1.0 : 0.0);
  const double target = p.notional * x_lp * mult / static_cast<double>(n);
  const double h = horizon_years();
  for (std::size_t r = 0; r < n; ++r) {
    int idx = -1;
    for (int j = 0; j < k.nopt; ++j)
      if (k.opt[static_cast<std::size_t>(j)].layer == 2 && k.opt[static_cast<std::size_t>(j)].rung == r) idx = j;
    const auto rung = static_cast<std::uint8_t>(r);
    if (idx >= 0) {
      const auto& o = k.opt[static_cast<std::size_t>(idx)];
      const double T = static_cast<double>(o.expiry - m.t) / 86400.0;
      const double mny = o.strike / m.S;
      const bool roll = T < p.roll_days_before_expiry || std::abs(mny - p.put_moneyness) > p.moneyness_band;
      if (!roll) {
        if (target > 0 && std::abs(target / o.qty - 1.0) > p.resize_tolerance) {  // resize on the signals
          const double dq = target - o.qty;
          const double cost = std::abs(dq) * option_unit_cost(o.mark, m) + c_.costs.gas_units_option_trade * m.gas_per_unit;
          const double benefit = 0.5 * std::abs(dq * gamma(o, m)) * m.S * m.S * m.iv * m.iv * h;
          if (gate_pass(k, m, cost, benefit, 2)) trade_option(k, m, idx, dq);
        }
        continue;
      }
    }
    // (re)open the rung: a put at spot x moneyness with the full tenor
    if (target <= 0) {
      if (idx >= 0) trade_option(k, m, idx, -k.opt[static_cast<std::size_t>(idx)].qty);
      continue;
    }
    const auto expiry = m.t + static_cast<std::int64_t>(p.tenors_days[r] * 86400.0);
    const int nidx = add_option(k, m, OptionType::Put, m.S * p.put_moneyness, expiry, 2, rung);
    if (nidx < 0) continue;
    auto& no = k.opt[static_cast<std::size_t>(nidx)];
    double cost = target * option_unit_cost(no.mark, m) + c_.costs.gas_units_option_trade * m.gas_per_unit;
    double gain = target * gamma(no, m);
    if (idx >= 0) {
      const auto& o = k.opt[static_cast<std::size_t>(idx)];
      cost += std::abs(o.qty) * option_unit_cost(o.mark, m) + c_.costs.gas_units_option_trade * m.gas_per_unit;
      gain -= o.qty * gamma(o, m);
    }
    const double budget = k.cash + (idx >= 0 ? k.opt[static_cast<std::size_t>(idx)].qty * k.opt[static_cast<std::size_t>(idx)].mark : 0.0);
    if (target * (no.mark + option_unit_cost(no.mark, m)) > budget ||
        !gate_pass(k, m, cost, 0.5 * std::abs(gain) * m.S * m.S * m.iv * m.iv * h, 2)) {
      remove_option(k, nidx);
      continue;
    }
    if (idx >= 0) trade_option(k, m, idx, -k.opt[static_cast<std::size_t>(idx)].qty);  // may move the new option's slot
    for (int j = 0; j < k.nopt; ++j) {
      auto& o = k.opt[static_cast<std::size_t>(j)];
      if (o.layer == 2 && o.rung == r && o.qty == 0) {
        trade_option(k, m, j, target);
        break;
      }
    }
  }
}

void Engine::repay(Book& k, const Market& m) {
  if (k.debt <= 0) return;
  const double from_cash = std::min(k.debt, std::max(0.0, k.cash));
  if (from_cash < k.debt) withdraw_from_lp(k, m, k.debt - from_cash);
  const double amount = std::min(k.debt, std::max(0.0, k.cash));
  const double gas = c_.costs.gas_units_repay * m.gas_per_unit;
  k.cash -= amount + gas;
  k.a.gas -= gas;
  k.debt -= amount;
  if (k.debt < 1e-9) k.debt = 0;
  record(k, m, TradeKind::Repay, 3, amount, m.S, 0, gas);
}

void Engine::manage_layer3(Book& k, const Market& m) {
  const auto& p = c_.layer3;
  const double collateral = amm::lp_value(k.range, k.L, m.S);
  bool have = false;
  for (int j = 0; j < k.nopt; ++j) have |= k.opt[static_cast<std::size_t>(j)].layer == 3;
  if (k.debt > 0 && k.debt > p.liquidation_threshold * collateral) {  // lender liquidates the collateral
    close_layer(k, m, 3);
    const double penalty = p.liquidation_penalty * k.debt;
    withdraw_from_lp(k, m, penalty);
    k.cash -= penalty;
    k.a.liquidation -= penalty;
    record(k, m, TradeKind::Liquidation, 3, k.debt, m.S, 0, penalty);
    repay(k, m);
    k.sleeve = false;
    return;
  }
  if (m.stress && !have) {
    const double q_full = p.notional * k.x_centre;
    const auto expiry = m.t + static_cast<std::int64_t>(p.tenor_days * 86400.0);
    const int idx = add_option(k, m, OptionType::Put, m.S * p.put_moneyness, expiry, 3, 0);
    if (idx < 0) return;
    auto& o = k.opt[static_cast<std::size_t>(idx)];
    const double unit = o.mark + option_unit_cost(o.mark, m);
    const double gas = (c_.costs.gas_units_borrow + c_.costs.gas_units_option_trade) * m.gas_per_unit;
    const double room = p.max_ltv * collateral - k.debt - gas;  // leverage cap
    const double q = unit > 0 ? std::min(q_full, std::max(0.0, room) / unit) : 0.0;
    const double cost = q * option_unit_cost(o.mark, m) + gas;
    const double benefit = 0.5 * q * gamma(o, m) * m.S * m.S * m.iv * m.iv * horizon_years();
    if (q <= 0 || !gate_pass(k, m, cost, benefit, 3)) {
      remove_option(k, idx);
      return;
    }
    const double borrow = q * unit + c_.costs.gas_units_option_trade * m.gas_per_unit + c_.costs.gas_units_borrow * m.gas_per_unit;
    k.debt += borrow;
    k.cash += borrow;
    k.cash -= c_.costs.gas_units_borrow * m.gas_per_unit;
    k.a.gas -= c_.costs.gas_units_borrow * m.gas_per_unit;
    record(k, m, TradeKind::Borrow, 3, borrow, m.S, 0, c_.costs.gas_units_borrow * m.gas_per_unit);
    trade_option(k, m, idx, q);
    k.sleeve = true;
    return;
  }
  if (!m.stress && have) close_layer(k, m, 3);  // stress cleared: sell the sleeve ...
  if (!m.stress && k.debt > 0) {                  // ... and repay the loan
    repay(k, m);
    k.sleeve = false;
  }
}

void Engine::manage_perp(Book& k, const Market& m, bool force) {
  const double target = -amm::lp_delta(k.range, k.L, m.S);
  const double dq = target - k.perp_q;
  const bool due = force || static_cast<double>(m.t - k.last_rehedge) >= c_.perp.rehedge_hours * 3600.0 ||
                   std::abs(dq) > c_.perp.rehedge_threshold * std::abs(target);
  if (!due || dq == 0) return;
  const double fee = std::abs(dq) * m.S * c_.costs.perp_fee_bps * 1e-4;
  // benefit: expected |P&L| of the unhedged delta over the horizon, |dq| S sigma sqrt(h) sqrt(2/pi)
  const double benefit = std::abs(dq) * m.S * m.iv * std::sqrt(horizon_years()) * 0.7978845608028654;
  if (!force && !gate_pass(k, m, fee, benefit, 0)) return;
  k.cash -= fee;
  k.a.perp_fees -= fee;
  k.perp_q = target;
  k.last_rehedge = m.t;
  record(k, m, TradeKind::PerpTrade, 0, dq, m.S, 0, fee);
}

void Engine::decide(Book& k, const Market& m) {
  if (!k.lp) return;
  manage_lp(k, m);
  if (k.l1) {
    bool have = false;
    for (int j = 0; j < k.nopt; ++j) have |= k.opt[static_cast<std::size_t>(j)].layer == 1;
    if (!have) buy_layer1(k, m);  // rolled on expiry
  }
  if (k.l2) manage_layer2(k, m);
  if (k.l3) manage_layer3(k, m);
  if (k.perp) manage_perp(k, m, false);
}

BacktestResult Engine::run(const ProgressFn& progress) {
  validate(c_);
  const std::size_t n = b_.size();
  if (n < 2) throw DomainError(fmt::format("backtest: need at least 2 bars, got {}", n));
  BacktestResult res;
  res.time = b_.time;
  res.price = b_.close;
  res.fees_modelled = b_.fees_modelled;
  res.data_source = b_.source;
  std::vector<Book> books;
  for (const auto& name : c_.strategies) {
    Book k;
    k.kind = parse_strategy(name);
    k.lp = k.kind != StrategyKind::Hodl;
    k.l1 = k.kind == StrategyKind::StaticL1 || k.kind == StrategyKind::Steward;
    k.l2 = k.l3 = k.kind == StrategyKind::Steward;
    k.perp = k.kind == StrategyKind::PerpHedge;
    books.push_back(k);
  }
  res.strategies.resize(books.size());
  for (std::size_t s = 0; s < books.size(); ++s) {
    auto& r = res.strategies[s];
    r.kind = books[s].kind;
    r.name = strategy_name(books[s].kind);
    r.nav.resize(n);
    r.attributed.resize(n);
    books[s].out = &r;
  }

  const double bar_hours = b_.bar_seconds / 3600.0;
  signals::Rsi rsi(c_.signals.rsi_period);
  signals::Macd macd(c_.signals.macd_fast, c_.signals.macd_slow, c_.signals.macd_signal);
  signals::EwmaVol rv(c_.signals.vol_half_life_hours / bar_hours, kYearSeconds / b_.bar_seconds);
  auto sp = c_.signals.stress;
  sp.bars_per_day = 24.0 / bar_hours;
  signals::StressIndicator stress(sp);
  signals::EventCalendar cal = c_.signals.use_builtin_events ? signals::EventCalendar::builtin() : signals::EventCalendar{};
  if (!c_.signals.events_file.empty()) {
    auto extra = signals::EventCalendar::load_csv(c_.signals.events_file);
    auto all = cal.events();
    all.insert(all.end(), extra.events().begin(), extra.events().end());
    cal = signals::EventCalendar(std::move(all));
  }
  const auto pre_event_s = static_cast<std::int64_t>(c_.signals.pre_event_hours * 3600.0);
  bool bearish = false;
  const auto indicator_s = std::max<std::int64_t>(1, static_cast<std::int64_t>(c_.signals.indicator_bar_hours * 3600.0));
  std::int64_t last_ind_bucket = std::numeric_limits<std::int64_t>::min();
  double fee_rate_ewma = std::nan("");
  const double fee_alpha = 1.0 - std::exp(-std::log(2.0) / (7.0 * 24.0 / bar_hours));  // 7-day half-life

  for (std::size_t i = 0; i < n; ++i) {
    Market m{};
    m.i = i;
    m.t = b_.time[i] + static_cast<std::int64_t>(b_.bar_seconds);  // decisions at the bar close
    m.S = b_.close[i];
    m.log_S = std::log(m.S);
    m.S_prev = i > 0 ? b_.close[i - 1] : b_.close[0];
    m.dt = i > 0 ? static_cast<double>(b_.time[i] - b_.time[i - 1]) / kYearSeconds : 0.0;
    // signals: updated with bar i only (the strategy never sees bar i+1)
    // RSI/MACD on closes sampled every indicator_bar_hours (the first close of each new interval)
    const std::int64_t ind_bucket = m.t / indicator_s;
    m.cross = signals::Cross::None;
    if (ind_bucket != last_ind_bucket) {
      last_ind_bucket = ind_bucket;
      rsi.update(m.S);
      macd.update(m.S);
      m.cross = macd.cross();
    }
    rv.update({b_.open[i], b_.high[i], b_.low[i], b_.close[i]});
    stress.update({m.S, b_.volume[i], b_.pool_liquidity[i], b_.net_flow_base[i]});
    m.rsi = rsi.value();
    m.macd_hist = macd.hist();
    if (m.cross == signals::Cross::Bearish) bearish = true;
    if (m.cross == signals::Cross::Bullish) bearish = false;
    m.macd_bearish = bearish;
    m.rv = rv.ready() ? rv.vol() : c_.marking.vol_floor;
    m.stress = stress.reading().fired;
    m.pre_event = cal.in_pre_event_window(m.t, pre_event_s);
    const double iv_series = b_.implied_vol[i];
    m.iv = (c_.marking.use_implied_series && std::isfinite(iv_series))
               ? iv_series
               : std::max(m.rv + c_.marking.vol_premium, c_.marking.vol_floor);
    m.pool_fees = b_.fees_modelled ? std::nan("") : b_.pool_fees[i];
    m.pool_liq = b_.fees_modelled ? std::nan("") : b_.pool_liquidity[i];
    const double bar_years = b_.bar_seconds / kYearSeconds;
    if (std::isfinite(m.pool_fees) && std::isfinite(m.pool_liq) && m.pool_liq > 0) {
      const double r = m.pool_fees / m.pool_liq / bar_years;
      fee_rate_ewma = std::isnan(fee_rate_ewma) ? r : fee_rate_ewma + fee_alpha * (r - fee_rate_ewma);
      m.fee_rate_per_L = fee_rate_ewma;
    } else {
      m.fee_rate_per_L = c_.lp.fee_apr * 2.0 * std::sqrt(m.S);
    }
    const auto hour = static_cast<std::size_t>(((m.t % 86400) + 86400) % 86400 / 3600);
    m.gas_profile = c_.costs.gas_profile[hour];
    m.gas_per_unit = c_.costs.gas_gwei * 1e-9 * m.gas_profile * m.S;

    for (auto& k : books) {
      if (i == 0) {
        open(k, m);
      } else {
        move(k, m);
        decide(k, m);
      }
      k.out->nav[i] = nav(k, m);
      k.out->attributed[i] = k.a.total();
    }
    if (progress && (i % 4096 == 0 || i + 1 == n)) progress(i + 1, n);
  }

  // metrics
  const double bars_per_year = kYearSeconds / b_.bar_seconds;
  const double years = static_cast<double>(b_.time[n - 1] - b_.time[0]) / kYearSeconds;
  const auto day_step = static_cast<std::size_t>(std::max(1.0, std::round(86400.0 / b_.bar_seconds)));
  // regime windows
  const auto W = static_cast<std::size_t>(std::max(2.0, std::round(c_.metrics.regime_window_days * 86400.0 / b_.bar_seconds)));
  std::vector<std::pair<std::size_t, std::size_t>> windows;
  std::vector<double> wvol;
  for (std::size_t s = 0; s + W <= n - 1 || (s == 0 && n > 2); s += W) {
    const std::size_t e = std::min(s + W, n - 1);
    double ss = 0;
    for (std::size_t j = s + 1; j <= e; ++j) ss += std::pow(std::log(b_.close[j] / b_.close[j - 1]), 2);
    windows.emplace_back(s, e);
    wvol.push_back(std::sqrt(ss / static_cast<double>(e - s) * bars_per_year));
    if (e == n - 1) break;
  }
  auto sorted = wvol;
  std::sort(sorted.begin(), sorted.end());
  res.regime_vol_terciles = {sorted[sorted.size() / 3], sorted[(2 * sorted.size()) / 3]};
  auto regime_of = [&](double v) { return v < res.regime_vol_terciles[0] ? 0 : (v < res.regime_vol_terciles[1] ? 1 : 2); };

  for (std::size_t s = 0; s < books.size(); ++s) {
    auto& r = res.strategies[s];
    r.attribution = books[s].a;
    auto& mt = r.metrics;
    const double C = c_.lp.capital;
    mt.final_nav = r.nav.back();
    mt.years = years;
    mt.total_return = mt.final_nav / C - 1.0;
    mt.apr = years > 0 ? mt.total_return / years : 0.0;
    if (mt.final_nav > 0 && years > 0) {
      const CashFlow flows[] = {{0.0, -C}, {years, mt.final_nav}};
      mt.irr = mt.final_nav == C ? 0.0 : xirr(flows);
    } else {
      mt.irr = -1.0;
    }
    mt.vol = annualised_vol(r.nav, bars_per_year);
    mt.sharpe = sharpe_ratio(r.nav, bars_per_year, c_.metrics.risk_free);
    mt.sortino = sortino_ratio(r.nav, bars_per_year, c_.metrics.risk_free);
    mt.max_drawdown = max_drawdown(r.nav);
    mt.cvar = cvar(r.nav, day_step, c_.metrics.cvar_level);
    const auto& a = r.attribution;
    const double hedge = a.hedge_pnl + a.option_costs + a.borrow_interest + a.perp_pnl + a.perp_funding + a.perp_fees + a.liquidation;
    mt.hedge_cost_pct_of_fees = a.fees > 0 ? -100.0 * hedge / a.fees : 0.0;
    std::array<double, 3> logg{}, yrs{};
    for (std::size_t w = 0; w < windows.size(); ++w) {
      const auto [ws, we] = windows[w];
      const int g = regime_of(wvol[w]);
      const double a0 = r.nav[ws], a1 = r.nav[we];
      logg[static_cast<std::size_t>(g)] += (a0 > 0 && a1 > 0) ? std::log(a1 / a0) : -50.0;
      yrs[static_cast<std::size_t>(g)] += static_cast<double>(b_.time[we] - b_.time[ws]) / kYearSeconds;
    }
    double mean = 0;
    int cnt = 0;
    for (std::size_t g = 0; g < 3; ++g) {
      r.regime.years[g] = yrs[g];
      r.regime.irr[g] = yrs[g] > 0 ? std::expm1(logg[g] / yrs[g]) : 0.0;
      if (yrs[g] > 0) {
        mean += r.regime.irr[g];
        ++cnt;
      }
    }
    mean /= std::max(cnt, 1);
    double var = 0;
    for (std::size_t g = 0; g < 3; ++g)
      if (yrs[g] > 0) var += std::pow(r.regime.irr[g] - mean, 2);
    r.regime.dispersion = std::sqrt(var / std::max(cnt, 1));
  }
  if (b_.fees_modelled)
    res.notes.push_back(fmt::format(
        "pool fees are not in the data: LP fees come from the fee-APR model (a full-range position earns {:.1f}% a year on its value)",
        100 * c_.lp.fee_apr));
  bool any_iv = false;
  for (double v : b_.implied_vol) any_iv |= std::isfinite(v);
  if (!any_iv || !c_.marking.use_implied_series)
    res.notes.push_back(fmt::format("options marked with Black-76 at realized EWMA vol + {:.0f} vol points (floor {:.0f}%)",
                                    100 * c_.marking.vol_premium, 100 * c_.marking.vol_floor));
  else
    res.notes.push_back("options marked with Black-76 at the implied-vol series (DVOL) where it covers a bar, else realized + premium");
  if (c_.layer1.method == "optimiser") {
    res.notes.push_back(fmt::format(
        "Layer 1 is the hedge module's optimiser ({} objective, tails covered beyond {:g} sigma, hedge gamma <= {:g} x the LP's, "
        "budget = cash on hand) on listed strikes at the bar's implied vol and the backtest's dealing prices; options only, no "
        "parity forwards",
        c_.layer1.objective, c_.layer1.tail_sigma, c_.layer1.max_hedge_ratio));
    if (l1_infeasible_ > 0)
      res.notes.push_back(fmt::format("Layer 1 optimiser: {} of {} purchases found no feasible hedge and bought nothing; first: {}",
                                      l1_infeasible_, l1_optimiser_runs_, l1_infeasible_reason_));
  } else {
    res.notes.push_back("Layer 1 is the hedge module's discrete Carr-Madan strip (carr_madan_discrete) on listed strikes plus the range ends (layer1.method = optimiser runs the variance/CVaR optimiser instead)");
  }
  return res;
}

}  // namespace

BacktestResult run_backtest(const BacktestConfig& cfg, const BarSeries& bars, const ProgressFn& progress) {
  return Engine(cfg, bars).run(progress);
}

BarSeries bars_for_config(const BacktestConfig& cfg) {
  const double target = bar_interval_seconds(parse_bar_interval(cfg.bars));
  if (cfg.data_file.empty()) {
    auto syn = cfg.synthetic;
    if (syn.bar_seconds < target) syn.bar_seconds = target;
    return synthetic_history(syn);
  }
  auto b = load_bars(cfg.data_file, cfg.lp.fee_tier);
  if (!cfg.iv_file.empty()) join_implied_vol(b, cfg.iv_file);
  if (target > b.bar_seconds) b = resample(b, target);
  return b;
}

}  // namespace alvh::backtest
