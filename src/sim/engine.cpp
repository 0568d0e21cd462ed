#include "alvh/sim/engine.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>
#include <type_traits>

#include "alvh/core/error.hpp"
#include "alvh/options/black.hpp"
#include "alvh/sim/normal.hpp"
#include "alvh/sim/philox.hpp"
#include "alvh/sim/simd_kernels.hpp"

namespace alvh::sim {

double HedgeSpec::net_premium() const {
  double s = 0.0;
  for (const auto& l : legs) s += l.quantity * l.premium;
  return s;
}

double leg_payoff(const StaticHedgeLeg& leg, double price) {
  const double intrinsic = leg.kind == OptionKind::Call ? std::max(price - leg.strike, 0.0)
                                                        : std::max(leg.strike - price, 0.0);
  return leg.quantity * intrinsic;
}

namespace {

// Random streams of one path (the `stream` word of the Philox counter).
constexpr std::uint32_t kStreamDiffusion = 0;  // Z for the log price
constexpr std::uint32_t kStreamAux1 = 1;       // Heston Z2 / Merton jump-count U / regime U / bootstrap restart U
constexpr std::uint32_t kStreamAux2 = 2;       // Merton jump-size Z / bootstrap start-index U
constexpr std::uint32_t kStreamEventBase = 16;  // event e uses stream 16 + e, block 0
constexpr int kLanes = 4;                       // Philox-4x32 gives 4 draws per call: 4 steps per block

enum class Draw { None, Normal, Uniform };

// What each model draws on streams 0, 1, 2.
template <class M>
constexpr std::array<Draw, 3> draws() {
  if constexpr (std::is_same_v<M, GbmModel>) return {Draw::Normal, Draw::None, Draw::None};
  else if constexpr (std::is_same_v<M, MertonModel>) return {Draw::Normal, Draw::Uniform, Draw::Normal};
  else if constexpr (std::is_same_v<M, HestonModel>) return {Draw::Normal, Draw::Normal, Draw::None};
  else if constexpr (std::is_same_v<M, RegimeModel>) return {Draw::Normal, Draw::Uniform, Draw::None};
  else return {Draw::None, Draw::Uniform, Draw::Uniform};
}

struct Context {
  bool simd = true;
  NormalMethod normals = NormalMethod::Fast;
  std::uint64_t paths = 0;
  int steps = 0;
  double dt = 0.0, sqrt_dt = 0.0, t_years = 0.0;
  PhiloxKey key{};
  // position (per unit of nothing: already scaled by L)
  double L = 0.0, pa = 0.0, pb = 0.0, sa = 0.0, sb = 0.0, inv_sb = 0.0, x0 = 0.0, y0 = 0.0;
  double log_p0 = 0.0, fee_dt = 0.0;
  // hedge
  std::vector<StaticHedgeLeg> legs;
  std::vector<int> leg_step;  // step after which the leg expires; -1 if alive at the horizon
  HedgeMarking marking = HedgeMarking::Black76;
  double mark_vol = 0.0, net_premium = 0.0;
  // events
  std::vector<ScheduledEvent> events;
  std::vector<int> event_step;
  std::vector<std::uint8_t> step_has_extra;  // 1 if an event or a leg expiry falls in the step
  // regime: cumulative rows of exp(Q dt)
  std::vector<double> regime_cum;
  int regime_n = 0;
  // bootstrap: returns rescaled to dt
  std::vector<double> boot_returns;
  double boot_var = 0.0;  // annualised variance of the historical returns
};

struct Scratch {
  std::vector<double> logp, var, fees, lvr, cash, in_range;
  std::vector<std::int32_t> state;
  std::array<std::array<std::vector<double>, kLanes>, 3> rnd;
  explicit Scratch(std::size_t c) {
    for (auto* v : {&logp, &var, &fees, &lvr, &cash, &in_range}) v->assign(c, 0.0);
    state.assign(c, 0);
    for (auto& s : rnd)
      for (auto& l : s) l.assign(c, 0.0);
  }
};

// Scheduled events of step j (in calendar order), then the legs expiring at its end, for one path.
void apply_step_extras(const Context& cx, int j, std::uint64_t path, double& logp, double& cash) {
  for (std::size_t e = 0; e < cx.events.size(); ++e) {
    if (cx.event_step[e] != j) continue;
    const auto& ev = cx.events[e];
    const auto r = philox4x32(philox_counter(path, kStreamEventBase + static_cast<std::uint32_t>(e), 0), cx.key);
    if (uniform_open(r[0]) < ev.probability) logp += ev.jump_mean + ev.jump_stdev * inverse_normal_cdf(uniform_open(r[1]));
  }
  for (std::size_t k = 0; k < cx.legs.size(); ++k)
    if (cx.leg_step[k] == j) cash += leg_payoff(cx.legs[k], std::exp(logp));
}

// Horizon: values, hedge marks, per-path outputs.
void finish_chunk(const Context& cx, const Scratch& sc, std::uint64_t first, std::size_t count, PathOutcomes& out) {
  const double L = cx.L, sa = cx.sa, sb = cx.sb, inv_sb = cx.inv_sb;
  const double* logp = sc.logp.data();
  const double* fees = sc.fees.data();
  const double* lvr = sc.lvr.data();
  const double* cash = sc.cash.data();
  const double* in_range = sc.in_range.data();
  for (std::size_t i = 0; i < count; ++i) {
    const auto g = static_cast<std::size_t>(first + i);
    const double p = std::exp(logp[i]);
    const double s = std::clamp(std::sqrt(p), sa, sb);
    const double v = L * (s - sa) + L * (1.0 / s - inv_sb) * p;
    const double hodl = cx.x0 * p + cx.y0;
    double marks = 0.0;
    for (std::size_t k = 0; k < cx.legs.size(); ++k) {
      if (cx.leg_step[k] >= 0) continue;
      const auto& leg = cx.legs[k];
      if (cx.marking == HedgeMarking::Intrinsic) {
        marks += leg_payoff(leg, p);
      } else {
        const auto type = leg.kind == OptionKind::Call ? options::OptionType::Call : options::OptionType::Put;
        marks += leg.quantity * options::black76_price(type, p, leg.strike, leg.expiry_years - cx.t_years, cx.mark_vol);
      }
    }
    out.terminal_price[g] = p;
    out.hodl[g] = hodl;
    out.lp[g] = v + fees[i];
    out.lp_hedged[g] = v + fees[i] + cash[i] + marks - cx.net_premium;
    out.fees[g] = fees[i];
    out.lvr[g] = lvr[i];
    out.il[g] = v / hodl - 1.0;
    out.time_in_range[g] = in_range[i] / static_cast<double>(cx.steps);
  }
}

struct SimdHook {
  const Context* cx;
  double* cash;
  std::size_t count;
  static void call(void* self, int j, std::uint64_t first_lane_path, std::size_t local_base, double* logp,
                   std::size_t lanes) {
    const auto& h = *static_cast<SimdHook*>(self);
    for (std::size_t k = 0; k < lanes; ++k) {
      double cash = 0.0;  // lanes past the chunk end are real paths of no interest: computed, not stored
      apply_step_extras(*h.cx, j, first_lane_path + k, logp[k], cash);
      if (local_base + k < h.count) h.cash[local_base + k] += cash;
    }
  }
};

template <class M>
void run_chunk(const M& m, const Context& cx, Scratch& sc, std::uint64_t first, std::size_t count, PathOutcomes& out) {
  constexpr auto kDraws = draws<M>();
  double* __restrict logp = sc.logp.data();
  double* __restrict var = sc.var.data();
  double* __restrict fees = sc.fees.data();
  double* __restrict lvr = sc.lvr.data();
  double* __restrict cash = sc.cash.data();
  std::int32_t* __restrict state = sc.state.data();
  double* __restrict in_range = sc.in_range.data();
  const double dt = cx.dt, sqdt = cx.sqrt_dt;

  double var0 = 0.0;
  if constexpr (std::is_same_v<M, GbmModel> || std::is_same_v<M, MertonModel>) var0 = m.vol * m.vol;
  else if constexpr (std::is_same_v<M, HestonModel>) var0 = m.v0;
  else if constexpr (std::is_same_v<M, RegimeModel>) var0 = m.vols[static_cast<std::size_t>(m.initial_state)] * m.vols[static_cast<std::size_t>(m.initial_state)];
  else var0 = cx.boot_var;
  std::int32_t state0 = 0;
  if constexpr (std::is_same_v<M, RegimeModel>) state0 = m.initial_state;
  for (std::size_t i = 0; i < count; ++i) {
    logp[i] = cx.log_p0;
    var[i] = var0;
    fees[i] = lvr[i] = cash[i] = 0.0;
    state[i] = state0;
    in_range[i] = 0.0;
  }

  if constexpr (std::is_same_v<M, GbmModel>) {
    if (cx.simd) {
      SimdHook hook{&cx, cash, count};
      simd::GbmLpParams p;
      p.first_path = first;
      p.count = count;
      p.steps = cx.steps;
      p.key = cx.key;
      p.log_p0 = cx.log_p0;
      p.drift_dt = (m.drift - 0.5 * m.vol * m.vol) * dt;
      p.vol_sqdt = m.vol * sqdt;
      p.L = cx.L;
      p.pa = cx.pa;
      p.pb = cx.pb;
      p.sa = cx.sa;
      p.sb = cx.sb;
      p.inv_sb = cx.inv_sb;
      p.fee_dt = cx.fee_dt;
      p.lvr_dt = 0.25 * cx.L * dt * m.vol * m.vol;
      p.step_has_extra = cx.step_has_extra.data();
      p.extra = &SimdHook::call;
      p.extra_ctx = &hook;
      p.normals = cx.normals;
      simd::gbm_lp_paths(p, {logp, fees, lvr, in_range});
      finish_chunk(cx, sc, first, count, out);
      return;
    }
  }
  // Model constants, hoisted out of the step loop.
  double drift_dt = 0.0, vol_sqdt = 0.0;
  if constexpr (std::is_same_v<M, GbmModel>) {
    drift_dt = (m.drift - 0.5 * m.vol * m.vol) * dt;
    vol_sqdt = m.vol * sqdt;
  }
  double lam_dt = 0.0, exp_mlam = 0.0;
  if constexpr (std::is_same_v<M, MertonModel>) {
    const double k = std::exp(m.jump_mean + 0.5 * m.jump_stdev * m.jump_stdev) - 1.0;
    drift_dt = (m.drift - m.jump_intensity * k - 0.5 * m.vol * m.vol) * dt;
    vol_sqdt = m.vol * sqdt;
    lam_dt = m.jump_intensity * dt;
    exp_mlam = std::exp(-lam_dt);
  }
  double rho_bar = 0.0;
  if constexpr (std::is_same_v<M, HestonModel>) rho_bar = std::sqrt(std::max(0.0, 1.0 - m.rho * m.rho));
  const auto boot_n = static_cast<std::int64_t>(cx.boot_returns.size());
  double restart_p = 0.0;
  if constexpr (std::is_same_v<M, BootstrapModel>) restart_p = 1.0 / m.mean_block;

  const double L = cx.L, pa = cx.pa, pb = cx.pb, sa = cx.sa, sb = cx.sb, inv_sb = cx.inv_sb, fee_dt = cx.fee_dt;
  const double lvr_k = 0.25 * L * dt;
  const int blocks = (cx.steps + kLanes - 1) / kLanes;
  for (int b = 0; b < blocks; ++b) {
    // Draws for 4 steps of every path of the chunk (SoA buffers).
    for (std::uint32_t s = 0; s < 3; ++s) {
      if (kDraws[s] == Draw::None) continue;
      const bool normal = kDraws[s] == Draw::Normal;
      auto& o = sc.rnd[s];
      // Fast normals exist only as the SIMD generator; exact normals and uniforms have a scalar
      // twin (simd = false) that the tests compare against.
      if (normal && (cx.simd || cx.normals == NormalMethod::Fast)) {
        simd::philox_normals(first, count, s, static_cast<std::uint32_t>(b), cx.key, cx.normals, o[0].data(),
                             o[1].data(), o[2].data(), o[3].data());
        continue;
      }
      if (!normal && cx.simd) {
        simd::philox_uniforms(first, count, s, static_cast<std::uint32_t>(b), cx.key, o[0].data(), o[1].data(),
                              o[2].data(), o[3].data());
        continue;
      }
      for (std::size_t i = 0; i < count; ++i) {
        const auto r = philox4x32(philox_counter(first + i, s, static_cast<std::uint32_t>(b)), cx.key);
        for (int l = 0; l < kLanes; ++l) {
          const double u = uniform_open(r[static_cast<std::size_t>(l)]);
          sc.rnd[s][static_cast<std::size_t>(l)][i] = normal ? inverse_normal_cdf(u) : u;
        }
      }
    }
    for (int lane = 0; lane < kLanes; ++lane) {
      const int j = b * kLanes + lane;
      if (j >= cx.steps) break;
      const auto ul = static_cast<std::size_t>(lane);
      const double* __restrict z0 = sc.rnd[0][ul].data();
      const double* __restrict r1 = sc.rnd[1][ul].data();
      const double* __restrict r2 = sc.rnd[2][ul].data();
      // Accrual over [t_j, t_j + dt] at the left point: fees and LVR while in range.
      for (std::size_t i = 0; i < count; ++i) {
        const double sp = std::exp(0.5 * logp[i]);  // sqrt(P)
        const double p = sp * sp;
        const bool inr = p > pa && p < pb;
        const double s = std::clamp(sp, sa, sb);
        const double v = L * (s - sa) + L * (1.0 / s - inv_sb) * p;  // x P + y (whitepaper 6.29-6.30)
        fees[i] += inr ? fee_dt * v : 0.0;
        lvr[i] += inr ? lvr_k * std::max(var[i], 0.0) * sp : 0.0;  // sigma^2 L sqrt(P)/4 dt
        in_range[i] += inr ? 1.0 : 0.0;
      }
      // Model step.
      if constexpr (std::is_same_v<M, GbmModel>) {
        for (std::size_t i = 0; i < count; ++i) logp[i] += drift_dt + vol_sqdt * z0[i];
      } else if constexpr (std::is_same_v<M, MertonModel>) {
        for (std::size_t i = 0; i < count; ++i) {
          // N ~ Poisson(lambda dt) by sequential inversion of U (Devroye 1986, X.3).
          int n = 0;
          double pk = exp_mlam, cdf = exp_mlam;
          while (r1[i] > cdf && n < 200) {
            ++n;
            pk *= lam_dt / n;
            cdf += pk;
          }
          const double dn = static_cast<double>(n);
          logp[i] += drift_dt + vol_sqdt * z0[i] + dn * m.jump_mean + std::sqrt(dn) * m.jump_stdev * r2[i];
        }
      } else if constexpr (std::is_same_v<M, HestonModel>) {
        // Full truncation Euler (Lord et al. 2010): v+ = max(v, 0) in drift and diffusion.
        for (std::size_t i = 0; i < count; ++i) {
          const double vp = std::max(var[i], 0.0);
          const double sv = std::sqrt(vp) * sqdt;
          logp[i] += (m.drift - 0.5 * vp) * dt + sv * z0[i];
          var[i] += m.kappa * (m.theta - vp) * dt + m.vol_of_vol * sv * (m.rho * z0[i] + rho_bar * r1[i]);
        }
      } else if constexpr (std::is_same_v<M, RegimeModel>) {
        const auto n = static_cast<std::size_t>(cx.regime_n);
        for (std::size_t i = 0; i < count; ++i) {
          const double vol = m.vols[static_cast<std::size_t>(state[i])];
          logp[i] += (m.drift - 0.5 * vol * vol) * dt + vol * sqdt * z0[i];
          const double* row = cx.regime_cum.data() + static_cast<std::size_t>(state[i]) * n;
          std::size_t k = 0;
          while (k + 1 < n && r1[i] > row[k]) ++k;
          state[i] = static_cast<std::int32_t>(k);
          const double nv = m.vols[k];
          var[i] = nv * nv;
        }
      } else {
        for (std::size_t i = 0; i < count; ++i) {
          std::int64_t idx = state[i];
          if (j == 0 || r1[i] < restart_p)
            idx = std::min<std::int64_t>(static_cast<std::int64_t>(r2[i] * static_cast<double>(boot_n)), boot_n - 1);
          else
            idx = idx + 1 == boot_n ? 0 : idx + 1;
          state[i] = static_cast<std::int32_t>(idx);
          logp[i] += cx.boot_returns[static_cast<std::size_t>(idx)];
        }
      }
      if (cx.step_has_extra[static_cast<std::size_t>(j)])
        for (std::size_t i = 0; i < count; ++i) apply_step_extras(cx, j, first + i, logp[i], cash[i]);
    }
  }
  (void)kStreamDiffusion;
  (void)kStreamAux1;
  (void)kStreamAux2;

  finish_chunk(cx, sc, first, count, out);
}

}  // namespace

SimulationResult simulate(const PriceModel& model, const PositionSpec& pos, const HedgeSpec& hedge,
                          const SimulationSpec& spec, const ProgressFn& progress) {
  require(spec.paths > 0, "number of paths (--paths)", "at least 1", static_cast<double>(spec.paths));
  require(spec.steps > 0, "number of steps (--steps)", "at least 1", spec.steps);
  require(spec.t_years > 0.0 && std::isfinite(spec.t_years), "horizon (--t-years)", "a finite number > 0", spec.t_years);
  require(spec.threads >= 0, "threads (--threads)", "a number >= 0 (0 = all cores)", spec.threads);
  require(spec.chunk_size > 0, "chunk size", "at least 1", static_cast<double>(spec.chunk_size));
  require(spec.paths < (std::uint64_t{1} << 40), "number of paths (--paths)", "below 2^40", static_cast<double>(spec.paths));
  require(pos.fee_apr >= 0.0 && std::isfinite(pos.fee_apr), "fee APR (--fee-apr)", "a finite number >= 0", pos.fee_apr);
  require(pos.price > 0.0 && std::isfinite(pos.price), "price (--price)", "a finite number > 0", pos.price);
  validate(model);
  require(spec.events.size() < 1000, "number of scheduled events", "below 1000", static_cast<double>(spec.events.size()));
  for (const auto& e : spec.events) validate(e);
  for (const auto& l : hedge.legs) {
    require(l.strike > 0.0 && std::isfinite(l.strike), "hedge leg strike", "a finite number > 0", l.strike);
    require(l.expiry_years > 0.0 && std::isfinite(l.expiry_years), "hedge leg expiry_years", "a finite number > 0",
            l.expiry_years);
    require(std::isfinite(l.quantity), "hedge leg quantity", "a finite number", l.quantity);
    require(std::isfinite(l.premium) && l.premium >= 0.0, "hedge leg premium", "a finite number >= 0", l.premium);
  }

  Context cx;
  cx.simd = spec.simd;
  cx.normals = spec.normals;
  cx.paths = spec.paths;
  cx.steps = spec.steps;
  cx.t_years = spec.t_years;
  cx.dt = spec.t_years / spec.steps;
  cx.sqrt_dt = std::sqrt(cx.dt);
  cx.key = philox_key(spec.seed);
  cx.L = amm::liquidity_for_capital(pos.range, pos.capital, pos.price);  // validates range and capital
  const auto a0 = amm::amounts_for_liquidity(pos.range, cx.L, pos.price);
  cx.x0 = a0.amount0;
  cx.y0 = a0.amount1;
  cx.pa = pos.range.lower;
  cx.pb = pos.range.upper;
  cx.sa = std::sqrt(pos.range.lower);
  cx.sb = std::sqrt(pos.range.upper);
  cx.inv_sb = std::isinf(pos.range.upper) ? 0.0 : 1.0 / cx.sb;
  cx.log_p0 = std::log(pos.price);
  cx.fee_dt = pos.fee_apr * cx.dt;

  // Grid step (k dt, (k+1) dt] containing time t, clamped to the horizon.
  auto step_of = [&](double t) {
    const double k = std::ceil(t / cx.dt - 1e-9) - 1.0;
    return static_cast<int>(std::clamp(k, 0.0, static_cast<double>(spec.steps - 1)));
  };
  cx.step_has_extra.assign(static_cast<std::size_t>(spec.steps), 0);
  cx.legs = hedge.legs;
  cx.marking = hedge.marking;
  cx.mark_vol = hedge.mark_vol;
  cx.net_premium = hedge.net_premium();
  for (const auto& l : hedge.legs) {
    const bool expires = l.expiry_years <= spec.t_years * (1.0 + 1e-12);
    cx.leg_step.push_back(expires ? step_of(l.expiry_years) : -1);
    if (expires) cx.step_has_extra[static_cast<std::size_t>(cx.leg_step.back())] = 1;
  }
  if (hedge.marking == HedgeMarking::Black76 && std::any_of(cx.leg_step.begin(), cx.leg_step.end(), [](int k) { return k < 0; }))
    require(hedge.mark_vol > 0.0 && std::isfinite(hedge.mark_vol), "hedge marking vol", "a finite number > 0",
            hedge.mark_vol);
  for (const auto& e : spec.events) {
    require(e.t_years <= spec.t_years * (1.0 + 1e-12), "event t_years", "within the horizon (--t-years)", e.t_years);
    cx.events.push_back(e);
    cx.event_step.push_back(step_of(e.t_years));
    cx.step_has_extra[static_cast<std::size_t>(cx.event_step.back())] = 1;
  }
  if (const auto* r = std::get_if<RegimeModel>(&model)) {
    const int n = static_cast<int>(r->vols.size());
    cx.regime_n = n;
    cx.regime_cum = matrix_exp(r->generator, n, cx.dt);
    for (int i = 0; i < n; ++i) {
      double c = 0.0;
      for (int j = 0; j < n; ++j) {
        auto& x = cx.regime_cum[static_cast<std::size_t>(i * n + j)];
        c += std::max(x, 0.0);
        x = c;
      }
      for (int j = 0; j < n; ++j) cx.regime_cum[static_cast<std::size_t>(i * n + j)] /= c;  // exact row sum 1
    }
  }
  if (const auto* bm = std::get_if<BootstrapModel>(&model)) {
    const double n = static_cast<double>(bm->log_returns.size());
    double m = 0.0;
    for (double r : bm->log_returns) m += r;
    m /= n;
    double ss = 0.0;
    for (double r : bm->log_returns) ss += (r - m) * (r - m);
    const double var_h = ss / (n - 1.0);  // per interval
    cx.boot_var = var_h / bm->interval_years;
    const double scale = std::sqrt(cx.dt / bm->interval_years);
    const double mean_step = bm->demean ? (bm->drift - 0.5 * cx.boot_var) * cx.dt : m * cx.dt / bm->interval_years;
    cx.boot_returns.reserve(bm->log_returns.size());
    for (double r : bm->log_returns) cx.boot_returns.push_back(mean_step + (r - m) * scale);
  }

  SimulationResult res;
  res.liquidity = cx.L;
  res.initial_value = pos.capital;
  res.net_premium = cx.net_premium;
  auto& o = res.paths;
  const auto n = static_cast<std::size_t>(spec.paths);
  for (auto* v : {&o.terminal_price, &o.hodl, &o.lp, &o.lp_hedged, &o.fees, &o.lvr, &o.il, &o.time_in_range})
    v->assign(n, 0.0);

  const std::size_t chunk = std::min<std::size_t>(spec.chunk_size, n);
  const std::size_t nchunks = (n + chunk - 1) / chunk;
  tbb::enumerable_thread_specific<Scratch> scratch([chunk] { return Scratch(chunk); });
  std::mutex progress_mutex;
  std::uint64_t done = 0;
  auto body = [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t c = r.begin(); c != r.end(); ++c) {
      const std::size_t first = c * chunk;
      const std::size_t count = std::min(chunk, n - first);
      auto& sc = scratch.local();
      std::visit([&](const auto& m) { run_chunk(m, cx, sc, first, count, o); }, model);
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        done += count;
        progress(done, spec.paths);
      }
    }
  };
  tbb::task_arena arena(spec.threads > 0 ? spec.threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nchunks, 1), body, tbb::simple_partitioner());
  });
  return res;
}

}  // namespace alvh::sim
