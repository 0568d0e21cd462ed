#include "alvh/risk/quadrature.hpp"

#include <cmath>
#include <numbers>

#include "alvh/core/error.hpp"

namespace alvh::risk {

QuadratureRule gauss_legendre(std::size_t n, double a, double b) {
  require(n >= 1, "Gauss-Legendre points", "at least 1", static_cast<double>(n));
  require(std::isfinite(a) && std::isfinite(b) && a < b, "quadrature interval lower end", "finite and below the upper end", a);
  QuadratureRule r;
  r.nodes.resize(n);
  r.weights.resize(n);
  const double mid = 0.5 * (a + b), half = 0.5 * (b - a);
  const double nd = static_cast<double>(n);
  const std::size_t m = (n + 1) / 2;  // roots are symmetric
  for (std::size_t i = 0; i < m; ++i) {
    // Initial guess (Tricomi): cos(pi (i + 3/4) / (n + 1/2)); then Newton on P_n.
    double z = std::cos(std::numbers::pi * (static_cast<double>(i) + 0.75) / (nd + 0.5));
    double dp = 0.0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0, p1 = 0.0;
      for (std::size_t j = 1; j <= n; ++j) {  // (j) P_j = (2j-1) z P_{j-1} - (j-1) P_{j-2}
        const double p2 = p1;
        p1 = p0;
        const double jd = static_cast<double>(j);
        p0 = ((2.0 * jd - 1.0) * z * p1 - (jd - 1.0) * p2) / jd;
      }
      dp = nd * (z * p0 - p1) / (z * z - 1.0);  // P_n'(z)
      const double dz = p0 / dp;
      z -= dz;
      if (std::abs(dz) < 1e-16) break;
    }
    const double w = 2.0 / ((1.0 - z * z) * dp * dp);
    r.nodes[i] = mid - half * z;
    r.nodes[n - 1 - i] = mid + half * z;
    r.weights[i] = r.weights[n - 1 - i] = half * w;
  }
  return r;
}

}  // namespace alvh::risk
