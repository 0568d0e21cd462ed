// Uses the installed library: value of the v3 reference position (REFERENCES.md §4b).
#include <alvh/amm/position_model.hpp>
#include <alvh/version.hpp>
#include <cmath>
#include <cstdio>

int main() {
  const double v = alvh::amm::lp_value({1500.0, 2500.0}, 1000.0, 2000.0);
  std::printf("alvh %s: V = %.10f\n", alvh::kVersion, v);
  return std::fabs(v - 10712.8856379174) < 1e-6 ? 0 : 1;
}
