#include "alvh/hedge/optimiser.hpp"

#include <coin/ClpSimplex.hpp>
#include <fmt/format.h>
#include <nlopt.hpp>

#include "alvh/options/vol_surface.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <numeric>
#include <optional>

namespace alvh::hedge {

using options::OptionType;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Quotes whose expiries differ by less than half a day are the same listed expiry.
constexpr double kSameExpiry = 0.5 / 365.0;

bool has_price(double x) { return std::isfinite(x) && x > 0.0; }

double payoff(OptionType type, double K, double S) {
  return type == OptionType::Put ? std::max(K - S, 0.0) : std::max(S - K, 0.0);
}

// A payoff the optimiser may buy: the option of `payoff_type` at K, obtained directly or via
// put-call parity (P = C - D(F - K), C = P + D(F - K)) from the quote of the other type.
struct Candidate {
  OptionType payoff_type;
  double strike;
  const options::OptionQuote* traded;  // the quote actually bought
  bool via_parity;
  double cost;               // effective cost today per unit
  double direct_cost;        // ask of the payoff's own quote (NaN if not quoted)
  double gamma, delta, vega; // Black-76 greeks of the payoff (per unit)
};

// Dense LP: min obj.x, row_lo <= A x <= row_hi, col_lo <= x <= col_hi, solved with CLP's dual
// simplex. Returns false when CLP does not prove optimality.
struct DenseLp {
  std::size_t ncols = 0;
  std::vector<double> obj, col_lo, col_hi;
  std::vector<std::vector<double>> rows;  // each of length ncols
  std::vector<double> row_lo, row_hi;
  void add_row(std::vector<double> a, double lo, double hi) {
    rows.push_back(std::move(a));
    row_lo.push_back(lo);
    row_hi.push_back(hi);
  }
};

// Loads the linear part of `lp` into `model`: column-major sparse A and bounds, with
// infinities mapped to CLP's COIN_DBL_MAX. Shared by the LP and the QP.
void load_dense(const DenseLp& lp, ClpSimplex& model) {
  const int ncols = static_cast<int>(lp.ncols), nrows = static_cast<int>(lp.rows.size());
  std::vector<CoinBigIndex> start{0};
  std::vector<int> index;
  std::vector<double> value;
  for (std::size_t c = 0; c < lp.ncols; ++c) {
    for (std::size_t r = 0; r < lp.rows.size(); ++r) {
      const double a = lp.rows[r][c];
      if (a != 0.0) {
        index.push_back(static_cast<int>(r));
        value.push_back(a);
      }
    }
    start.push_back(static_cast<CoinBigIndex>(index.size()));
  }
  auto clamp_inf = [](double v) { return std::isinf(v) ? (v > 0 ? COIN_DBL_MAX : -COIN_DBL_MAX) : v; };
  std::vector<double> clo(lp.col_lo), chi(lp.col_hi), rlo(lp.row_lo), rhi(lp.row_hi);
  for (std::vector<double>* v : {&clo, &chi, &rlo, &rhi})
    for (double& e : *v) e = clamp_inf(e);
  // CLP asserts (aborts the process) on NaN data: refuse it here with an error instead. Bounds
  // may be infinite (mapped to COIN_DBL_MAX above); matrix coefficients must be finite.
  auto no_nan = [](const std::vector<double>& v) {
    return std::none_of(v.begin(), v.end(), [](double e) { return std::isnan(e); });
  };
  bool ok = no_nan(clo) && no_nan(chi) && no_nan(rlo) && no_nan(rhi) && no_nan(lp.obj);
  for (const auto& r : lp.rows) ok = ok && std::all_of(r.begin(), r.end(), [](double e) { return std::isfinite(e); });
  if (!ok) throw HedgeError("hedge optimiser: the linear program has NaN or infinite coefficients (check the chain and position inputs)");
  model.setLogLevel(0);
  model.loadProblem(ncols, nrows, start.data(), index.data(), value.data(), clo.data(), chi.data(), lp.obj.data(),
                    rlo.data(), rhi.data());
}

bool solve_lp(const DenseLp& lp, std::vector<double>& x, double& objective) {
  ClpSimplex model;
  load_dense(lp, model);
  model.dual();
  if (!model.isProvenOptimal()) {
    model.primal();  // fall back once (CLP sometimes stops dual on tiny infeasibilities)
    if (!model.isProvenOptimal()) return false;
  }
  const double* sol = model.primalColumnSolution();
  x.assign(sol, sol + lp.ncols);
  objective = model.objectiveValue();
  return true;
}

// Dense convex QP: min obj.x + 1/2 x'Qx under the same constraints, by CLP's quadratic
// simplex (ClpSimplex::primal with a ClpQuadraticObjective, full symmetric Q).
bool solve_qp(const DenseLp& lp, const std::vector<std::vector<double>>& Q, std::vector<double>& x, double& objective) {
  std::vector<CoinBigIndex> qstart{0};
  std::vector<int> qindex;
  std::vector<double> qvalue;
  for (std::size_t c = 0; c < lp.ncols; ++c) {
    for (std::size_t r = 0; r <= c; ++r)  // upper triangle: CLP stores Q "half symmetric"
      if (Q[r][c] != 0.0) {
        qindex.push_back(static_cast<int>(r));
        qvalue.push_back(Q[r][c]);
      }
    qstart.push_back(static_cast<CoinBigIndex>(qindex.size()));
  }
  ClpSimplex model;
  load_dense(lp, model);
  model.loadQuadraticObjective(static_cast<int>(lp.ncols), qstart.data(), qindex.data(), qvalue.data());
  model.primal();
  if (!model.isProvenOptimal()) return false;
  const double* sol = model.primalColumnSolution();
  x.assign(sol, sol + lp.ncols);
  objective = model.objectiveValue();
  return true;
}

}  // namespace

