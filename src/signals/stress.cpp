// Stress indicator: definitions in include/alvh/signals/stress.hpp.
#include "alvh/signals/stress.hpp"

#include <algorithm>
#include <cmath>

#include "alvh/core/error.hpp"

namespace alvh::signals {

EwmaZ::EwmaZ(double half_life, double sd_floor, long warmup)
    : alpha_(1.0 - std::exp(-std::log(2.0) / half_life)), sd_floor_(sd_floor), warmup_(warmup) {}

double EwmaZ::update(double x) {
  if (!std::isfinite(x)) return 0.0;
  double z = 0.0;
  if (n_ >= warmup_) z = (x - mean_) / std::max(std::sqrt(var_), sd_floor_);
  if (n_ == 0) {
    mean_ = x;
  } else {
    const double d = x - mean_;  // West's EWMA mean/variance update
    mean_ += alpha_ * d;
    var_ = (1.0 - alpha_) * (var_ + alpha_ * d * d);
  }
  ++n_;
  return z;
}

StressIndicator::StressIndicator(const StressParams& p)
    : p_(p),
      closes_(static_cast<std::size_t>(std::max(p.drawdown_window, 1)), 0.0),
      ad_hist_(static_cast<std::size_t>(std::max(p.divergence_window, 1)) + 1, 0.0),
      px_hist_(ad_hist_.size(), 0.0),
      vol_ema_(Ema::with_alpha(1.0 - std::exp(-std::log(2.0) / p.volume_half_life_bars))),
      liq_ema_(Ema::with_alpha(1.0 - std::exp(-std::log(2.0) / p.volume_half_life_bars))),
      rv_(p.vol_half_life_bars, 365.0 * p.bars_per_day),
      vov_lambda_(std::exp(-std::log(2.0) / p.vol_half_life_bars)),
      z_dd_(p.zscore_half_life_bars, 0.02),
      z_vol_(p.zscore_half_life_bars, 0.5),
      z_liq_(p.zscore_half_life_bars, 0.05),
      z_vov_(p.zscore_half_life_bars, 0.25) {
  require(p.drawdown_window >= 1, "stress drawdown_window", ">= 1", p.drawdown_window);
  require(p.divergence_window >= 1, "stress divergence_window", ">= 1", p.divergence_window);
  require(p.bars_per_day > 0, "stress bars_per_day", "> 0", p.bars_per_day);
}

const StressReading& StressIndicator::update(const StressBar& b) {
  const std::size_t W = closes_.size();
  closes_[static_cast<std::size_t>(n_) % W] = b.close;
  const std::size_t seen = std::min<std::size_t>(static_cast<std::size_t>(n_ + 1), W);
  double peak = 0.0;
  for (std::size_t k = 0; k < seen; ++k) peak = std::max(peak, closes_[k]);
  const double window_days = static_cast<double>(seen) / p_.bars_per_day;
  r_.drawdown_speed = peak > 0 ? (1.0 - b.close / peak) / std::max(window_days, 1.0 / p_.bars_per_day) : 0.0;

  r_.volume_shock = 0.0;
  if (std::isfinite(b.volume)) {
    const double base = vol_ema_.value();
    r_.volume_shock = (vol_ema_.ready() && base > 0) ? b.volume / base - 1.0 : 0.0;
    vol_ema_.update(b.volume);
  }
  r_.liquidity_shock = 0.0;
  if (std::isfinite(b.liquidity)) {
    const double base = liq_ema_.value();
    r_.liquidity_shock = (liq_ema_.ready() && base > 0) ? 1.0 - b.liquidity / base : 0.0;
    liq_ema_.update(b.liquidity);
  }

  // vol-of-vol: EWMA std of d ln(rv), annualised with the same bar clock
  const double c_prev = n_ == 0 ? b.close : prev_close_;
  rv_.update({c_prev, std::max(b.close, c_prev), std::min(b.close, c_prev), b.close});
  if (rv_.ready() && rv_.vol() > 0) {
    const double lrv = std::log(rv_.vol());
    if (prev_log_rv_ != 0.0) {
      const double d = lrv - prev_log_rv_;
      vov_var_ = vov_lambda_ * vov_var_ + (1.0 - vov_lambda_) * d * d;
    }
    prev_log_rv_ = lrv;
  }
  r_.vol_of_vol = std::sqrt(vov_var_ * 365.0 * p_.bars_per_day);

  // on-chain A/D analogue: ETH bought from the pool = -(net ETH into the pool)
  if (std::isfinite(b.net_flow_base)) r_.ad_line += -b.net_flow_base * b.close;
  const std::size_t D = ad_hist_.size();
  const std::size_t slot = static_cast<std::size_t>(n_) % D;
  ad_hist_[slot] = r_.ad_line;
  px_hist_[slot] = b.close;
  r_.distribution = false;
  if (n_ + 1 >= static_cast<long>(D)) {
    const std::size_t old = (static_cast<std::size_t>(n_) + 1) % D;
    r_.distribution = b.close > px_hist_[old] && r_.ad_line < ad_hist_[old];
  }

  const double zd = z_dd_.update(r_.drawdown_speed), zv = z_vol_.update(r_.volume_shock),
               zl = z_liq_.update(r_.liquidity_shock), zo = z_vov_.update(r_.vol_of_vol);
  r_.score = p_.w_drawdown * std::max(zd, 0.0) + p_.w_volume * std::max(zv, 0.0) +
             p_.w_liquidity * std::max(zl, 0.0) + p_.w_vol_of_vol * std::max(zo, 0.0) +
             (r_.distribution ? p_.w_distribution : 0.0);
  if (r_.fired) {
    r_.fired = r_.score >= p_.clear_threshold;
  } else {
    r_.fired = r_.score >= p_.fire_threshold;
  }
  prev_close_ = b.close;
  ++n_;
  return r_;
}

}  // namespace alvh::signals
