#pragma once
// Technical indicators as small value types that are fed one bar at a time (streaming, O(1) per
// update, no allocation), plus batch functions over a whole series that are built on the same
// value types. Reference rows: ../shared/REFERENCES.md §6 (RSI, MACD) and §7 (realized vol).
//
// Conventions: a value is "ready" once the indicator has seen enough bars; before that the
// accessors return NaN. Prices are positive; log returns are natural logs.
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace alvh::signals {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// RSI, J. W. Wilder, "New Concepts in Technical Trading Systems" (1978): the average gain and
// loss are seeded with the simple mean of the first `period` changes, then smoothed as
// AG_i = ((period-1) AG_{i-1} + G_i) / period. RSI = 100 - 100/(1 + AG/AL); 100 when AL = 0.
// The first value is available after period+1 closes (index `period`).
class Rsi {
 public:
  explicit Rsi(int period = 14);
  void update(double close);
  bool ready() const { return count_ > period_; }
  double value() const;  // NaN until ready
  int period() const { return period_; }

 private:
  int period_;
  long count_ = 0;  // closes seen
  double prev_close_ = 0.0;
  double avg_gain_ = 0.0, avg_loss_ = 0.0;
};

// Exponential moving average with alpha = 2/(span+1), seeded with the first value (pandas
// ewm(span, adjust=False)); REFERENCES.md §6 MACD convention.
class Ema {
 public:
  explicit Ema(double span) : alpha_(2.0 / (span + 1.0)) {}
  static Ema with_alpha(double alpha) { Ema e(1.0); e.alpha_ = alpha; return e; }
  double update(double x) {
    value_ = seeded_ ? alpha_ * x + (1.0 - alpha_) * value_ : x;
    seeded_ = true;
    return value_;
  }
  bool ready() const { return seeded_; }
  double value() const { return seeded_ ? value_ : kNaN; }

 private:
  double alpha_;
  double value_ = 0.0;
  bool seeded_ = false;
};

// MACD, G. Appel: MACD = EMA_fast - EMA_slow, signal = EMA_signal(MACD), hist = MACD - signal,
// every EMA seeded with its first input (pandas convention, REFERENCES.md §6).
// A bullish cross is hist changing sign from <= 0 to > 0; bearish from >= 0 to < 0.
enum class Cross { None = 0, Bullish = 1, Bearish = -1 };

class Macd {
 public:
  Macd(int fast = 12, int slow = 26, int signal = 9) : fast_(fast), slow_(slow), signal_(signal) {}
  void update(double close);
  double macd() const { return macd_; }
  double signal() const { return sig_; }
  double hist() const { return macd_ - sig_; }
  Cross cross() const { return cross_; }  // cross at the latest update
  long count() const { return count_; }

 private:
  Ema fast_, slow_, signal_;
  double macd_ = kNaN, sig_ = kNaN;
  double prev_hist_ = 0.0;
  long count_ = 0;
  Cross cross_ = Cross::None;
};

// One OHLC bar (prices > 0).
struct Ohlc {
  double open, high, low, close;
};

// --- realized volatility estimators (REFERENCES.md §7); per-bar variances -----------------
// Close-to-close sample variance (n-1, demeaned) of r_i = ln(C_i/C_{i-1}).
double close_to_close_variance(std::span<const double> closes);
// M. Parkinson, J. Business 53(1) (1980): (1/(4 n ln 2)) sum ln(H/L)^2.
double parkinson_variance(std::span<const Ohlc> bars);
// M. Garman, M. Klass, J. Business 53(1) (1980): (1/n) sum [0.5 ln(H/L)^2 - (2 ln2 - 1) ln(C/O)^2].
double garman_klass_variance(std::span<const Ohlc> bars);
// L. Rogers, S. Satchell, Ann. Appl. Prob. 1(4) (1991): (1/n) sum [ln(H/C) ln(H/O) + ln(L/C) ln(L/O)].
double rogers_satchell_variance(std::span<const Ohlc> bars);
// D. Yang, Q. Zhang, J. Business 73(3) (2000): s_o^2 + k s_c^2 + (1-k) s_RS^2,
// k = 0.34/(1.34 + (n+1)/(n-1)). bars[0] supplies only the previous close; n = bars.size()-1.
struct YangZhang {
  double variance, k, overnight_variance, open_close_variance, rogers_satchell_variance;
};
YangZhang yang_zhang_variance(std::span<const Ohlc> bars);

// Annualises a per-bar variance: sqrt(var * bars_per_year).
inline double annualise(double per_bar_variance, double bars_per_year) {
  return std::sqrt(per_bar_variance * bars_per_year);
}

// Streaming EWMA realized volatility (RiskMetrics-style, zero mean): var_i = lambda var_{i-1} +
// (1-lambda) x_i, where x_i is the per-bar variance estimate of the chosen estimator (squared
// close-to-close log return, Parkinson or Garman-Klass term of the latest bar). Seeded with the
// first estimate. Annualised with bars_per_year.
enum class VolEstimator { CloseToClose, Parkinson, GarmanKlass };

class EwmaVol {
 public:
  EwmaVol(double half_life_bars, double bars_per_year, VolEstimator est = VolEstimator::CloseToClose);
  void update(const Ohlc& bar);
  bool ready() const { return count_ >= 2; }
  double vol() const { return ready() ? std::sqrt(var_ * bars_per_year_) : kNaN; }  // annualised
  double variance_per_bar() const { return var_; }

 private:
  double lambda_, bars_per_year_;
  VolEstimator est_;
  double var_ = 0.0, prev_close_ = 0.0;
  long count_ = 0;
};

// --- batch versions over a series (each output i uses only inputs 0..i) ---------------------
std::vector<double> rsi_series(std::span<const double> closes, int period = 14);
struct MacdSeries {
  std::vector<double> macd, signal, hist;
  std::vector<Cross> cross;
};
MacdSeries macd_series(std::span<const double> closes, int fast = 12, int slow = 26, int signal = 9);
std::vector<double> ewma_vol_series(std::span<const Ohlc> bars, double half_life_bars, double bars_per_year,
                                    VolEstimator est = VolEstimator::CloseToClose);

// Implied-minus-realized spread in vol points (annualised): iv - rv. NaN when either is NaN.
inline double implied_minus_realized(double implied_vol, double realized_vol) { return implied_vol - realized_vol; }

}  // namespace alvh::signals
