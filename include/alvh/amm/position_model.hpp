#pragma once
// Closed-form (double) model of a concentrated-liquidity position, for analytics.
//
// Conventions (docs/conventions.md): token0 = X is the risky asset (e.g. ETH), token1 = Y the
// numeraire (e.g. USDC); price P = Y per X in human units; values are in Y. A Uniswap v2
// position is the range (0, +inf). Formulas: Uniswap v3 Core whitepaper (Adams et al. 2021)
// §6.2-6.3; A. Elsts, "Liquidity Math in Uniswap v3" (2021); LVR: Milionis, Moallemi,
// Roughgarden, Zhang, arXiv:2208.06046 (2022). Reference rows: ../shared/REFERENCES.md §4.
#include <limits>

namespace alvh::amm {

// A price range [lower, upper] with 0 <= lower < upper <= +inf.
struct PriceRange {
  double lower = 0.0;
  double upper = std::numeric_limits<double>::infinity();

  static PriceRange full() { return {}; }  // Uniswap v2: the whole price axis
  bool is_full() const { return lower == 0.0 && upper == std::numeric_limits<double>::infinity(); }
  bool contains(double price) const { return price > lower && price < upper; }
};

// Throws DomainError unless 0 <= lower < upper and upper > 0.
void validate(const PriceRange& range);

struct TokenAmounts {
  double amount0 = 0.0;  // X held (human units)
  double amount1 = 0.0;  // Y held (human units)
};

// Token amounts of liquidity L at price P (whitepaper eq. 6.29-6.30, clamped to the range).
TokenAmounts amounts_for_liquidity(const PriceRange& range, double liquidity, double price);

// Value V(P) = x P + y of liquidity L at price P, in Y.
double lp_value(const PriceRange& range, double liquidity, double price);

// Value of one unit of liquidity: V(P)/L = 2 sqrt(P) - P/sqrt(pb) - sqrt(pa) in range.
double value_per_liquidity(const PriceRange& range, double price);

// Liquidity bought by `capital` (in Y) at price P: L = capital / value_per_liquidity.
double liquidity_for_capital(const PriceRange& range, double capital, double price);

// Liquidity from token amounts at P: min over the binding token (whitepaper §6.3).
double liquidity_for_amounts(const PriceRange& range, const TokenAmounts& amounts, double price);

// dV/dP = x(P): the LP's delta is its X holding (V is C^1 in P).
double lp_delta(const PriceRange& range, double liquidity, double price);

// d2V/dP2 = -L / (2 P^{3/2}) strictly inside the range, 0 outside (no Dirac mass at the ends).
double lp_gamma(const PriceRange& range, double liquidity, double price);

// HODL: keep the amounts deposited at P0. V_HODL(P) = x0 P + y0.
double hodl_value(const PriceRange& range, double liquidity, double entry_price, double price);

// Impermanent loss IL = V_LP(P)/V_HODL(P) - 1 <= 0 for a position opened at entry_price.
// v2 closed form: 2 sqrt(r)/(1+r) - 1 with r = P/P0.
double impermanent_loss(const PriceRange& range, double entry_price, double price);

// Instantaneous LVR rate l = sigma^2 P^2 / 2 * |dx/dP| = sigma^2 L sqrt(P) / 4 in range, 0
// outside (Milionis et al. 2022, Thm 1 and §6). With annual sigma it is Y per year.
double lvr_rate(const PriceRange& range, double liquidity, double price, double vol_annual);

// Capital efficiency of the range against v2 at P = sqrt(pa pb): 1/(1 - (pa/pb)^{1/4}).
double capital_efficiency(const PriceRange& range);

}  // namespace alvh::amm
