#pragma once
// Carr-Madan static replication of LP payoffs at the horizon (REFERENCES.md §4f).
//
//   f(S_T) = f(K*) + f'(K*)(S_T - K*) + int_0^K* f''(K)(K - S_T)^+ dK + int_K*^inf f''(K)(S_T - K)^+ dK
//   price  = D [f(K*) + f'(K*)(F - K*)] + int_0^K* f''(K) P(K) dK + int_K*^inf f''(K) C(K) dK
//
// P. Carr and D. Madan, "Towards a theory of volatility trading" (1998). For the LP value
// f = V_LP (and for LP minus HODL, which differs by a line) f''(K) = -L/(2 K^{3/2}) inside the
// range and 0 outside (V is C^1: no point masses at pa, pb): the LP is a bond + forward + a
// SHORT strip of puts below and calls above the expansion point (Deng, Zong, Wang 2022,
// arXiv:2205.12043). Option weights here are the LP's own (negative = short); the hedge buys
// their negatives.
#include <cstddef>
#include <functional>
#include <vector>

#include "alvh/amm/position_model.hpp"
#include "alvh/options/black.hpp"

namespace alvh::hedge {

enum class ReplicatedPayoff { LpValue, LpMinusHodl };

// The horizon payoff of a position of liquidity L on `range`, opened at entry_price (HODL keeps
// the amounts held at entry_price).
struct LpPayoff {
  amm::PriceRange range;
  double liquidity = 0.0;
  double entry_price = 0.0;
  ReplicatedPayoff kind = ReplicatedPayoff::LpMinusHodl;

  double value(double price) const;       // f(S)
  double slope(double price) const;       // f'(S) (continuous: V is C^1)
  double curvature(double strike) const;  // f''(K) = -L/(2 K^{3/2}) inside the range, else 0
};

struct StripOption {
  options::OptionType type;
  double strike;
  double weight;  // units of the option (signed; negative = short)
};

struct ReplicationStrip {
  double expansion_point = 0.0;   // K* (the forward for the continuous strip)
  double bond = 0.0;              // f(K*), cash paid at the horizon
  double forward_quantity = 0.0;  // f'(K*-): units of a forward struck at K*
  std::vector<StripOption> options;  // puts struck below K*, calls at or above K*
};

// Continuous strip by Gauss-Legendre quadrature in log-strike u = ln(K/F), with n_points nodes
// on each side of F: v3 on [ln(pa/F), ln(pb/F)] split at 0; v2 (or an open end) truncated to
// |u| <= v2_log_half_width (default 8: strikes F e^{-8} .. F e^{8}). Weights f''(K) K w_u.
ReplicationStrip carr_madan_continuous(const LpPayoff& payoff, double forward, std::size_t n_points = 200,
                                       double v2_log_half_width = 8.0);

// Discrete strip on the given strikes (any order; duplicates removed). The strip pays the
// piecewise-linear interpolant of f through the strikes, extended beyond the outer strikes
// along f's tangent there: weight at K_i = (slope right of K_i) - (slope left of K_i), the
// outer slopes being f'(K_first) and f'(K_last) ("trapezoid" rule: the second difference of
// f times the spacing). The expansion point is the strike nearest the forward. Exact at the
// strikes; between them the error is <= h^2 max|f''| / 8. For v3 list pa and pb as strikes
// to be exact outside the range.
ReplicationStrip carr_madan_discrete(const LpPayoff& payoff, double forward, std::vector<double> strikes);

// Horizon payoff of the strip at S.
double strip_payoff(const ReplicationStrip& strip, double price);

// Present value with Black-76 on the forward, vol_at_strike(K) giving each option's vol (a
// smile/surface slice), discount = e^{-rT}.
double strip_price(const ReplicationStrip& strip, double forward, double t_years, double discount,
                   const std::function<double(double strike)>& vol_at_strike);
double strip_price(const ReplicationStrip& strip, double forward, double t_years, double discount, double vol);

}  // namespace alvh::hedge
