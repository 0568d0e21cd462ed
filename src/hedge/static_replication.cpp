#include "alvh/hedge/static_replication.hpp"

#include <algorithm>
#include <cmath>

#include "alvh/core/error.hpp"
#include "alvh/risk/quadrature.hpp"

namespace alvh::hedge {

using options::OptionType;

double LpPayoff::value(double S) const {
  const double v = amm::lp_value(range, liquidity, S);
  return kind == ReplicatedPayoff::LpValue ? v : v - amm::hodl_value(range, liquidity, entry_price, S);
}

double LpPayoff::slope(double S) const {
  const double x = amm::lp_delta(range, liquidity, S);
  return kind == ReplicatedPayoff::LpValue ? x : x - amm::amounts_for_liquidity(range, liquidity, entry_price).amount0;
}

double LpPayoff::curvature(double K) const {
  if (!range.contains(K)) return 0.0;
  return -liquidity / (2.0 * K * std::sqrt(K));
}

namespace {
void validate_payoff(const LpPayoff& f, double forward) {
  amm::validate(f.range);
  require(f.liquidity > 0.0 && std::isfinite(f.liquidity), "liquidity", "a finite number > 0", f.liquidity);
  require(f.entry_price > 0.0 && std::isfinite(f.entry_price), "entry price", "a finite number > 0", f.entry_price);
  require(forward > 0.0 && std::isfinite(forward), "forward", "a finite number > 0", forward);
}
}  // namespace

ReplicationStrip carr_madan_continuous(const LpPayoff& f, double F, std::size_t n, double v2_half_width) {
  validate_payoff(f, F);
  require(v2_half_width > 0.0, "v2 log-strike half width", "> 0", v2_half_width);
  ReplicationStrip s;
  s.expansion_point = F;
  s.bond = f.value(F);
  s.forward_quantity = f.slope(F);
  const double ulo = f.range.lower > 0.0 ? std::max(std::log(f.range.lower / F), -v2_half_width) : -v2_half_width;
  const double uhi = std::isfinite(f.range.upper) ? std::min(std::log(f.range.upper / F), v2_half_width) : v2_half_width;
  auto add_side = [&](double a, double b, OptionType type) {
    if (!(b > a)) return;
    const auto rule = risk::gauss_legendre(n, a, b);
    for (std::size_t i = 0; i < n; ++i) {
      const double K = F * std::exp(rule.nodes[i]);
      s.options.push_back({type, K, f.curvature(K) * K * rule.weights[i]});  // dK = K du
    }
  };
  add_side(ulo, std::min(uhi, 0.0), OptionType::Put);
  add_side(std::max(ulo, 0.0), uhi, OptionType::Call);
  return s;
}

ReplicationStrip carr_madan_discrete(const LpPayoff& f, double F, std::vector<double> K) {
  validate_payoff(f, F);
  for (double k : K) require(k > 0.0 && std::isfinite(k), "strike", "a finite number > 0", k);
  std::sort(K.begin(), K.end());
  K.erase(std::unique(K.begin(), K.end()), K.end());
  require(K.size() >= 2, "number of distinct strikes", "at least 2", static_cast<double>(K.size()));
  const std::size_t n = K.size();
  std::vector<double> fk(n), seg(n - 1);
  for (std::size_t i = 0; i < n; ++i) fk[i] = f.value(K[i]);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    // On a piece where f is linear (beyond a v3 range end) use its exact slope, so that nodes
    // there get exactly zero weight instead of rounding noise.
    const bool linear = K[i + 1] <= f.range.lower || K[i] >= f.range.upper;
    seg[i] = linear ? f.slope(0.5 * (K[i] + K[i + 1])) : (fk[i + 1] - fk[i]) / (K[i + 1] - K[i]);
  }
  // slope left of node i and right of node i (tangent beyond the outer strikes)
  auto left = [&](std::size_t i) { return i == 0 ? f.slope(K.front()) : seg[i - 1]; };
  auto right = [&](std::size_t i) { return i + 1 == n ? f.slope(K.back()) : seg[i]; };
  std::size_t star = 0;
  for (std::size_t i = 1; i < n; ++i)
    if (std::abs(K[i] - F) < std::abs(K[star] - F)) star = i;
  ReplicationStrip s;
  s.expansion_point = K[star];
  s.bond = fk[star];
  s.forward_quantity = left(star);
  for (std::size_t i = 0; i < n; ++i) {
    const double w = right(i) - left(i);
    if (w == 0.0) continue;
    s.options.push_back({i < star ? OptionType::Put : OptionType::Call, K[i], w});
  }
  return s;
}

double strip_payoff(const ReplicationStrip& s, double S) {
  double v = s.bond + s.forward_quantity * (S - s.expansion_point);
  for (const auto& o : s.options)
    v += o.weight * (o.type == OptionType::Put ? std::max(o.strike - S, 0.0) : std::max(S - o.strike, 0.0));
  return v;
}

double strip_price(const ReplicationStrip& s, double F, double T, double D,
                   const std::function<double(double)>& vol_at_strike) {
  double v = D * (s.bond + s.forward_quantity * (F - s.expansion_point));
  for (const auto& o : s.options) v += o.weight * options::black76_price(o.type, F, o.strike, T, vol_at_strike(o.strike), D);
  return v;
}

double strip_price(const ReplicationStrip& s, double F, double T, double D, double vol) {
  return strip_price(s, F, T, D, [vol](double) { return vol; });
}

}  // namespace alvh::hedge