std::vector<options::OptionQuote> synthetic_quotes(double F, double T, double vol, double step, double lo_mult, double hi_mult,
                                         double half_spread_vol) {
  require(F > 0.0 && std::isfinite(F), "forward", "a finite number > 0", F);
  require(T > 0.0 && std::isfinite(T), "expiry (years)", "a finite number > 0", T);
  require(vol > 0.0 && std::isfinite(vol), "vol", "a finite number > 0", vol);
  require(step > 0.0 && std::isfinite(step), "strike step", "a finite number > 0", step);
  require(lo_mult > 0.0 && lo_mult < hi_mult, "lowest strike multiple", "in (0, highest multiple)", lo_mult);
  require(half_spread_vol >= 0.0 && half_spread_vol < vol, "half spread (vol)", "in [0, vol)", half_spread_vol);
  return synthetic_quotes(F, T, [vol](double) { return vol; }, step, lo_mult, hi_mult, half_spread_vol);
}

std::vector<options::OptionQuote> synthetic_quotes(double F, double T, const std::function<double(double)>& vol_at_strike,
                                                   double step, double lo_mult, double hi_mult, double half_spread_vol) {
  require(F > 0.0 && std::isfinite(F), "forward", "a finite number > 0", F);
  require(T > 0.0 && std::isfinite(T), "expiry (years)", "a finite number > 0", T);
  require(step > 0.0 && std::isfinite(step), "strike step", "a finite number > 0", step);
  require(lo_mult > 0.0 && lo_mult < hi_mult, "lowest strike multiple", "in (0, highest multiple)", lo_mult);
  require(half_spread_vol >= 0.0, "half spread (vol)", ">= 0", half_spread_vol);
  require(F * (hi_mult - lo_mult) / step <= 1e5, "strike step", "coarse enough for at most 1e5 strikes", step);
  std::vector<options::OptionQuote> q;
  for (double K = std::ceil(F * lo_mult / step) * step; K <= F * hi_mult + 1e-9; K += step) {
    const double vol = vol_at_strike(K);
    if (!(std::isfinite(vol) && vol > half_spread_vol))
      require(false, fmt::format("vol at strike {}", K).c_str(), "a finite number > the half spread", vol);
    for (OptionType t : {OptionType::Put, OptionType::Call}) {
      options::OptionQuote h{};
      h.instrument = fmt::format("SYN-{}-{}", K, t == OptionType::Put ? "P" : "C");
      h.type = t;
      h.strike = K;
      h.expiry_years = T;
      h.bid = options::black76_price(t, F, K, T, vol - half_spread_vol);
      h.ask = options::black76_price(t, F, K, T, vol + half_spread_vol);
      h.mark = options::black76_price(t, F, K, T, vol);
      h.iv = vol;
      h.underlying_price = F;
      q.push_back(std::move(h));
    }
  }
  return q;
}

double beta_from_prices(std::span<const double> pair, std::span<const double> under) {
  require(pair.size() == under.size(), "price series lengths", "equal", static_cast<double>(pair.size()));
  require(pair.size() >= 3, "price series length", "at least 3", static_cast<double>(pair.size()));
  for (std::size_t i = 0; i < pair.size(); ++i) {
    require(pair[i] > 0.0 && std::isfinite(pair[i]), "pair price", "a finite number > 0", pair[i]);
    require(under[i] > 0.0 && std::isfinite(under[i]), "underlying price", "a finite number > 0", under[i]);
  }
  // OLS slope of r_pair on r_under (log returns): beta = cov / var.
  const std::size_t n = pair.size() - 1;
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ma += std::log(pair[i + 1] / pair[i]);
    mb += std::log(under[i + 1] / under[i]);
  }
  ma /= static_cast<double>(n);
  mb /= static_cast<double>(n);
  double cov = 0, var = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = std::log(pair[i + 1] / pair[i]) - ma, b = std::log(under[i + 1] / under[i]) - mb;
    cov += a * b;
    var += b * b;
  }
  require(var > 0.0, "variance of underlying returns", "> 0", var);
  return cov / var;
}

