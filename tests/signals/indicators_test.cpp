// Signals against REFERENCES.md §6 (RSI: Wilder 1978; MACD: Appel, pandas EMA convention) and §7
// (Parkinson 1980, Garman-Klass 1980, Rogers-Satchell 1991, Yang-Zhang 2000), plus hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "alvh/core/error.hpp"
#include "alvh/signals/indicators.hpp"

using namespace alvh::signals;

namespace {
const std::vector<double> kCloses = {44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.10, 45.42, 45.84, 46.08,
                                     45.89, 46.03, 45.61, 46.28, 46.28, 46.00, 46.03, 46.41, 46.22, 45.64,
                                     46.21, 46.25, 45.71, 46.45, 45.78, 45.35, 44.03, 44.18, 44.22, 44.57,
                                     43.42, 42.66, 43.13, 43.90, 44.30, 44.80, 45.20, 45.10, 45.60, 46.10};
}

TEST(SignalsRsi, WilderMatchesReferencesSection6) {  // REFERENCES.md §6 rows [PY], tol 1e-6
  const auto rsi = rsi_series(kCloses, 14);
  for (int i = 0; i < 14; ++i) EXPECT_TRUE(std::isnan(rsi[static_cast<std::size_t>(i)])) << i;
  const std::pair<int, double> rows[] = {{14, 70.46413502}, {15, 66.24961855}, {16, 66.48094183}, {20, 62.88071831},
                                         {25, 50.38681520}, {30, 37.32277831}, {33, 44.64641919}, {39, 60.51896144}};
  for (auto [i, v] : rows) EXPECT_NEAR(rsi[static_cast<std::size_t>(i)], v, 1e-6) << "i=" << i;
}

TEST(SignalsRsi, AllGainsGives100AndBadPeriodThrows) {  // definition: AL = 0 => RSI = 100
  Rsi r(3);
  for (double c : {1.0, 2.0, 3.0, 4.0}) r.update(c);
  EXPECT_TRUE(r.ready());
  EXPECT_DOUBLE_EQ(r.value(), 100.0);
  EXPECT_THROW(Rsi(0), alvh::DomainError);
}

TEST(SignalsMacd, MatchesReferencesSection6) {  // REFERENCES.md §6 MACD(12,26,9) rows, tol 1e-7
  const auto m = macd_series(kCloses);
  struct Row { int i; double macd, signal, hist; };
  const Row rows[] = {{0, 0, 0, 0},
                      {1, -0.01994302, -0.00398860, -0.01595442},
                      {11, 0.40815007, 0.20968536, 0.19846471},
                      {25, 0.27323551, 0.37544950, -0.10221399},
                      {26, 0.10627925, 0.32161545, -0.21533620},
                      {33, -0.49566777, -0.21325456, -0.28241321},
                      {39, 0.00964951, -0.18673761, 0.19638711}};
  for (const auto& r : rows) {
    const auto i = static_cast<std::size_t>(r.i);
    EXPECT_NEAR(m.macd[i], r.macd, 1e-7) << r.i;
    EXPECT_NEAR(m.signal[i], r.signal, 1e-7) << r.i;
    EXPECT_NEAR(m.hist[i], r.hist, 1e-7) << r.i;
  }
}

TEST(SignalsMacd, CrossesAreSignChangesOfHistogram) {  // definition check over the §6 series
  const auto m = macd_series(kCloses);
  int crosses = 0;
  for (std::size_t i = 1; i < kCloses.size(); ++i) {
    const bool bull = m.hist[i - 1] <= 0 && m.hist[i] > 0, bear = m.hist[i - 1] >= 0 && m.hist[i] < 0;
    EXPECT_EQ(m.cross[i], bull ? Cross::Bullish : bear ? Cross::Bearish : Cross::None) << i;
    crosses += bull || bear;
  }
  EXPECT_GE(crosses, 2);  // row 25 has hist < 0 after row 11 > 0, and row 39 > 0 again
  EXPECT_EQ(m.cross[0], Cross::None);
}

