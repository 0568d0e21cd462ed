#pragma once
// Layer 1: the discrete option hedge of an LP position (docs/risk-hedge.md).
//
// Given listed options (strike, expiry, bid/ask) choose long quantities q_i >= 0 minimising the
// shortfall risk of the hedged horizon P&L against HODL
//     R(S) = [V_LP(S) - V_HODL(S)] + sum_i q_i (h_i(S) - c_i / D)
// over a scenario grid S_j = S0-scaled lognormal quantiles with risk-neutral probabilities p_j,
// where h_i is the option payoff and c_i its cost today (the cheaper of the option's ask and
// its put-call-parity equivalent). Objectives:
//   Variance: min sum_j p_j R_j^2                                (QP, NLopt SLSQP)
//   CVaR:     min CVaR_beta(-R) = min_a a + sum_j p_j (-R_j - a)^+ / (1 - beta)
//             (Rockafellar & Uryasev 2000, an LP solved with CLP)
// subject to
//   premium budget      sum_i c_i q_i <= budget
//   max hedge ratio     sum_i q_i Gamma_i <= max_hedge_ratio |Gamma_LP|   (no over-hedging)
//   tail coverage       R_j >= 0 for every scenario with |ln(S_j/F)| >= tail_sigma sigma sqrt(T)
//                       (the hedged position breaks even, premium included, beyond k sigma)
//   contract size       q_i a multiple of lot_size (rounding rule in the .cpp, constraints re-checked).
// The minimum feasible budget is an LP (min sum c_i q_i subject to the other constraints);
// a smaller budget raises HedgeError stating it.
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "alvh/core/error.hpp"
#include "alvh/hedge/hedge_leg.hpp"
#include "alvh/options/black.hpp"
#include "alvh/options/chain.hpp"
#include "alvh/risk/position_risk.hpp"