namespace {

// Everything about a hedge request except the choice of instruments: the expiry, forward,
// density vol, the LP in the option underlying's coordinates, and the scenario grid.
struct Prepared {
  double T = 0, D = 1, F = 0, vol = 0, s = 0, zmax = 0, P0 = 0, S0 = 0, beta = 1, L = 0;
  amm::PriceRange range;
  risk::RiskReport rep;
  double lp_gamma_S = 0, gamma_cap = 0;
  GreeksSummary before;
  std::map<double, std::pair<const options::OptionQuote*, const options::OptionQuote*>> by_strike;  // put, call at T
  std::vector<double> Sj, pj, ILj;  // scenarios, probabilities, LP - HODL
  std::vector<char> tail;           // |ln(S/F)| >= tail_sigma s
  std::string density;
  double pair_price(double S) const { return P0 * std::pow(S / S0, beta); }
  double il(double S) const {
    const double p = pair_price(S);
    return amm::lp_value(range, L, p) - amm::hodl_value(range, L, P0, p);
  }
};

// Gatheral & Jacquier (2014), "Arbitrage-free SVI volatility surfaces", eq. (2.2): the density
// of k = ln(S_T/F) implied by a total-variance slice w(k).
double svi_density(const options::SviParams& p, double k) {
  const double w = options::svi_total_variance(p, k);
  const double sw = std::sqrt(w);
  const double dm = -k / sw - 0.5 * sw;
  return std::max(options::svi_g(p, k), 0.0) / std::sqrt(2.0 * std::numbers::pi * w) * std::exp(-0.5 * dm * dm);
}

using StrikeQuotes = std::map<double, std::pair<const options::OptionQuote*, const options::OptionQuote*>>;

// The SVI slice of the hedge expiry, or nullopt (lognormal) with the reason in `why`.
std::optional<options::SviParams> fit_smile(const HedgeSpec& spec, const StrikeQuotes& by_strike, double F, double T,
                                            double k_span, std::string& why) {
  const std::string lognormal = "lognormal at the ATM implied vol";
  if (spec.density == HedgeDensity::Lognormal) {
    why = lognormal + " (requested)";
    return std::nullopt;
  }
  std::vector<double> k, w, wt;
  double iv_lo = kInf, iv_hi = 0;
  for (const auto& [K, pc] : by_strike) {
    const options::OptionQuote* otm = K < F ? pc.first : pc.second;  // OTM side carries the information
    const options::OptionQuote* q = otm && std::isfinite(otm->iv) && otm->iv > 0 ? otm : (K < F ? pc.second : pc.first);
    if (!q || !std::isfinite(q->iv) || !(q->iv > 0)) continue;
    k.push_back(std::log(K / F));
    w.push_back(q->iv * q->iv * T);
    wt.push_back(1.0);
    iv_lo = std::min(iv_lo, q->iv);
    iv_hi = std::max(iv_hi, q->iv);
  }
  auto fallback = [&](const std::string& reason) -> std::optional<options::SviParams> {
    if (spec.density == HedgeDensity::Smile) throw HedgeError("smile density requested but " + reason);
    why = lognormal + " (" + reason + ")";
    return std::nullopt;
  };
  if (k.size() < 5) return fallback(fmt::format("only {} strikes with implied vols at the expiry", k.size()));
  if (iv_hi - iv_lo < 0.005) return fallback("the chain's implied vols are flat");
  options::SviParams p{};
  try {
    p = options::fit_svi(k, w, wt);
  } catch (const Error& e) {
    return fallback(std::string("the SVI fit failed: ") + e.what());
  }
  const auto bf = options::check_butterfly(p, -k_span, k_span, 801);
  if (!bf.arbitrage_free) return fallback("the fitted SVI slice has butterfly arbitrage");
  double sse = 0;
  for (std::size_t i = 0; i < k.size(); ++i) {
    const double iv_fit = std::sqrt(options::svi_total_variance(p, k[i]) / T);
    const double iv_mkt = std::sqrt(w[i] / T);
    sse += (iv_fit - iv_mkt) * (iv_fit - iv_mkt);
  }
  why = fmt::format("smile (SVI fit to {} strikes, rms {:.2f} vol pts)", k.size(),
                    100.0 * std::sqrt(sse / static_cast<double>(k.size())));
  return p;
}

Prepared prepare(const HedgeSpec& spec) {
  Prepared pr;
  const auto& pos = spec.position;
  risk::validate(pos);
  require(spec.max_hedge_ratio >= 0.0 && std::isfinite(spec.max_hedge_ratio), "max hedge ratio", "a finite number >= 0",
          spec.max_hedge_ratio);
  require(spec.tail_sigma > 0.0 && spec.tail_sigma <= 6.0, "tail sigma", "in (0, 6]", spec.tail_sigma);
  require(spec.cvar_level > 0.0 && spec.cvar_level < 1.0, "CVaR level", "in (0, 1)", spec.cvar_level);
  require(spec.budget >= 0.0 && !std::isnan(spec.budget), "budget", "a number >= 0", spec.budget);
  require(spec.lot_size >= 0.0 && std::isfinite(spec.lot_size), "lot size", "a finite number >= 0", spec.lot_size);
  require(spec.beta > 0.0 && std::isfinite(spec.beta), "beta", "a finite number > 0", spec.beta);
  require(spec.n_scenarios >= 21 && spec.n_scenarios <= 20001, "scenario count", "in [21, 20001]",
          static_cast<double>(spec.n_scenarios));

  // ---- the chain: checks that make bad input a clear error ------------------------------
  if (spec.quotes.empty()) throw HedgeError("option chain is empty: no instruments to hedge with");
  if (!spec.position_underlying.empty() && !spec.chain_underlying.empty() &&
      spec.position_underlying != spec.chain_underlying)
    throw HedgeError(fmt::format("mismatched underlying: the position is on {} but the option chain is on {}",
                                 spec.position_underlying, spec.chain_underlying));
  for (const auto& q : spec.quotes) {
    if (!(q.expiry_years > 0.0))
      throw HedgeError(fmt::format("option {} has expired (expiry {} years from now)", q.instrument, q.expiry_years));
    if (!(q.strike > 0.0 && std::isfinite(q.strike)))
      throw HedgeError(fmt::format("option {} has an invalid strike {}", q.instrument, q.strike));
  }
  const double P0 = pos.price;
  const double S0 = std::isnan(spec.chain_spot) ? P0 : spec.chain_spot;
  require(S0 > 0.0 && std::isfinite(S0), "chain spot", "a finite number > 0", S0);
  if (spec.beta == 1.0 && std::abs(S0 / P0 - 1.0) > spec.max_price_mismatch)
    throw HedgeError(fmt::format(
        "mismatched underlying: the option chain's underlying trades at {} but the position price is {} "
        "(more than {:.0f}% apart; for a cross hedge give a beta)",
        S0, P0, 100 * spec.max_price_mismatch));

  // Expiry: the first listed expiry at or after the horizon, else the last one.
  std::vector<double> expiries;
  for (const auto& q : spec.quotes) expiries.push_back(q.expiry_years);
  std::sort(expiries.begin(), expiries.end());
  expiries.erase(std::unique(expiries.begin(), expiries.end()), expiries.end());
  double T = expiries.back();
  for (double e : expiries)
    if (e >= pos.horizon_years * (1.0 - 1e-9)) {
      T = e;
      break;
    }
  const double D = std::exp(-pos.rate * T);
  const double F = std::isnan(spec.chain_forward) ? S0 * std::exp(pos.rate * T) : spec.chain_forward;
  require(F > 0.0 && std::isfinite(F), "chain forward", "a finite number > 0", F);

  auto& by_strike = pr.by_strike;
  for (const auto& q : spec.quotes) {
    if (std::abs(q.expiry_years - T) > kSameExpiry) continue;  // per-quote snapshot times differ by seconds
    auto& slot = by_strike[q.strike];
    (q.type == OptionType::Put ? slot.first : slot.second) = &q;
  }
  // Vol of the risk-neutral density: the chain's IV at the strike nearest the forward, else --vol.
  double vol = pos.vol_annual, best = kInf;
  for (const auto& [K, pc] : by_strike)
    for (const options::OptionQuote* q : {pc.first, pc.second})
      if (q && std::isfinite(q->iv) && q->iv > 0.0 && std::abs(K - F) < best) {
        best = std::abs(K - F);
        vol = q->iv;
      }
  require(vol > 0.0, "vol", "> 0 (give --vol or a chain with implied vols)", vol);
  const double s = vol * std::sqrt(T);

  // LP in the option underlying's coordinates: P(S) = P0 (S/S0)^beta.
  pr.rep = risk::risk_report(pos);
  const auto& rep = pr.rep;
  pr.range = pos.range;
  pr.L = rep.liquidity;
  pr.P0 = P0;
  pr.S0 = S0;
  pr.beta = spec.beta;
  const double dPdS = spec.beta * P0 / S0, d2PdS2 = spec.beta * (spec.beta - 1.0) * P0 / (S0 * S0);
  const double lp_gamma_S = rep.gamma * dPdS * dPdS + rep.delta * d2PdS2;
  if (!(lp_gamma_S < 0.0))
    throw HedgeError(fmt::format(
        "the position has no short gamma at the current price {} (out of its range [{}, {}]): nothing to hedge",
        P0, pos.range.lower, pos.range.upper));

  if (by_strike.size() < 2) throw HedgeError(fmt::format("fewer than 2 strikes listed for expiry {:.4f} years", T));
  if (spec.beta == 1.0 && !pos.range.is_full()) {
    const double kmin = by_strike.begin()->first, kmax = by_strike.rbegin()->first;
    const double ulo = S0 * pos.range.lower / P0, uhi = S0 * pos.range.upper / P0;
    if (ulo < kmin || (std::isfinite(uhi) && uhi > kmax))
      throw HedgeError(fmt::format(
          "range [{}, {}] lies outside the listed strikes [{}, {}] for expiry {:.4f} years: the chain cannot replicate it",
          pos.range.lower, pos.range.upper, kmin, kmax, T));
  }

  // ---- scenarios --------------------------------------------------------------------------
  const std::size_t m = spec.n_scenarios;
  double zmax = std::max(spec.tail_sigma + 1.5, 4.5);
  const std::optional<options::SviParams> smile = fit_smile(spec, by_strike, F, T, s * zmax, pr.density);
  if (smile) {
    // A skewed smile has fatter wings than the ATM lognormal: widen the grid to zmax standard
    // deviations of each wing's own vol (fixed point of k = +-zmax sqrt(w(k)) - w(k)/2), so the
    // truncated mass stays negligible and E[S_T] = F holds on the grid.
    double half_width = s * zmax;
    for (double side : {-1.0, 1.0}) {
      double k = side * s * zmax;
      for (int it = 0; it < 30; ++it) {
        const double w = options::svi_total_variance(*smile, k);
        k = side * zmax * std::sqrt(w) - 0.5 * w;
      }
      half_width = std::max(half_width, std::abs(k));
    }
    zmax = std::min(half_width / s, 4.0 * zmax);
  }
  auto &Sj = pr.Sj, &pj = pr.pj, &ILj = pr.ILj;
  auto& tail = pr.tail;
  Sj.resize(m);
  pj.resize(m);
  ILj.resize(m);
  tail.resize(m);
  // Uniform grid in z = ln(S/F)/s on [-zmax, zmax], with the nodes nearest +-tail_sigma moved
  // onto it exactly so the tail constraint starts at the threshold; probabilities are the
  // density times each node's share of the axis (midpoint rule), normalised.
  std::vector<double> z(m);
  for (std::size_t j = 0; j < m; ++j) z[j] = -zmax + 2.0 * zmax * static_cast<double>(j) / static_cast<double>(m - 1);
  for (double k : {-spec.tail_sigma, spec.tail_sigma}) {
    const auto j = static_cast<std::size_t>(std::lround((k + zmax) / (2.0 * zmax) * static_cast<double>(m - 1)));
    z[j] = k;
  }
  double psum = 0;
  for (std::size_t j = 0; j < m; ++j) {
    Sj[j] = F * std::exp(s * z[j]);
    const double width = 0.5 * (z[std::min(j + 1, m - 1)] - z[j > 0 ? j - 1 : 0]);
    // Lognormal: ln(S/F)/s ~ N(-s/2, 1) under Q. Smile: the SVI density in k = s z (dk = s dz).
    pj[j] = smile ? svi_density(*smile, s * z[j]) * s * width : options::norm_pdf(z[j] + 0.5 * s) * width;
    psum += pj[j];
    ILj[j] = pr.il(Sj[j]);
    tail[j] = std::abs(z[j]) >= spec.tail_sigma - 1e-12;
  }
  require(psum > 0.0 && std::isfinite(psum), "scenario probability mass", "> 0", psum);
  for (auto& p : pj) p /= psum;
  pr.T = T;
  pr.D = D;
  pr.F = F;
  pr.vol = vol;
  pr.s = s;
  pr.zmax = zmax;
  pr.lp_gamma_S = lp_gamma_S;
  pr.before = {rep.delta * dPdS, lp_gamma_S, rep.vega_il};
  pr.gamma_cap = spec.max_hedge_ratio * std::abs(lp_gamma_S);
  return pr;
}
// The objective on a discrete residual distribution: E[R^2], or CVaR_beta of the loss -R
// (Rockafellar-Uryasev minimum over a, attained at a = VaR): the mean of the worst (1 - beta)
// probability mass of losses.
double risk_measure(const HedgeSpec& spec, const std::vector<double>& r, const std::vector<double>& p) {
  const std::size_t m = r.size();
  if (spec.objective == HedgeObjective::Variance) {
    double v = 0;
    for (std::size_t j = 0; j < m; ++j) v += p[j] * r[j] * r[j];
    return v;
  }
  std::vector<std::size_t> idx(m);
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return r[a] < r[b]; });  // worst first
  const double tailp = 1.0 - spec.cvar_level;
  double acc = 0, sum = 0;
  for (std::size_t k : idx) {
    const double take = std::min(p[k], tailp - acc);
    if (take <= 0) break;
    sum += take * (-r[k]);
    acc += take;
  }
  return sum / tailp;
}

}  // namespace