namespace {
std::vector<Ohlc> section7_bars() {
  const double O[] = {100.0, 101.5, 100.8, 102.2, 103.0, 101.9, 102.5, 104.1, 103.3, 105.0, 104.2};
  const double H[] = {102.0, 103.0, 102.5, 103.8, 104.1, 103.0, 104.6, 105.2, 105.0, 106.3, 105.5};
  const double L[] = {99.0, 100.6, 99.9, 101.5, 101.2, 100.8, 101.9, 102.9, 102.6, 103.9, 103.1};
  const double C[] = {101.2, 100.9, 102.0, 102.8, 101.7, 102.6, 104.0, 103.5, 104.8, 104.4, 103.6};
  std::vector<Ohlc> b;
  for (int i = 0; i < 11; ++i) b.push_back({O[i], H[i], L[i], C[i]});
  return b;
}
void expect_rel(double got, double want, double tol) { EXPECT_NEAR(got, want, tol * std::abs(want)) << want; }
}  // namespace

TEST(SignalsRealizedVol, EstimatorsMatchReferencesSection7) {  // REFERENCES.md §7, tol 1e-10 relative
  const auto bars = section7_bars();
  std::vector<double> closes;
  for (const auto& b : bars) closes.push_back(b.close);
  const std::span<const Ohlc> used(bars.data() + 1, 10);  // bars 1..10, n = 10
  expect_rel(close_to_close_variance(closes), 8.470585308541e-05, 1e-10);
  expect_rel(parkinson_variance(used), 2.070528890831e-04, 1e-10);
  expect_rel(garman_klass_variance(used), 2.508724737329e-04, 1e-10);
  expect_rel(rogers_satchell_variance(used), 2.603094838195e-04, 1e-10);
  const auto yz = yang_zhang_variance(bars);
  expect_rel(yz.variance, 2.425259011961e-04, 1e-10);
  expect_rel(yz.k, 0.1326973114, 1e-9);
  expect_rel(yz.overnight_variance, 3.410492780e-06, 1e-9);
  expect_rel(yz.open_close_variance, 1.005920398e-04, 1e-9);
  expect_rel(annualise(2.070528890831e-04, 365), 0.2749078109, 1e-9);
  expect_rel(annualise(2.425259011961e-04, 252), 0.2472175704, 1e-9);
}

TEST(SignalsRealizedVol, EwmaOfConstantLogReturnIsItsAbsoluteValue) {  // hand-computed: r^2 fixed point
  const double r = 0.01, N = 8760;
  std::vector<Ohlc> bars;
  double c = 100;
  for (int i = 0; i < 50; ++i) {
    const double next = c * std::exp(i % 2 ? r : -r);
    bars.push_back({c, std::max(c, next), std::min(c, next), next});
    c = next;
  }
  const auto v = ewma_vol_series(bars, 10, N);
  EXPECT_TRUE(std::isnan(v[0]));
  EXPECT_NEAR(v[1], r * std::sqrt(N), 1e-12);
  EXPECT_NEAR(v.back(), r * std::sqrt(N), 1e-12);
  // Parkinson on bars with H/L = e^r: per-bar variance r^2/(4 ln 2)
  const auto p = ewma_vol_series(bars, 10, N, VolEstimator::Parkinson);
  EXPECT_NEAR(p.back(), std::sqrt(r * r / (4 * std::log(2.0)) * N), 1e-12);
  EXPECT_NEAR(implied_minus_realized(0.8, 0.6), 0.2, 1e-15);
}

TEST(SignalsRealizedVol, BadInputsThrow) {
  std::vector<Ohlc> bad = {{1, 1, -1, 1}};
  EXPECT_THROW(parkinson_variance(bad), alvh::DomainError);
  std::vector<double> two = {1, 2};
  EXPECT_THROW(close_to_close_variance(two), alvh::DomainError);
}
