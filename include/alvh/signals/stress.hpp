#pragma once
// Stress indicator: fires when the market shows the signs that precede (or accompany) a crash,
// so Layer 3 buys extra convexity only then. Components, each fed one bar at a time:
//   - drawdown speed: fall from the rolling maximum close over `drawdown_window` bars, per day;
//   - volume shock: volume / EWMA(volume) - 1;  liquidity shock: 1 - L / EWMA(L) (liquidity pulled);
//   - vol-of-vol: EWMA standard deviation of the change in log realized vol, annualised;
//   - an on-chain analogue of Chaikin's accumulation/distribution line built from the pool's
//     signed net flow: AD_i = AD_{i-1} + (ETH bought from the pool in the bar) x close, where
//     ETH bought = -netAmount1 (the pool's point of view: + = into the pool). Distribution is
//     flagged when price rose over `divergence_window` bars while AD fell (J. Granville's and
//     M. Chaikin's price/volume divergence, applied to net pool flows).
// Each component is standardised by an EWMA z-score (half-life `zscore_half_life_bars`, with a
// floor on the standard deviation per component: 0.02/day drawdown speed, 0.5 volume shock,
// 0.05 liquidity shock, 0.25 vol-of-vol), and the
// score is sum_k w_k max(z_k, 0) (+ distribution weight when distribution is flagged). The signal
// fires when score >= fire_threshold and clears when it falls below clear_threshold (hysteresis).
#include <cstddef>
#include <vector>

#include "alvh/signals/indicators.hpp"

namespace alvh::signals {

struct StressParams {
  int drawdown_window = 72;             // bars for the rolling max
  double bars_per_day = 24.0;
  double volume_half_life_bars = 168.0;  // EWMA baseline of volume and liquidity
  double vol_half_life_bars = 24.0;      // realized vol feeding vol-of-vol
  int divergence_window = 48;
  double zscore_half_life_bars = 720.0;
  double w_drawdown = 1.0, w_volume = 0.5, w_liquidity = 0.5, w_vol_of_vol = 0.5, w_distribution = 0.5;
  double fire_threshold = 2.5;
  double clear_threshold = 1.0;
};

struct StressBar {
  double close;
  double volume;          // traded notional in the bar (any unit, only its ratio to the EWMA matters); NaN if unknown
  double liquidity;       // active liquidity at the bar close; NaN if unknown
  double net_flow_base;   // signed net base-asset flow INTO the pool (netAmount1 in ETH); NaN if unknown
};

struct StressReading {
  double drawdown_speed = 0.0;   // fraction per day
  double volume_shock = 0.0;
  double liquidity_shock = 0.0;
  double vol_of_vol = 0.0;
  double ad_line = 0.0;          // cumulative net base bought x close (numeraire)
  bool distribution = false;     // price up, AD down over the divergence window
  double score = 0.0;
  bool fired = false;
};

// Streaming EWMA mean/variance z-score of a component: (x - mean)/max(sd, sd_floor), 0 during
// the first `warmup` values. The floor keeps a near-constant component (a calm market) from
// turning tiny wiggles into large z-scores.
class EwmaZ {
 public:
  EwmaZ(double half_life, double sd_floor, long warmup = 24);
  double update(double x);  // returns the z-score of x against the state BEFORE x
 private:
  double alpha_, sd_floor_;
  long warmup_;
  double mean_ = 0.0, var_ = 0.0;
  long n_ = 0;
};

class StressIndicator {
 public:
  explicit StressIndicator(const StressParams& p = {});
  const StressReading& update(const StressBar& bar);
  const StressReading& reading() const { return r_; }

 private:
  StressParams p_;
  std::vector<double> closes_;  // ring buffer for drawdown window (size drawdown_window)
  std::vector<double> ad_hist_, px_hist_;  // ring buffers for the divergence window
  long n_ = 0;
  Ema vol_ema_, liq_ema_;
  EwmaVol rv_;
  double prev_log_rv_ = 0.0;
  double vov_var_ = 0.0;
  double vov_lambda_;
  EwmaZ z_dd_, z_vol_, z_liq_, z_vov_;
  double prev_close_ = 0.0;
  StressReading r_;
};

}  // namespace alvh::signals
