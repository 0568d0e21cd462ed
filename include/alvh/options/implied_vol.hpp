#pragma once
// Black implied volatility to full double precision, after P. Jäckel, "Let's Be Rational",
// Wilmott Magazine, January 2015, pp. 40-53 (preprint 2013): the price is normalised to
// beta = B/(D sqrt(F K)) of an out-of-the-money call, the initial guess comes from rational
// cubic (Delbourgo-Gregory) interpolations on four branches of beta (two of them through
// the paper's lower and upper asymptotic maps), and Householder(3) steps on a branch-specific
// objective converge in two iterations (docs/options.md).
// Written from the paper's description; no reference code was used.
#include <cstddef>
#include <span>

#include "alvh/core/error.hpp"
#include "alvh/options/black.hpp"

namespace alvh::options {

// A price at or outside the no-arbitrage bounds D (F-K)^+ <= V < D F (call),
// D (K-F)^+ <= V < D K (put), where no finite implied volatility exists.
class ArbitrageBoundsError : public DomainError {
 public:
  using DomainError::DomainError;
};

// s = vol sqrt(T) from the normalised price beta of an option with x = ln(F/K).
// beta at the intrinsic value gives 0. Throws ArbitrageBoundsError outside the bounds.
// `iterations`, when given, receives the number of Householder steps taken.
double normalised_implied_vol(OptionType type, double beta, double x, int* iterations = nullptr);

// Black-76: vol from price = D E[payoff]. Throws ArbitrageBoundsError / DomainError.
double implied_vol_black76(OptionType type, double price, double forward, double strike, double t_years,
                           double discount = 1.0);
// BSM on spot with rate r and yield q (F = S e^{(r-q)T}, D = e^{-rT}).
double implied_vol_bsm(OptionType type, double price, double spot, double strike, double t_years, double rate,
                       double yield);
// Settlement-aware: for Inverse, `price` is the coin price (V_usd / spot, Deribit style).
double implied_vol_bsm(OptionType type, double price, double spot, double strike, double t_years, double rate,
                       double yield, Settlement settlement);

// Batch over arrays (structure of arrays): a SIMD version of the same solver (Highway, same
// guess and Householder steps, src/options/implied_vol_batch.cpp); rows it does not cover
// (invalid input, prices within 1e-12 of a bound, deep tails, cancellation in the normalised
// price) are solved by implied_vol_bsm, so the accuracy is the scalar solver's. Invalid rows
// throw ArbitrageBoundsError / DomainError naming the first bad row (the scalar message);
// the vol of other rows is then unspecified.
void implied_vol_bsm_batch(std::span<const unsigned char> type_is_call, std::span<const double> price,
                           std::span<const double> spot, std::span<const double> strike,
                           std::span<const double> t_years, std::span<const double> rate, std::span<const double> yield,
                           std::span<double> vol);

// The same, returning how many rows went to the scalar solver; steps_histogram (empty, or 5
// bins) counts vector lanes by the number of Householder steps their vector took (diagnostics).
std::size_t implied_vol_bsm_batch_counted(std::span<const unsigned char> type_is_call, std::span<const double> price,
                                          std::span<const double> spot, std::span<const double> strike,
                                          std::span<const double> t_years, std::span<const double> rate,
                                          std::span<const double> yield, std::span<double> vol,
                                          std::span<std::size_t> steps_histogram);

// Name of the SIMD target the implied-vol batch runs on (e.g. "AVX3"), for benchmarks and logs.
const char* implied_vol_batch_simd_target();

}  // namespace alvh::options
