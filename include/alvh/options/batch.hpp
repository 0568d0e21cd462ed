#pragma once
// Batch pricing over arrays (structure of arrays), vectorised with Highway (dynamic dispatch:
// AVX2+FMA on this machine class, SSE4 elsewhere, scalar lanes as a fallback). One exp of
// -(h^2 + t^2)/2 and W. J. Cody's rational erfc/erfcx (1969) give every normal CDF value as a
// tail (src/options/vector_normal-inl.h). Single calls keep using the scalar functions of
// black.hpp, and the batch hands the few lanes its vector formulas do not cover to them
// (expiry or zero vol; time values whose two terms cancel beyond 99.5%, i.e. short-dated far
// out-of-the-money options, where the scalar pricer's series/quadrature is needed).
//
// Accuracy: the same as the scalar pricer's tests - 1e-12 relative to max(|value|, floor)
// against 50-digit mpmath on the fixture grid, and 1e-12 relative on far-tail prices down to
// 1e-300 (tests/options/batch_test.cpp). A price is never negative.
#include <cstddef>
#include <span>

#include "alvh/options/black.hpp"

namespace alvh::options {

// Outputs; any span may be empty to skip that output (non-empty spans must have length n).
struct GreeksBatch {
  std::span<double> price, delta, gamma, vega, theta, rho, vanna, volga;
};

// BSM prices and greeks (conventions of bsm_greeks) for n options. type_is_call[i] != 0 for
// a call. Invalid input throws DomainError naming the first bad row and the argument (the
// scalar pricer's message); the outputs of other rows are then unspecified.
void bsm_greeks_batch(std::span<const unsigned char> type_is_call, std::span<const double> spot,
                      std::span<const double> strike, std::span<const double> t_years, std::span<const double> rate,
                      std::span<const double> yield, std::span<const double> vol, const GreeksBatch& out);

// The same, returning how many rows took the scalar path (diagnostics, benchmarks).
std::size_t bsm_greeks_batch_counted(std::span<const unsigned char> type_is_call, std::span<const double> spot,
                                     std::span<const double> strike, std::span<const double> t_years,
                                     std::span<const double> rate, std::span<const double> yield,
                                     std::span<const double> vol, const GreeksBatch& out);

// BSM prices only (no greek is computed); returns how many rows took the scalar path.
std::size_t bsm_price_batch(std::span<const unsigned char> type_is_call, std::span<const double> spot,
                            std::span<const double> strike, std::span<const double> t_years,
                            std::span<const double> rate, std::span<const double> yield, std::span<const double> vol,
                            std::span<double> price);

// Name of the SIMD target the batch kernel runs on (e.g. "AVX2"), for benchmarks and logs.
const char* batch_simd_target();

}  // namespace alvh::options
