#pragma once
// SIMD kernels of the engine's hot loop (Google Highway, dynamic dispatch to the best target
// the CPU supports: AVX2/AVX-512/SSE4/...). Each has a scalar twin in engine.cpp that the tests
// compare against. A path's arithmetic is the same whichever lane it occupies, and partial
// vectors at the end of a chunk are computed in full (the extra lanes are real paths that are
// discarded), so results are bit-identical for any thread count and chunk size.
//
// Per lane: Philox-4x32-10 with 64-bit lanes (32x32->64 products by MulEven), uniforms
// (k + 1/2) 2^-32 built exactly from the mantissa, AS 241 inversion (central rational for
// |u - 1/2| <= 0.425, tail rational with Highway's Log otherwise) or, for NormalMethod::Fast,
// Giles' float32 erfinv on twice the lanes (normal.hpp), widened to double; Highway's Exp.
// Log prices, values and accumulations are double in both methods.
#include <cstddef>
#include <cstdint>

#include "alvh/sim/normal.hpp"
#include "alvh/sim/philox.hpp"

namespace alvh::sim::simd {

// GBM log-price step with the LP accruals of engine.hpp at every step.
struct GbmLpParams {
  std::uint64_t first_path = 0;
  std::size_t count = 0;
  int steps = 0;
  PhiloxKey key{};
  double log_p0 = 0.0, drift_dt = 0.0, vol_sqdt = 0.0;
  double L = 0.0, pa = 0.0, pb = 0.0, sa = 0.0, sb = 0.0, inv_sb = 0.0;
  double fee_dt = 0.0;  // fee_apr * dt
  double lvr_dt = 0.0;  // sigma^2 L dt / 4
  const std::uint8_t* step_has_extra = nullptr;  // steps with events or expiries
  // Called after the model step j when step_has_extra[j]: lanes are paths first_lane_path + k,
  // k < lanes, with their log prices (read/write) and local index base (into the chunk arrays).
  void (*extra)(void* ctx, int step, std::uint64_t first_lane_path, std::size_t local_base, double* logp,
                std::size_t lanes) = nullptr;
  void* extra_ctx = nullptr;
  NormalMethod normals = NormalMethod::Exact;
};

struct GbmLpOutputs {
  double* logp;      // terminal log price, [count]
  double* fees;      // accrued fees
  double* lvr;       // accrued LVR
  double* in_range;  // number of steps started in range
};

void gbm_lp_paths(const GbmLpParams& p, const GbmLpOutputs& out);

// The peer benchmark's loop exactly (bench/run_sim_peers.sh, numpy_gbm_lp.py): per step
// logp += -vol^2/2 dt + vol sqrt(dt) Z; s = clip(exp(logp/2), sa, sb); acc += L (s^2 (1/s -
// 1/sb) + s - sa). Returns the sum over the paths of acc.
double gbm_lp_mirror_sum(std::uint64_t first_path, std::size_t count, int steps, PhiloxKey key, double log_p0,
                         double drift_dt, double vol_sqdt, double L, double sa, double sb, NormalMethod normals);
// Same with NormalMethod::Exact.
double gbm_lp_mirror_sum(std::uint64_t first_path, std::size_t count, int steps, PhiloxKey key, double log_p0,
                         double drift_dt, double vol_sqdt, double L, double sa, double sb);

// Normals for `count` paths starting at first_path on (stream, block): out[lane][i], lane < 4.
void philox_normals(std::uint64_t first_path, std::size_t count, std::uint32_t stream, std::uint32_t block,
                    PhiloxKey key, NormalMethod normals, double* out0, double* out1, double* out2, double* out3);
// Same with NormalMethod::Exact.
void philox_normals(std::uint64_t first_path, std::size_t count, std::uint32_t stream, std::uint32_t block,
                    PhiloxKey key, double* out0, double* out1, double* out2, double* out3);
// Uniforms (k + 1/2) 2^-32 on (stream, block), as philox.hpp's uniform_open: out[lane][i].
void philox_uniforms(std::uint64_t first_path, std::size_t count, std::uint32_t stream, std::uint32_t block,
                     PhiloxKey key, double* out0, double* out1, double* out2, double* out3);

// A plain European option under GBM, one exact step: S_T = S0 exp((drift - vol^2/2) T + vol
// sqrt(T) Z) with path i's Z the engine's one-step draw (so the terminal prices equal those of
// simulate() with steps = 1 to rounding). Returns the sum and the sum of squares of the
// undiscounted payoffs of paths [first_path, first_path + count).
struct EuropeanSums {
  double sum = 0.0, sum_sq = 0.0;
};
EuropeanSums european_gbm_sums(std::uint64_t first_path, std::size_t count, PhiloxKey key, double spot,
                               double drift, double vol, double t_years, double strike, bool call,
                               NormalMethod normals);
// Same with NormalMethod::Exact.
EuropeanSums european_gbm_sums(std::uint64_t first_path, std::size_t count, PhiloxKey key, double spot,
                               double drift, double vol, double t_years, double strike, bool call);

// Name of the dispatched target (e.g. "AVX2"), for benchmark records.
const char* target_name();

}  // namespace alvh::sim::simd
