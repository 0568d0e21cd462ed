#pragma once
// Numbers behind the report's position section: payoff at horizon of HODL, the LP and the LP
// with its option hedge on a price grid, break-even prices, and greeks vs price. All values come
// from alvh::amm (closed-form position model) and alvh::options (Black-Scholes); this file only
// assembles them for the report.
#include <optional>
#include <vector>

#include "alvh/amm/position_model.hpp"
#include "alvh/options/black.hpp"

namespace alvh::report {

struct PositionSpec {
  amm::PriceRange range;
  double price = 0.0;    // entry price P0 (Y per X)
  double capital = 0.0;  // Y
  double vol = 0.0;      // annualised, for the option legs' time value and LVR
  double fee_apr = 0.0;  // fee income per year as a fraction of position value while in range (as risk/sim)
  double horizon_years = 0.0;
};

// One option leg as the report needs it (the hedge module's HedgeLeg has the same fields).
struct OptionLeg {
  options::OptionType type = options::OptionType::Put;
  double strike = 0.0;
  double expiry_years = 0.0;
  double quantity = 0.0;  // signed, + = long, units of X
  double premium = 0.0;   // paid per unit (Y), what was paid at entry
};

struct PayoffCurves {
  std::vector<double> price;       // P_T grid
  std::vector<double> hodl;        // P&L of holding the deposited amounts: V_HODL(P_T) - capital
  std::vector<double> lp;          // P&L of the LP incl. fees earned in range at the entry rate
  std::vector<double> lp_hedged;   // lp + option legs (value at horizon) - premiums; empty without legs
  double fee_income = 0.0;         // fees over the horizon assumed in lp (Y)
  std::vector<double> lp_break_evens;         // P_T where lp crosses 0
  std::vector<double> lp_hedged_break_evens;  // P_T where lp_hedged crosses 0
};

// Fee income over `horizon_years` at the entry rate, fee_apr x capital x T, as a position that
// stays in range would earn it (the simulation gives the distribution).
double fee_income_in_range(const PositionSpec& s);

// Value at time t_years after entry of the option legs at price P: Black-Scholes with the flat
// `vol` and zero rates for the remaining life, intrinsic at or after expiry.
double option_legs_value(const std::vector<OptionLeg>& legs, double price, double t_years, double vol);

// Curves on `points` prices from lo to hi (default: +-60% around P0, covering the range).
PayoffCurves payoff_at_horizon(const PositionSpec& s, const std::vector<OptionLeg>& legs, int points = 241,
                               std::optional<double> lo = std::nullopt, std::optional<double> hi = std::nullopt);

struct GreekCurves {
  std::vector<double> price;
  std::vector<double> lp_delta, lp_gamma;            // dV/dP (X), d2V/dP2
  std::vector<double> hedged_delta, hedged_gamma;    // LP + legs at t = 0; empty without legs
  std::vector<double> lp_dollar_gamma;               // 0.5 gamma P^2 (Y per unit return^2)
};
GreekCurves greeks_vs_price(const PositionSpec& s, const std::vector<OptionLeg>& legs, int points = 241);

// Roots of the linear interpolant of (x, y) (sign changes), in increasing x.
std::vector<double> zero_crossings(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace alvh::report
