#pragma once
// The path engine: Monte Carlo of an LP position, its HODL benchmark and a static option hedge
// under one of the price models of models.hpp.
//
// Paths are simulated in chunks (structure of arrays, one array per state variable), the model
// is dispatched once per chunk, and every random draw is addressed by (seed, path, stream,
// step) through Philox-4x32-10, so results are bit-identical for any thread count and chunk
// size. Per-path terminal values are kept in preallocated arrays of length `paths` (8 doubles
// per path): that is what exact quantiles and CVaR need, and summaries are reduced over them in
// path order. Conventions (docs/sim.md): rates are zero (values are undiscounted, in the
// numeraire), fees accrue as fee_apr x V(P_t) x dt while P_t is inside the range (left point of
// each step, not compounded, held as numeraire), LVR accrues as sigma_t^2 L sqrt(P_t)/4 dt in
// range (Milionis et al. 2022) with sigma_t the model's diffusive vol.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "alvh/amm/position_model.hpp"
#include "alvh/sim/models.hpp"
#include "alvh/sim/normal.hpp"

namespace alvh::sim {

struct PositionSpec {
  double price = 0.0;           // entry price P0 (token1 per token0)
  amm::PriceRange range;        // full() for Uniswap v2
  double capital = 0.0;         // in token1
  double fee_apr = 0.0;         // fee income per year as a fraction of position value, in range
};

enum class OptionKind { Call, Put };

// One leg of a static hedge (same fields as hedge::HedgeLeg, without the instrument name).
struct StaticHedgeLeg {
  OptionKind kind = OptionKind::Put;
  double strike = 0.0;
  double expiry_years = 0.0;
  double quantity = 0.0;  // signed, + = long, units of the underlying
  double premium = 0.0;   // per unit underlying, numeraire; what was paid (or received if short)
};

// How legs that are still alive at the horizon are marked.
enum class HedgeMarking {
  Black76,    // Black-76 at a flat vol (mark_vol), zero rate, forward = P_T
  Intrinsic,  // intrinsic value at the horizon (ignores time value: conservative for longs)
};

struct HedgeSpec {
  std::vector<StaticHedgeLeg> legs;
  HedgeMarking marking = HedgeMarking::Black76;
  double mark_vol = 0.0;
  // Net premium paid at inception: sum of quantity x premium (negative when net short).
  double net_premium() const;
};

struct SimulationSpec {
  double t_years = 0.0;
  int steps = 0;
  std::uint64_t paths = 0;
  std::uint64_t seed = 0;
  int threads = 0;                // 0 = all hardware threads
  std::size_t chunk_size = 1024;  // paths per chunk (results do not depend on it)
  std::vector<ScheduledEvent> events;
  // GBM runs through the Highway kernel (simd_kernels.hpp); false selects its scalar twin
  // (same draws, same formulas; results agree to rounding, ~1e-13 relative).
  bool simd = true;
  // Normal generator (normal.hpp): Fast (Giles float32 erfinv, |error| <= 1e-6 max(1, |z|)) is
  // the default; Exact selects AS 241 in double. Both invert the CDF at the same uniforms, so a
  // seed gives the same paths to ~1e-6 relative in each increment.
  NormalMethod normals = NormalMethod::Fast;
};

// Per-path outcomes at the horizon, indexed by path number.
struct PathOutcomes {
  std::vector<double> terminal_price;
  std::vector<double> hodl;       // x0 P_T + y0
  std::vector<double> lp;         // V_LP(P_T) + accrued fees
  std::vector<double> lp_hedged;  // lp + hedge payoffs/marks - net premium paid at t = 0
  std::vector<double> fees;       // accrued fee income
  std::vector<double> lvr;        // accumulated LVR (what rebalancing would have earned)
  std::vector<double> il;         // V_LP(P_T)/V_HODL(P_T) - 1 (fees excluded)
  std::vector<double> time_in_range;  // fraction of steps that started inside the range
};

struct SimulationResult {
  PathOutcomes paths;
  double liquidity = 0.0;
  double initial_value = 0.0;  // = capital
  double net_premium = 0.0;
};

// Called after each finished chunk with (paths done, paths total). May be called from worker
// threads, one call at a time.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Runs the simulation. Throws DomainError on bad parameters (zero paths or steps, t <= 0,
// negative vol, rho outside [-1, 1], bad range or capital).
SimulationResult simulate(const PriceModel& model, const PositionSpec& position, const HedgeSpec& hedge,
                          const SimulationSpec& spec, const ProgressFn& progress = {});

// Payoff at expiry of a leg (per the signed quantity).
double leg_payoff(const StaticHedgeLeg& leg, double price);

}  // namespace alvh::sim
