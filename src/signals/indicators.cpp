// Indicators: formulas and sources in include/alvh/signals/indicators.hpp.
#include "alvh/signals/indicators.hpp"

#include <algorithm>
#include <cmath>

#include "alvh/core/error.hpp"

namespace alvh::signals {

Rsi::Rsi(int period) : period_(period) { require(period >= 1, "RSI period", "an integer >= 1", period); }

void Rsi::update(double close) {
  ++count_;
  if (count_ == 1) {
    prev_close_ = close;
    return;
  }
  const double d = close - prev_close_;
  prev_close_ = close;
  const double gain = d > 0 ? d : 0.0, loss = d < 0 ? -d : 0.0;
  const long k = count_ - 1;  // number of changes seen
  if (k <= period_) {         // Wilder's seed: simple mean of the first `period` changes
    avg_gain_ += gain / period_;
    avg_loss_ += loss / period_;
  } else {
    avg_gain_ = ((period_ - 1) * avg_gain_ + gain) / period_;
    avg_loss_ = ((period_ - 1) * avg_loss_ + loss) / period_;
  }
}

double Rsi::value() const {
  if (!ready()) return kNaN;
  if (avg_loss_ == 0.0) return 100.0;
  return 100.0 - 100.0 / (1.0 + avg_gain_ / avg_loss_);
}

void Macd::update(double close) {
  ++count_;
  macd_ = fast_.update(close) - slow_.update(close);
  sig_ = signal_.update(macd_);
  const double h = macd_ - sig_;
  cross_ = Cross::None;
  if (count_ > 1) {
    if (prev_hist_ <= 0.0 && h > 0.0) cross_ = Cross::Bullish;
    if (prev_hist_ >= 0.0 && h < 0.0) cross_ = Cross::Bearish;
  }
  prev_hist_ = h;
}

namespace {
double sample_variance(std::span<const double> x) {
  const double n = static_cast<double>(x.size());
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= n;
  double s = 0.0;
  for (double v : x) s += (v - mean) * (v - mean);
  return s / (n - 1.0);
}
void check_bars(std::span<const Ohlc> bars, std::size_t min_n, const char* what) {
  require(bars.size() >= min_n, what, "enough bars", static_cast<double>(bars.size()));
  for (const auto& b : bars) {
    require(b.open > 0 && b.high > 0 && b.low > 0 && b.close > 0, what, "positive OHLC prices",
            std::min({b.open, b.high, b.low, b.close}));
  }
}
}  // namespace

double close_to_close_variance(std::span<const double> closes) {
  require(closes.size() >= 3, "close-to-close variance", "at least 3 closes", static_cast<double>(closes.size()));
  std::vector<double> r(closes.size() - 1);
  for (std::size_t i = 1; i < closes.size(); ++i) r[i - 1] = std::log(closes[i] / closes[i - 1]);
  return sample_variance(r);
}

double parkinson_variance(std::span<const Ohlc> bars) {
  check_bars(bars, 1, "Parkinson variance");
  double s = 0.0;
  for (const auto& b : bars) s += std::pow(std::log(b.high / b.low), 2);
  return s / (4.0 * static_cast<double>(bars.size()) * std::log(2.0));
}

double garman_klass_variance(std::span<const Ohlc> bars) {
  check_bars(bars, 1, "Garman-Klass variance");
  double s = 0.0;
  for (const auto& b : bars)
    s += 0.5 * std::pow(std::log(b.high / b.low), 2) - (2.0 * std::log(2.0) - 1.0) * std::pow(std::log(b.close / b.open), 2);
  return s / static_cast<double>(bars.size());
}

double rogers_satchell_variance(std::span<const Ohlc> bars) {
  check_bars(bars, 1, "Rogers-Satchell variance");
  double s = 0.0;
  for (const auto& b : bars)
    s += std::log(b.high / b.close) * std::log(b.high / b.open) + std::log(b.low / b.close) * std::log(b.low / b.open);
  return s / static_cast<double>(bars.size());
}

YangZhang yang_zhang_variance(std::span<const Ohlc> bars) {
  check_bars(bars, 3, "Yang-Zhang variance");
  const std::size_t n = bars.size() - 1;
  std::vector<double> o(n), c(n);
  for (std::size_t i = 1; i < bars.size(); ++i) {
    o[i - 1] = std::log(bars[i].open / bars[i - 1].close);
    c[i - 1] = std::log(bars[i].close / bars[i].open);
  }
  const double nd = static_cast<double>(n);
  YangZhang r{};
  r.k = 0.34 / (1.34 + (nd + 1.0) / (nd - 1.0));
  r.overnight_variance = sample_variance(o);
  r.open_close_variance = sample_variance(c);
  r.rogers_satchell_variance = rogers_satchell_variance(bars.subspan(1));
  r.variance = r.overnight_variance + r.k * r.open_close_variance + (1.0 - r.k) * r.rogers_satchell_variance;
  return r;
}

EwmaVol::EwmaVol(double half_life_bars, double bars_per_year, VolEstimator est)
    : lambda_(std::exp(-std::log(2.0) / half_life_bars)), bars_per_year_(bars_per_year), est_(est) {
  require(half_life_bars > 0, "EWMA half-life (bars)", "> 0", half_life_bars);
  require(bars_per_year > 0, "bars per year", "> 0", bars_per_year);
}

void EwmaVol::update(const Ohlc& b) {
  ++count_;
  double x = 0.0;
  switch (est_) {
    case VolEstimator::CloseToClose:
      if (count_ == 1) {
        prev_close_ = b.close;
        return;
      }
      x = std::pow(std::log(b.close / prev_close_), 2);
      break;
    case VolEstimator::Parkinson:
      x = std::pow(std::log(b.high / b.low), 2) / (4.0 * std::log(2.0));
      break;
    case VolEstimator::GarmanKlass:
      x = 0.5 * std::pow(std::log(b.high / b.low), 2) - (2.0 * std::log(2.0) - 1.0) * std::pow(std::log(b.close / b.open), 2);
      break;
  }
  prev_close_ = b.close;
  const bool first = est_ == VolEstimator::CloseToClose ? count_ == 2 : count_ == 1;
  var_ = first ? x : lambda_ * var_ + (1.0 - lambda_) * x;
  if (est_ != VolEstimator::CloseToClose && count_ == 1) ++count_;  // range estimators are ready after one bar
}

std::vector<double> rsi_series(std::span<const double> closes, int period) {
  Rsi rsi(period);
  std::vector<double> out(closes.size());
  for (std::size_t i = 0; i < closes.size(); ++i) {
    rsi.update(closes[i]);
    out[i] = rsi.value();
  }
  return out;
}

MacdSeries macd_series(std::span<const double> closes, int fast, int slow, int signal) {
  Macd m(fast, slow, signal);
  MacdSeries s;
  s.macd.resize(closes.size());
  s.signal.resize(closes.size());
  s.hist.resize(closes.size());
  s.cross.resize(closes.size());
  for (std::size_t i = 0; i < closes.size(); ++i) {
    m.update(closes[i]);
    s.macd[i] = m.macd();
    s.signal[i] = m.signal();
    s.hist[i] = m.hist();
    s.cross[i] = m.cross();
  }
  return s;
}

std::vector<double> ewma_vol_series(std::span<const Ohlc> bars, double half_life_bars, double bars_per_year,
                                    VolEstimator est) {
  EwmaVol v(half_life_bars, bars_per_year, est);
  std::vector<double> out(bars.size());
  for (std::size_t i = 0; i < bars.size(); ++i) {
    v.update(bars[i]);
    out[i] = v.vol();
  }
  return out;
}

}  // namespace alvh::signals