HedgeEvaluation evaluate_hedge(const HedgeSpec& spec, std::span<const HedgeLeg> legs) {
  const Prepared pr = prepare(spec);
  HedgeEvaluation ev;
  ev.gamma_cap = pr.gamma_cap;
  const std::size_t m = pr.Sj.size();
  std::vector<double> r(pr.ILj);
  for (const auto& l : legs) {
    require(std::abs(l.expiry_years - pr.T) <= kSameExpiry, "leg expiry (years)", "the hedge expiry", l.expiry_years);
    for (std::size_t j = 0; j < m; ++j) r[j] += l.quantity * (payoff(l.type, l.strike, pr.Sj[j]) - l.premium / pr.D);
    ev.premium += l.quantity * l.premium;
    ev.hedge_gamma += l.quantity * options::black76_greeks(l.type, pr.F, l.strike, pr.T, pr.vol, pr.D).gamma;
  }
  ev.objective = risk_measure(spec, r, pr.pj);
  ev.min_tail_residual = std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < m; ++j)
    if (pr.tail[j]) ev.min_tail_residual = std::min(ev.min_tail_residual, r[j]);
  return ev;
}

HedgeResult optimise_hedge(const HedgeSpec& spec) {
  const Prepared pr = prepare(spec);
  const auto& pos = spec.position;
  const auto& rep = pr.rep;
  const double T = pr.T, D = pr.D, F = pr.F, vol = pr.vol, s = pr.s, zmax = pr.zmax, S0 = pr.S0;
  const auto& by_strike = pr.by_strike;
  const auto &Sj = pr.Sj, &pj = pr.pj, &ILj = pr.ILj;
  const auto& tail = pr.tail;
  const std::size_t m = Sj.size();
  auto pair_price = [&](double S) { return pr.pair_price(S); };
  auto il = [&](double S) { return pr.il(S); };
  HedgeResult res;
  res.expiry_years = T;
  res.spot = S0;
  res.forward = F;
  res.vol = vol;
  res.density = pr.density;
  res.before = pr.before;
  res.fee_apr = pos.fee_apr;

  // ---- candidates (put-call parity picks the cheaper route) -----------------------------
  std::vector<Candidate> cand;
  for (const auto& [K, pc] : by_strike) {
    const options::OptionQuote* put = pc.first;
    const options::OptionQuote* call = pc.second;
    // Only the out-of-the-money payoff at each strike (puts below the forward, calls at or
    // above it), as in the Carr-Madan strip; the in-the-money option enters through parity.
    for (OptionType t : {K < F ? OptionType::Put : OptionType::Call}) {
      const options::OptionQuote* own = t == OptionType::Put ? put : call;
      const options::OptionQuote* other = t == OptionType::Put ? call : put;
      // Cheapest route (options::cheapest_long, Haug 2007 1.1.1): the option itself, or the
      // other type plus a forward struck at K (traded at F, no spread assumed on the forward).
      options::OptionQuote pq{}, cq{};
      pq.type = OptionType::Put;
      cq.type = OptionType::Call;
      pq.strike = cq.strike = K;
      pq.ask = put && has_price(put->ask) ? put->ask : risk::kNaN;
      cq.ask = call && has_price(call->ask) ? call->ask : risk::kNaN;
      if (!spec.use_parity) (t == OptionType::Put ? cq : pq).ask = risk::kNaN;
      if (std::isnan(pq.ask) && std::isnan(cq.ask)) continue;
      const auto route = options::cheapest_long(t, cq, pq, F, F, D);
      // Parity only when it saves more than rounding noise (parity-consistent quotes tie).
      const bool use_parity = route.route != "put" && route.route != "call" &&
                              !(std::isfinite(route.alternative) && route.saving <= 1e-9 * route.alternative);
      const double chosen_cost = use_parity ? route.cost : (std::isfinite(route.alternative) && route.route != "put" && route.route != "call" ? route.alternative : route.cost);
      if (!(chosen_cost > 0.0)) continue;  // a non-positive cost is a stale or crossed quote: skip it
      const double direct = use_parity ? route.alternative : chosen_cost;
      const double iv = [&] {
        const options::OptionQuote* q = own ? own : other;
        return std::isfinite(q->iv) && q->iv > 0.0 ? q->iv : vol;
      }();
      const auto g = options::black76_greeks(t, F, K, T, iv, D);
      cand.push_back({t, K, use_parity ? other : own, use_parity, chosen_cost,
                      std::isfinite(direct) ? direct : risk::kNaN, g.gamma, g.delta, g.vega});
    }
  }
  if (cand.empty()) throw HedgeError("no option in the chain has an ask price at the chosen expiry: nothing to buy");
  const std::size_t n = cand.size();

  // G[j][i]: payoff minus forward-valued cost of one unit of candidate i in scenario j.
  std::vector<std::vector<double>> G(m, std::vector<double>(n));
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t i = 0; i < n; ++i) G[j][i] = payoff(cand[i].payoff_type, cand[i].strike, Sj[j]) - cand[i].cost / D;
  std::vector<double> cost(n), gam(n);
  for (std::size_t i = 0; i < n; ++i) {
    cost[i] = cand[i].cost;
    gam[i] = cand[i].gamma;
  }
  const double gamma_cap = pr.gamma_cap;
  // The position's value (from capital or from liquidity: pos.capital is NaN when the position
  // is given by its liquidity, which once made every bound NaN and CLP abort).
  const double capital = rep.value;
  const double qmax = 50.0 * capital / S0 * std::max(1.0, spec.beta);  // 50x the notional: never binding in practice

  auto base_lp = [&](std::size_t extra_cols) {
    DenseLp lp;
    lp.ncols = n + extra_cols;
    lp.col_lo.assign(lp.ncols, 0.0);
    lp.col_hi.assign(lp.ncols, kInf);
    std::fill(lp.col_hi.begin(), lp.col_hi.begin() + static_cast<std::ptrdiff_t>(n), qmax);
    lp.obj.assign(lp.ncols, 0.0);
    std::vector<double> grow(lp.ncols, 0.0);
    std::copy(gam.begin(), gam.end(), grow.begin());
    lp.add_row(grow, -kInf, gamma_cap);
    for (std::size_t j = 0; j < m; ++j) {
      if (!tail[j]) continue;
      std::vector<double> row(lp.ncols, 0.0);
      std::copy(G[j].begin(), G[j].end(), row.begin());
      lp.add_row(row, -ILj[j], kInf);
    }
    return lp;
  };

  // ---- minimum feasible budget (LP) -------------------------------------------------------
  std::vector<double> q0;
  {
    DenseLp lp = base_lp(0);
    std::copy(cost.begin(), cost.end(), lp.obj.begin());
    double minc = 0;
    if (!solve_lp(lp, q0, minc))
      throw HedgeError(fmt::format(
          "tail coverage beyond {} sigma is infeasible with the listed strikes under max hedge ratio {} "
          "(lower --tail-sigma, raise --max-hedge-ratio, or use a chain with more strikes)",
          spec.tail_sigma, spec.max_hedge_ratio));
    res.min_feasible_budget = minc;
    if (spec.budget < minc * (1.0 - 1e-9))
      throw HedgeError(fmt::format(
          "premium budget {:.2f} is infeasible: the minimum feasible budget for tail coverage beyond {} sigma "
          "(max hedge ratio {}) is {:.2f} ({:.3f}% of capital)",
          spec.budget, spec.tail_sigma, spec.max_hedge_ratio, minc, 100 * minc / capital));
  }

  // ---- objective ----------------------------------------------------------------------------
  auto residuals = [&](const std::vector<double>& q, std::vector<double>& r) {
    r.resize(m);
    for (std::size_t j = 0; j < m; ++j) r[j] = ILj[j] + std::inner_product(G[j].begin(), G[j].end(), q.begin(), 0.0);
  };
  auto objective_of = [&](const std::vector<double>& q) {
    std::vector<double> r;
    residuals(q, r);
    return risk_measure(spec, r, pj);
  };

  std::vector<double> q = q0;
  if (spec.objective == HedgeObjective::CVaR) {
    DenseLp lp = base_lp(1 + m);  // columns: q (n), a (free), z (m) >= 0
    lp.col_lo[n] = -kInf;
    lp.obj[n] = 1.0;
    for (std::size_t j = 0; j < m; ++j) lp.obj[n + 1 + j] = pj[j] / (1.0 - spec.cvar_level);
    for (std::size_t j = 0; j < m; ++j) {  // z_j + a + G_j q >= -IL_j
      std::vector<double> row(lp.ncols, 0.0);
      std::copy(G[j].begin(), G[j].end(), row.begin());
      row[n] = 1.0;
      row[n + 1 + j] = 1.0;
      lp.add_row(row, -ILj[j], kInf);
    }
    if (std::isfinite(spec.budget)) {
      std::vector<double> row(lp.ncols, 0.0);
      std::copy(cost.begin(), cost.end(), row.begin());
      lp.add_row(row, -kInf, spec.budget);
    }
    std::vector<double> x;
    double obj = 0;
    if (!solve_lp(lp, x, obj)) throw HedgeError("CVaR linear program did not solve (CLP)");
    q.assign(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n));
  } else {
    // Variance: the convex QP  min q'(G'PG)q + 2 (G'P IL)'q  by CLP's quadratic primal simplex;
    // if CLP does not prove optimality, NLopt SLSQP from the feasible min-cost point.
    DenseLp lp = base_lp(0);
    std::vector<std::vector<double>> Q(n, std::vector<double>(n, 0.0));
    for (std::size_t j = 0; j < m; ++j)
      for (std::size_t i = 0; i < n; ++i) {
        const double pg = 2.0 * pj[j] * G[j][i];
        lp.obj[i] += pg * ILj[j];
        for (std::size_t k = i; k < n; ++k) Q[i][k] += pg * G[j][k];
      }
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < i; ++k) Q[i][k] = Q[k][i];
    if (std::isfinite(spec.budget)) lp.add_row(cost, -kInf, spec.budget);
    std::vector<double> xq;
    double oq = 0;
    if (solve_qp(lp, Q, xq, oq)) {
      q = xq;
    } else {
      const double sc = 1.0 / capital;
      nlopt::opt opt(nlopt::LD_SLSQP, static_cast<unsigned>(n));
      opt.set_lower_bounds(std::vector<double>(n, 0.0));
      opt.set_upper_bounds(std::vector<double>(n, qmax));
      struct Ctx {
        const std::vector<std::vector<double>>* G;
        const std::vector<double>*IL, *p, *cost, *gam;
        std::vector<char> const* tail;
        std::size_t m, n;
        double sc, budget, cap;
      } ctx{&G, &ILj, &pj, &cost, &gam, &tail, m, n, sc, spec.budget, gamma_cap};
      opt.set_min_objective(
          [](unsigned, const double* x, double* grad, void* data) {
            const auto& c = *static_cast<Ctx*>(data);
            double f = 0;
            if (grad) std::fill(grad, grad + c.n, 0.0);
            for (std::size_t j = 0; j < c.m; ++j) {
              const auto& g = (*c.G)[j];
              double r = (*c.IL)[j];
              for (std::size_t i = 0; i < c.n; ++i) r += g[i] * x[i];
              r *= c.sc;
              f += (*c.p)[j] * r * r;
              if (grad)
                for (std::size_t i = 0; i < c.n; ++i) grad[i] += 2.0 * (*c.p)[j] * r * g[i] * c.sc;
            }
            return f;
          },
          &ctx);
      const double tol = 1e-9;
      if (std::isfinite(spec.budget))
        opt.add_inequality_constraint(
            [](unsigned, const double* x, double* grad, void* data) {
              const auto& c = *static_cast<Ctx*>(data);
              double v = -c.budget;
              for (std::size_t i = 0; i < c.n; ++i) {
                v += (*c.cost)[i] * x[i];
                if (grad) grad[i] = (*c.cost)[i] * c.sc;
              }
              return v * c.sc;
            },
            &ctx, tol);
      opt.add_inequality_constraint(
          [](unsigned, const double* x, double* grad, void* data) {
            const auto& c = *static_cast<Ctx*>(data);
            double v = -c.cap, norm = c.cap > 0 ? 1.0 / c.cap : 1.0;
            for (std::size_t i = 0; i < c.n; ++i) {
              v += (*c.gam)[i] * x[i];
              if (grad) grad[i] = (*c.gam)[i] * norm;
            }
            return v * norm;
          },
          &ctx, tol);
      std::vector<std::size_t> tail_idx;
      for (std::size_t j = 0; j < m; ++j)
        if (tail[j]) tail_idx.push_back(j);
      struct TailCtx {
        Ctx* c;
        std::vector<std::size_t> idx;
      } tctx{&ctx, tail_idx};
      if (!tail_idx.empty())
        opt.add_inequality_mconstraint(
            [](unsigned mm, double* result, unsigned, const double* x, double* grad, void* data) {
              const auto& t = *static_cast<TailCtx*>(data);
              const auto& c = *t.c;
              for (unsigned k = 0; k < mm; ++k) {  // -(IL_j + G_j q) <= 0
                const auto& g = (*c.G)[t.idx[k]];
                double r = (*c.IL)[t.idx[k]];
                for (std::size_t i = 0; i < c.n; ++i) r += g[i] * x[i];
                result[k] = -r * c.sc;
                if (grad)
                  for (std::size_t i = 0; i < c.n; ++i) grad[k * c.n + i] = -g[i] * c.sc;
              }
            },
            &tctx, std::vector<double>(tail_idx.size(), tol));
      opt.set_ftol_rel(1e-12);
      opt.set_xtol_rel(1e-9);
      opt.set_maxeval(2000);
      std::vector<double> x = q0;
      double fval = 0;
      try {
        opt.optimize(x, fval);
      } catch (const nlopt::roundoff_limited&) {
        // SLSQP hit machine precision: x is the best point found.
      } catch (const std::exception& e) {
        throw HedgeError(std::string("variance QP did not solve (NLopt SLSQP): ") + e.what());
      }
      for (auto& v : x) v = std::clamp(v, 0.0, qmax);
      q = x;
    }
  }
  for (auto& v : q)
    if (v < 1e-12 * qmax) v = 0.0;

  // ---- contract sizes -------------------------------------------------------------------------
  auto premium_of = [&](const std::vector<double>& x) { return std::inner_product(cost.begin(), cost.end(), x.begin(), 0.0); };
  auto gamma_of = [&](const std::vector<double>& x) { return std::inner_product(gam.begin(), gam.end(), x.begin(), 0.0); };
  auto min_tail = [&](const std::vector<double>& x) {
    std::vector<double> r;
    residuals(x, r);
    double w = kInf;
    for (std::size_t j = 0; j < m; ++j)
      if (tail[j]) w = std::min(w, r[j]);
    return w;
  };
  const double slack = 1e-9 * capital;
  auto hard_ok = [&](const std::vector<double>& x) {
    return premium_of(x) <= spec.budget + slack && gamma_of(x) <= gamma_cap * (1 + 1e-9) + 1e-15;
  };
  if (spec.lot_size > 0.0) {
    // Rule: round each quantity to the nearest lot; while the budget or the hedge-ratio cap is
    // broken, take one lot off the leg rounded up the most (relative to its continuous value);
    // then, while tail coverage fails, add one lot to the leg that most reduces the total tail
    // shortfall sum_j max(0, -R_j) and still keeps budget and cap. Constraints are re-checked after every step.
    const double lot = spec.lot_size;
    const std::vector<double> qc = q;
    for (auto& v : q) v = std::round(v / lot) * lot;
    while (!hard_ok(q)) {
      std::size_t pick = n;
      double worst = -kInf;
      for (std::size_t i = 0; i < n; ++i)
        if (q[i] >= lot && q[i] - qc[i] > worst) {
          worst = q[i] - qc[i];
          pick = i;
        }
      if (pick == n) break;
      q[pick] -= lot;
    }
    auto shortfall = [&](const std::vector<double>& x) {
      std::vector<double> r;
      residuals(x, r);
      double sum = 0;
      for (std::size_t j = 0; j < m; ++j)
        if (tail[j]) sum += std::max(0.0, -r[j]);
      return sum;
    };
    int guard = 0;
    for (double sf = shortfall(q); sf > slack && guard++ < 10000;) {
      std::size_t pick = n;
      double best_sf = sf;
      for (std::size_t i = 0; i < n; ++i) {
        q[i] += lot;
        if (hard_ok(q)) {
          const double t = shortfall(q);
          if (t < best_sf) {
            best_sf = t;
            pick = i;
          }
        }
        q[i] -= lot;
      }
      if (pick == n) break;
      q[pick] += lot;
      sf = best_sf;
    }
    res.rounding_note = fmt::format("quantities rounded to lots of {} (nearest, then repaired: see docs/risk-hedge.md)", lot);
  }
  res.tail_covered = min_tail(q) >= -std::max(slack, 1e-7 * capital);
  if (spec.lot_size == 0.0 && !res.tail_covered)
    res.rounding_note = "solver returned a point slightly violating tail coverage";

  // ---- report -------------------------------------------------------------------------------
  res.after = res.before;
  for (std::size_t i = 0; i < n; ++i) {
    if (q[i] <= 0.0) continue;
    const auto& c = cand[i];
    HedgeLegReport lr;
    lr.leg = {c.traded->instrument, c.traded->type, c.strike, T, q[i], c.traded->ask};
    lr.payoff = fmt::format("{} {}", c.payoff_type == OptionType::Put ? "put" : "call", c.strike);
    lr.via_parity = c.via_parity;
    lr.effective_cost = c.cost;
    lr.parity_saving = std::isnan(c.direct_cost) ? 0.0 : c.direct_cost - c.cost;
    res.legs.push_back(lr);
    res.total_premium += q[i] * c.traded->ask;
    res.total_cost += q[i] * c.cost;
    res.parity_saving += q[i] * lr.parity_saving;
    // Parity: put = call - forward (short q forwards); call = put + forward (long q forwards).
    if (c.via_parity) res.forward_quantity += c.payoff_type == OptionType::Put ? -q[i] : q[i];
    res.after.delta += q[i] * c.delta;
    res.after.gamma += q[i] * c.gamma;
    res.after.vega += q[i] * c.vega;
  }
  res.after.delta += D * res.forward_quantity;  // a forward bought today at F: d/dF of D (F_T - F) ... = D
  res.cost_pct_capital = res.total_cost / capital;
  res.cost_annualised_pct = res.cost_pct_capital / T;
  res.objective_value = objective_of(q);
  res.objective_unhedged = objective_of(std::vector<double>(n, 0.0));

  auto hedge_pnl = [&](double S) {
    double v = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (q[i] > 0) v += q[i] * (payoff(cand[i].payoff_type, cand[i].strike, S) - cand[i].cost / D);
    return v;
  };
  std::vector<double> ks{-3, -2, -1, 0, 1, 2, 3};
  for (double k : {-spec.tail_sigma, spec.tail_sigma})
    if (std::find(ks.begin(), ks.end(), k) == ks.end()) ks.push_back(k);
  std::sort(ks.begin(), ks.end());
  for (double k : ks) {
    const double S = F * std::exp(k * s);
    ResidualRow row{k, S, pair_price(S), il(S), hedge_pnl(S), 0.0};
    row.residual = row.lp_minus_hodl + row.hedge_pnl;
    res.residuals.push_back(row);
  }
  // Break-evens of the hedged position including the fees expected over the horizon.
  const double fees = rep.fee_income_annual * T;
  auto pnl = [&](double S) { return il(S) + hedge_pnl(S) + fees; };
  const std::size_t grid = 4000;
  double zprev = -zmax, fprev = pnl(F * std::exp(s * zprev));
  for (std::size_t g = 1; g <= grid; ++g) {
    const double z = -zmax + 2.0 * zmax * static_cast<double>(g) / grid;
    const double fz = pnl(F * std::exp(s * z));
    if ((fprev < 0) != (fz < 0)) {
      double a = zprev, b = z, fa = fprev;
      for (int it = 0; it < 80; ++it) {  // bisection on a bracketed sign change
        const double c = 0.5 * (a + b), fc = pnl(F * std::exp(s * c));
        if ((fc < 0) == (fa < 0)) {
          a = c;
          fa = fc;
        } else {
          b = c;
        }
      }
      res.break_even_prices.push_back(F * std::exp(s * 0.5 * (a + b)));
    }
    zprev = z;
    fprev = fz;
  }
  return res;
}

ScenarioDistribution hedge_scenarios(const HedgeSpec& spec) {
  const Prepared pr = prepare(spec);
  return {pr.Sj, pr.pj, pr.F, pr.T, pr.density};
}

}  // namespace alvh::hedge
