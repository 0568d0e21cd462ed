#pragma once
// Batch pricing over arrays (structure of arrays), vectorised with Highway (dynamic dispatch:
// AVX2 on this machine class, SSE4 elsewhere, scalar lanes as a fallback) and SLEEF's
// vector erfc. Single calls keep using the scalar functions of black.hpp.
//
// Accuracy: the batch kernel evaluates the out-of-the-money time value as
// F N(+-d1) - K N(+-d2) with both tails from erfc (never 1 - N of a large N), so it never
// returns a negative price and agrees with the scalar pricer to ~1e-13 relative to
// max(|value|, 1e-8 x natural unit) (tests/options/batch_test.cpp); in the far tails, where
// the two terms nearly cancel (|d1| >> sigma sqrt T), the scalar pricer is the accurate one.
#include <span>

#include "alvh/options/black.hpp"

namespace alvh::options {

// Outputs; any span may be empty to skip that output (non-empty spans must have length n).
struct GreeksBatch {
  std::span<double> price, delta, gamma, vega, theta, rho, vanna, volga;
};

// BSM prices and greeks (conventions of bsm_greeks) for n options. type_is_call[i] != 0 for
// a call. Inputs are validated first: DomainError naming the first bad row and argument.
void bsm_greeks_batch(std::span<const unsigned char> type_is_call, std::span<const double> spot,
                      std::span<const double> strike, std::span<const double> t_years, std::span<const double> rate,
                      std::span<const double> yield, std::span<const double> vol, const GreeksBatch& out);

// Name of the SIMD target the batch kernel runs on (e.g. "AVX2"), for benchmarks and logs.
const char* batch_simd_target();

}  // namespace alvh::options