namespace alvh::hedge {

// An infeasible or ill-posed hedge request (budget too small, nothing to hedge, bad chain).
class HedgeError : public DomainError {
 public:
  using DomainError::DomainError;
};

// Listed options are alvh::options::OptionQuote (alvh/options/chain.hpp): money in the
// numeraire per 1 unit of underlying; an ask that is NaN or <= 0 means the option cannot be bought.
// A generated chain: strikes forward*[lo_mult, hi_mult] on a strike_step grid, puts and calls
// priced with Black-76 at `vol`, bid/ask at vol -/+ half_spread_vol. Names "SYN-<K>-P"/"-C".
std::vector<options::OptionQuote> synthetic_quotes(double forward, double t_years, double vol, double strike_step,
                                         double lo_mult = 0.5, double hi_mult = 2.0, double half_spread_vol = 0.01);
// The same grid priced on a smile: vol_at_strike(K) (e.g. a fitted surface at t_years) instead of
// one vol; each strike's vol must exceed half_spread_vol.
std::vector<options::OptionQuote> synthetic_quotes(double forward, double t_years,
                                                   const std::function<double(double)>& vol_at_strike,
                                                   double strike_step, double lo_mult, double hi_mult,
                                                   double half_spread_vol);

enum class HedgeObjective { Variance, CVaR };

// Risk-neutral density of the scenario grid. Lognormal: Black at the chain's ATM implied vol.
// Smile: an SVI slice fitted to the chain's implied vols at the hedge expiry (OTM side per
// strike), density from Gatheral & Jacquier (2014) eq. (2.2),
//     p(k) = g(k) / sqrt(2 pi w(k)) exp(-d_-(k)^2 / 2),  d_- = -k/sqrt(w) - sqrt(w)/2,  k = ln(K/F),
// which is the Breeden-Litzenberger density d2C/dK2 of the fitted smile in closed form.
// Auto: Smile when at least 5 strikes at the expiry carry implied vols that are not flat
// (range > 0.5 vol points) and the fitted slice is free of butterfly arbitrage on the grid;
// else Lognormal. The result says which was used and why.
enum class HedgeDensity { Auto, Lognormal, Smile };

struct HedgeSpec {
  risk::PositionInputs position;          // range, price, capital, vol, fee APR, horizon (used to pick the expiry)
  std::vector<options::OptionQuote> quotes;  // the chain (any expiries; the one matching the horizon is used)
  std::string position_underlying;        // e.g. "ETH"; checked against chain_underlying when both are set
  std::string chain_underlying;
  double chain_spot = std::numeric_limits<double>::quiet_NaN();     // option underlying now (NaN: position price)
  double chain_forward = std::numeric_limits<double>::quiet_NaN();  // at the chosen expiry (NaN: spot e^{rT})
  double budget = std::numeric_limits<double>::infinity();           // max premium, numeraire
  double max_hedge_ratio = 1.0;
  double tail_sigma = 2.5;
  HedgeObjective objective = HedgeObjective::Variance;
  double cvar_level = 0.95;
  double lot_size = 0.0;       // contract increment in units of underlying (0: continuous)
  double beta = 1.0;           // pair price P = P0 (S/S0)^beta (CAPM in log returns; beta_from_prices)
  std::size_t n_scenarios = 241;
  bool use_parity = true;      // buy each payoff the cheaper way (option or parity equivalent)
  double max_price_mismatch = 0.25;  // |spot/P - 1| above this (beta = 1) is a mismatched underlying
  HedgeDensity density = HedgeDensity::Auto;
};

struct HedgeLegReport {
  HedgeLeg leg;               // the traded option (quantity > 0, premium = ask)
  std::string payoff;         // "put K" / "call K": the payoff bought
  bool via_parity = false;    // traded the other type plus a forward
  double effective_cost = 0;  // per unit: ask, or ask -/+ D (F - K) through parity
  double parity_saving = 0;   // per unit vs buying the payoff directly (0 when not quoted)
};

struct GreeksSummary {
  double delta = 0, gamma = 0, vega = 0;  // per 1 unit move of the hedge underlying; vega per 1.00 vol
};

struct ResidualRow {
  double sigma_move = 0;      // k in S = F exp(k sigma sqrt T)
  double price = 0;           // hedge underlying at the horizon
  double pair_price = 0;      // LP pair price there (= price when beta = 1)
  double lp_minus_hodl = 0;   // unhedged IL (numeraire)
  double hedge_pnl = 0;       // sum q (payoff - cost/D)
  double residual = 0;        // sum of the two
};

struct HedgeResult {
  std::vector<HedgeLegReport> legs;
  double expiry_years = 0;          // the chosen expiry (the hedge horizon)
  double forward = 0, spot = 0, vol = 0;
  double forward_quantity = 0;      // units of underlying held in forwards from parity substitutions
  double total_premium = 0;         // cash paid for options (sum q ask)
  double total_cost = 0;            // effective cost (sum q c_eff)
  double cost_pct_capital = 0;
  double cost_annualised_pct = 0;   // total_cost / capital / T
  double fee_apr = 0;               // for comparison
  double parity_saving = 0;         // total saved by parity routes
  double min_feasible_budget = 0;   // min cost meeting tail coverage and the hedge-ratio cap
  double objective_value = 0;       // E[R^2] or CVaR of -R (after rounding)
  double objective_unhedged = 0;    // same objective with q = 0
  bool tail_covered = true;         // after rounding
  std::string rounding_note;
  GreeksSummary before, after;      // LP alone; LP + options + forwards
  std::vector<ResidualRow> residuals;  // k = -3..3 and the tail thresholds
  std::vector<double> break_even_prices;  // where the hedged P&L including fees crosses zero
  std::string density;              // the scenario density used, e.g. "smile (SVI fit to 14 strikes, rms 0.42 vol pts)"
};

HedgeResult optimise_hedge(const HedgeSpec& spec);

// The scenario grid the optimiser uses for a request: prices of the hedge underlying at the
// expiry, their probabilities (sum 1) and the density's description.
struct ScenarioDistribution {
  std::vector<double> price, probability;
  double forward = 0, expiry_years = 0;
  std::string density;
};
ScenarioDistribution hedge_scenarios(const HedgeSpec& spec);

// The optimiser's measures for given legs (on the same expiry, scenarios and density as
// optimise_hedge, costs = the legs' premiums, gammas by Black-76 at the density vol): lets a
// caller or a test check any candidate hedge against the constraints and the objective.
struct HedgeEvaluation {
  double objective = 0;          // E[R^2] or CVaR, as selected in the spec
  double premium = 0;            // sum q premium
  double hedge_gamma = 0;        // sum q Gamma_i
  double gamma_cap = 0;          // max_hedge_ratio |Gamma_LP|
  double min_tail_residual = 0;  // min over tail scenarios of R (>= 0: tails covered)
};
HedgeEvaluation evaluate_hedge(const HedgeSpec& spec, std::span<const HedgeLeg> legs);

// Scale a hedge for a cross pair: OLS beta of log returns of the pair's price on the hedge
// underlying's price (equal-length series, same timestamps, >= 3 points, all > 0).
double beta_from_prices(std::span<const double> pair_prices, std::span<const double> underlying_prices);

}  // namespace alvh::hedge
