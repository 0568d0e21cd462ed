#pragma once
// Price models for the scenario engine. All are models of the log price X = ln P with
// annualised parameters (time in years, ACT/365); `drift` is the real-world drift mu of P, so
// E[P_T] = P_0 exp(mu T) for every model (the jump and regime terms are compensated).
// The model is chosen once per chunk (std::visit outside the step loop); each alternative
// is a plain value type. Formulas and schemes: docs/sim.md.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace alvh::sim {

// Geometric Brownian motion, exact log step: X += (mu - sigma^2/2) dt + sigma sqrt(dt) Z.
struct GbmModel {
  double drift = 0.0;
  double vol = 0.0;
};

// Merton (1976) jump-diffusion: Poisson(lambda) jumps with log size N(jump_mean, jump_stdev^2),
// compensated by -lambda k dt, k = E[e^J] - 1 = exp(jump_mean + jump_stdev^2/2) - 1.
// Exact in distribution per step: N ~ Poisson(lambda dt) by inversion, jump sum ~
// N(N jump_mean, N jump_stdev^2).
struct MertonModel {
  double drift = 0.0;
  double vol = 0.0;             // diffusion volatility sigma
  double jump_intensity = 0.0;  // lambda, jumps per year
  double jump_mean = 0.0;       // mean log jump
  double jump_stdev = 0.0;      // stdev of the log jump
};

// Heston (1993): dv = kappa (theta - v) dt + vol_of_vol sqrt(v) dW2, d<W1,W2> = rho dt.
// Discretised by full-truncation Euler (Lord, Koekkoek, van Dijk, Quant. Finance 10(2), 2010).
struct HestonModel {
  double drift = 0.0;
  double v0 = 0.0;     // initial variance
  double kappa = 0.0;  // mean reversion speed, per year
  double theta = 0.0;  // long-run variance
  double vol_of_vol = 0.0;
  double rho = 0.0;
};

// Regime-switching volatility: a continuous-time Markov chain of vol states with generator
// Q (per year, row-major n x n, rows sum to 0); per step the chain moves with the exact
// transition matrix exp(Q dt). Within a step the price is GBM with the current state's vol.
struct RegimeModel {
  double drift = 0.0;
  std::vector<double> vols;       // vol of each state
  std::vector<double> generator;  // Q, n*n, off-diagonals >= 0
  int initial_state = 0;
};

// Stationary block bootstrap (D. N. Politis, J. P. Romano, JASA 89(428), 1303-1313, 1994) of
// historical log returns: blocks start at uniform random indices, have geometric lengths
// with mean `mean_block`, and wrap around circularly. Returns sampled at `interval_years`
// are rescaled to the simulation step dt: r' = m dt/interval + (r - m) sqrt(dt/interval),
// with m the sample mean (replaced by (drift - vol_h^2/2) interval when demean is true).
struct BootstrapModel {
  std::vector<double> log_returns;
  double interval_years = 0.0;
  double mean_block = 1.0;  // expected block length, in returns
  bool demean = false;
  double drift = 0.0;  // used only when demean is true
};

using PriceModel = std::variant<GbmModel, MertonModel, HestonModel, RegimeModel, BootstrapModel>;

// A dated shock (FOMC, CPI, an upgrade): at t_years the log price jumps by J ~ N(jump_mean,
// jump_stdev^2) with probability `probability`. Applied on top of any model, at the end of
// the step whose interval (k dt, (k+1) dt] contains t_years. Not compensated: jump_mean is
// the expected log move the user believes in.
struct ScheduledEvent {
  std::string name;
  double t_years = 0.0;
  double probability = 1.0;
  double jump_mean = 0.0;
  double jump_stdev = 0.0;
};

// Throws DomainError naming the parameter (negative vol, rho outside [-1, 1], bad generator).
void validate(const PriceModel& model);
void validate(const ScheduledEvent& event);

// 2 kappa theta >= vol_of_vol^2: the variance stays strictly positive (Feller condition). A
// violation is allowed (full truncation handles v <= 0) but callers should warn.
bool feller_satisfied(const HestonModel& m);

// Name of the model ("gbm", "merton", "heston", "regime", "bootstrap").
std::string model_name(const PriceModel& model);

// Matrix exponential exp(Q t) of a small square matrix (row-major), by scaling and squaring
// with a Taylor series; accurate to ~1e-15 for generator matrices.
std::vector<double> matrix_exp(const std::vector<double>& q, int n, double t);

}  // namespace alvh::sim
