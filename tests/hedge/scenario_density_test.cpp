// The optimiser's scenario density (hedge_scenarios): lognormal at the ATM vol for flat chains,
// the SVI smile density of Gatheral & Jacquier (2014) eq. (2.2) for chains with a smile.
// References: Breeden & Litzenberger (1978), the density is e^{rT} d2C/dK2, checked here by
// central finite differences of Black-76 prices at the SVI vols (an independent computation of
// the same density); the martingale property E[S_T] = F; the lognormal density's closed form.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "alvh/core/error.hpp"
#include "alvh/hedge/hedge_request.hpp"
#include "alvh/hedge/optimiser.hpp"
#include "alvh/options/black.hpp"
#include "alvh/options/chain.hpp"
#include "alvh/options/vol_surface.hpp"
#include "test_support.hpp"

namespace {
namespace hedge = alvh::hedge;
namespace options = alvh::options;

constexpr double kF = 3000.0;
constexpr double kT = 30.0 / 365.0;
// An arbitrage-free SVI slice with put skew: ATM vol ~ 0.6, w(0) = a + b sigma (m = 0).
const options::SviParams kSvi{0.01, 0.1, -0.4, 0.0, 0.2};

double svi_vol(double K) { return std::sqrt(options::svi_total_variance(kSvi, std::log(K / kF)) / kT); }

hedge::HedgeSpec smile_spec() {
  hedge::HedgeSpec s;
  s.position.range = {2400.0, 3750.0};
  s.position.price = kF;
  s.position.capital = 100000.0;
  s.position.vol_annual = 0.6;
  s.position.horizon_years = kT;
  s.quotes = hedge::synthetic_quotes(kF, kT, svi_vol, 100.0, 0.5, 2.0, 0.01);  // strikes 1500..6000
  return s;
}

TEST(ScenarioDensity, SmileDensityIsBreedenLitzenbergerOfTheFittedSlice) {
  const auto d = hedge::hedge_scenarios(smile_spec());
  ASSERT_EQ(d.density.rfind("smile", 0), 0u) << d.density;
  const std::size_t m = d.price.size();
  EXPECT_NEAR(std::accumulate(d.probability.begin(), d.probability.end(), 0.0), 1.0, 1e-12);
  // Independent density: d2C/dK2 by central differences of Black-76 at the SVI vol, as a
  // density in k = ln(K/F) (times K), times each node's share of the k axis.
  std::vector<double> bl(m);
  double bl_sum = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const double K = d.price[j], h = 1e-3 * K;
    auto C = [](double k) { return options::black76_price(options::OptionType::Call, kF, k, kT, svi_vol(k), 1.0); };
    const double dens_K = (C(K + h) - 2.0 * C(K) + C(K - h)) / (h * h);
    const double k_lo = std::log(d.price[j > 0 ? j - 1 : 0] / kF), k_hi = std::log(d.price[std::min(j + 1, m - 1)] / kF);
    bl[j] = dens_K * K * 0.5 * (k_hi - k_lo);
    bl_sum += bl[j];
  }
  double worst = 0;
  for (std::size_t j = 0; j < m; ++j) {
    if (d.probability[j] < 1e-6) continue;
    worst = std::max(worst, std::abs(d.probability[j] / (bl[j] / bl_sum) - 1.0));
  }
  EXPECT_LT(worst, 2e-3) << "the SVI fit reproduces the slice; the finite differences are O(h^2)";
  // Martingale: E[S_T] = F up to the grid's truncation at +-zmax.
  double mean = 0;
  for (std::size_t j = 0; j < m; ++j) mean += d.probability[j] * d.price[j];
  EXPECT_NEAR(mean / kF, 1.0, 2e-3);
  // Put skew (rho < 0) puts more mass below F e^{-2 s} than the lognormal at the ATM vol does.
  auto lognormal = smile_spec();
  lognormal.density = hedge::HedgeDensity::Lognormal;
  const auto dl = hedge::hedge_scenarios(lognormal);
  double left_smile = 0, left_logn = 0;  // the smile's grid is wider (fatter wings), so sum each on its own
  const double cut = kF * std::exp(-2.0 * 0.6 * std::sqrt(kT));
  for (std::size_t j = 0; j < m; ++j)
    if (d.price[j] < cut) left_smile += d.probability[j];
  for (std::size_t j = 0; j < dl.price.size(); ++j)
    if (dl.price[j] < cut) left_logn += dl.probability[j];
  EXPECT_GT(left_smile, left_logn);
}

TEST(ScenarioDensity, LognormalIsTheBlackDensityAtTheAtmVol) {
  auto s = smile_spec();
  s.density = hedge::HedgeDensity::Lognormal;
  const auto d = hedge::hedge_scenarios(s);
  EXPECT_EQ(d.density.rfind("lognormal", 0), 0u);
  // Closed form: ln(S/F) ~ N(-v^2 T/2, v^2 T) with v the IV at the strike nearest F (= 3000 here).
  const double v = svi_vol(3000.0), sd = v * std::sqrt(kT);
  const std::size_t m = d.price.size();
  std::vector<double> ref(m);
  double sum = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const double k = std::log(d.price[j] / kF);
    const double k_lo = std::log(d.price[j > 0 ? j - 1 : 0] / kF), k_hi = std::log(d.price[std::min(j + 1, m - 1)] / kF);
    const double z = (k + 0.5 * sd * sd) / sd;
    ref[j] = std::exp(-0.5 * z * z) * 0.5 * (k_hi - k_lo);
    sum += ref[j];
  }
  for (std::size_t j = 0; j < m; ++j) EXPECT_NEAR(d.probability[j], ref[j] / sum, 1e-12);
}

TEST(ScenarioDensity, FlatChainsFallBackAndSmileOnFlatChainIsAnError) {
  auto s = smile_spec();
  s.quotes = hedge::synthetic_quotes(kF, kT, 0.6, 100.0, 0.5, 2.0, 0.01);
  const auto d = hedge::hedge_scenarios(s);
  EXPECT_NE(d.density.find("flat"), std::string::npos) << d.density;
  s.density = hedge::HedgeDensity::Smile;
  EXPECT_THROW(hedge::hedge_scenarios(s), hedge::HedgeError);
  EXPECT_THROW(hedge::parse_density("gaussian"), alvh::DomainError);
  EXPECT_EQ(hedge::parse_density("smile"), hedge::HedgeDensity::Smile);
}

TEST(ScenarioDensity, RealDeribitChainUsesItsSmileAndStaysAMartingale) {
  ALVH_REQUIRE_SHARED(path, "data/deribit_btc_option_chain_20200514.csv");
  hedge::HedgeSpec s;
  s.position.range = {8000.0, 11000.0};
  s.position.price = 9300.0;
  s.position.capital = 100000.0;
  s.position.vol_annual = 0.8;
  s.position.horizon_years = 14.0 / 365.0;
  hedge::attach_chain(s, options::load_chain(path));
  const auto d = hedge::hedge_scenarios(s);
  EXPECT_EQ(d.density.rfind("smile", 0), 0u) << d.density;
  double mean = 0;
  for (std::size_t j = 0; j < d.price.size(); ++j) mean += d.probability[j] * d.price[j];
  EXPECT_NEAR(mean / d.forward, 1.0, 5e-3);
  const auto r = hedge::optimise_hedge(s);
  EXPECT_EQ(r.density, d.density);
  EXPECT_TRUE(r.tail_covered);
}

}  // namespace
