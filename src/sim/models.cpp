#include "alvh/sim/models.hpp"

#include <cmath>
#include <type_traits>

#include "alvh/core/error.hpp"

namespace alvh::sim {

namespace {
void check_finite(double v, const char* what) { require(std::isfinite(v), what, "a finite number", v); }
void check_vol(double v, const char* what) { require(v >= 0.0 && std::isfinite(v), what, "a finite number >= 0", v); }
}  // namespace

void validate(const PriceModel& model) {
  std::visit(
      [](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, GbmModel>) {
          check_finite(m.drift, "drift");
          check_vol(m.vol, "vol");
        } else if constexpr (std::is_same_v<M, MertonModel>) {
          check_finite(m.drift, "drift");
          check_vol(m.vol, "vol");
          check_vol(m.jump_intensity, "merton.intensity");
          check_finite(m.jump_mean, "merton.jump_mean");
          check_vol(m.jump_stdev, "merton.jump_stdev");
        } else if constexpr (std::is_same_v<M, HestonModel>) {
          check_finite(m.drift, "drift");
          check_vol(m.v0, "heston.v0");
          check_vol(m.kappa, "heston.kappa");
          check_vol(m.theta, "heston.theta");
          check_vol(m.vol_of_vol, "heston.vol_of_vol");
          require(m.rho >= -1.0 && m.rho <= 1.0, "heston.rho (correlation)", "a number in [-1, 1]", m.rho);
        } else if constexpr (std::is_same_v<M, RegimeModel>) {
          check_finite(m.drift, "drift");
          const auto n = m.vols.size();
          require(n >= 1 && n <= 16, "regime.vols (number of states)", "between 1 and 16", static_cast<double>(n));
          for (double v : m.vols) check_vol(v, "regime.vols");
          require(m.generator.size() == n * n, "regime.generator (entries)", "n*n for n vol states",
                  static_cast<double>(m.generator.size()));
          for (std::size_t i = 0; i < n; ++i) {
            double row = 0.0;
            for (std::size_t j = 0; j < n; ++j) {
              const double q = m.generator[i * n + j];
              check_finite(q, "regime.generator");
              if (i != j) require(q >= 0.0, "regime.generator off-diagonal rate", "a number >= 0", q);
              row += q;
            }
            require(std::fabs(row) <= 1e-9 * (1.0 + std::fabs(m.generator[i * n + i])), "regime.generator row sum",
                    "0 (a generator's rows sum to zero)", row);
          }
          require(m.initial_state >= 0 && static_cast<std::size_t>(m.initial_state) < n, "regime.initial_state",
                  "an index of a vol state", m.initial_state);
        } else {
          require(m.log_returns.size() >= 2, "bootstrap returns (count)", "at least 2",
                  static_cast<double>(m.log_returns.size()));
          require(m.interval_years > 0.0 && std::isfinite(m.interval_years), "bootstrap.interval_years",
                  "a finite number > 0", m.interval_years);
          require(m.mean_block >= 1.0 && std::isfinite(m.mean_block), "bootstrap.mean_block", "a number >= 1",
                  m.mean_block);
          check_finite(m.drift, "drift");
        }
      },
      model);
}

void validate(const ScheduledEvent& e) {
  require(e.t_years > 0.0 && std::isfinite(e.t_years), "event t_years", "a finite number > 0", e.t_years);
  require(e.probability >= 0.0 && e.probability <= 1.0, "event probability", "a number in [0, 1]", e.probability);
  check_finite(e.jump_mean, "event jump_mean");
  check_vol(e.jump_stdev, "event jump_stdev");
}

bool feller_satisfied(const HestonModel& m) { return 2.0 * m.kappa * m.theta >= m.vol_of_vol * m.vol_of_vol; }

std::string model_name(const PriceModel& model) {
  static const char* names[] = {"gbm", "merton", "heston", "regime", "bootstrap"};
  return names[model.index()];
}

std::vector<double> matrix_exp(const std::vector<double>& q, int n, double t) {
  const auto N = static_cast<std::size_t>(n);
  // Scale so that ||Q t / 2^s||_inf <= 1/2, Taylor to 30 terms, square s times.
  double norm = 0.0;
  for (std::size_t i = 0; i < N; ++i) {
    double row = 0.0;
    for (std::size_t j = 0; j < N; ++j) row += std::fabs(q[i * N + j]);
    norm = std::max(norm, row);
  }
  norm *= std::fabs(t);
  int s = 0;
  while (norm > 0.5 && s < 60) {
    norm *= 0.5;
    ++s;
  }
  const double scale = std::ldexp(t, -s);
  std::vector<double> a(N * N), result(N * N, 0.0), term(N * N, 0.0), tmp(N * N);
  for (std::size_t i = 0; i < N * N; ++i) a[i] = q[i] * scale;
  for (std::size_t i = 0; i < N; ++i) result[i * N + i] = term[i * N + i] = 1.0;
  auto mul = [&](const std::vector<double>& x, const std::vector<double>& y, std::vector<double>& out) {
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) {
        double acc = 0.0;
        for (std::size_t k = 0; k < N; ++k) acc += x[i * N + k] * y[k * N + j];
        out[i * N + j] = acc;
      }
  };
  for (int k = 1; k <= 30; ++k) {
    mul(term, a, tmp);
    for (std::size_t i = 0; i < N * N; ++i) {
      term[i] = tmp[i] / k;
      result[i] += term[i];
    }
  }
  for (int i = 0; i < s; ++i) {
    mul(result, result, tmp);
    result.swap(tmp);
  }
  return result;
}

}  // namespace alvh::sim
