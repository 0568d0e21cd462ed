#pragma once
// Simple calibration of the price models to a historical price series.
#include <string>
#include <vector>

#include "alvh/sim/models.hpp"

namespace alvh::sim {

// A regularly sampled price series.
struct PriceHistory {
  std::vector<double> prices;
  double interval_years = 0.0;  // sampling interval (ACT/365)
};

// Reads `column` (e.g. "close") of a CSV. The interval is the median spacing of the
// "timestamp_utc" (ISO 8601, ...Z) or "date" (YYYY-MM-DD) column when present; otherwise
// `interval_years` must be given (> 0). InputError names file, line and field on bad rows.
PriceHistory load_price_history(const std::string& path, const std::string& column = "close",
                                double interval_years = 0.0);

// ln(P_{k+1}/P_k).
std::vector<double> log_returns(const std::vector<double>& prices);

// GBM by moments of log returns r over interval h: vol = sd(r)/sqrt(h),
// drift = mean(r)/h + vol^2/2 (so that E[P_T] = P_0 e^{drift T}).
GbmModel calibrate_gbm(const std::vector<double>& log_returns, double interval_years);

// Regime vols from history (a documented heuristic, not a Hamilton filter): the trailing
// realised variance over `window` returns splits the sample at its quantiles k/n_states into
// states; each state's vol is the sd of the returns observed in it, annualised; the generator
// is the maximum-likelihood estimate of a continuous-time chain from the state sequence,
// q_ij = (number of i -> j moves) / (time spent in i).
RegimeModel calibrate_regimes(const std::vector<double>& log_returns, double interval_years, int window = 24,
                              int n_states = 2);

}  // namespace alvh::sim
