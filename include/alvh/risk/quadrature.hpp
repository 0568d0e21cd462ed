#pragma once
// Gauss-Legendre quadrature nodes and weights (Golub & Welsch 1969 / Numerical Recipes §4.6
// "gauleg": Newton iteration on the Legendre recurrence). Used by the expected-IL cross-check
// and by the continuous Carr-Madan strip.
#include <cstddef>
#include <vector>

namespace alvh::risk {

struct QuadratureRule {
  std::vector<double> nodes;    // on [a, b]
  std::vector<double> weights;  // sum to b - a
};

// n-point Gauss-Legendre rule on [a, b] (exact for polynomials of degree <= 2n-1). n >= 1.
QuadratureRule gauss_legendre(std::size_t n, double a, double b);

}  // namespace alvh::risk
