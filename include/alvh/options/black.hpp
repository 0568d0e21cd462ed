#pragma once
// European option pricing: Black-76 on a forward and Black-Scholes-Merton on spot, with
// greeks, for linear (quote-currency) and inverse (coin-settled, Deribit-style) settlement.
//
// Conventions (docs/options.md):
//   - time in years (ACT/365), rates and yields continuously compounded, vol annualised;
//   - greeks are per 1 unit of underlying: vega per 1.00 of vol, rho per 1.00 of rate,
//     theta per year as dV/dt (calendar time, i.e. -dV/dT);
//   - prices are computed through the normalised Black function b(x, s) = B/sqrt(F K)
//     (Jäckel, "Let's Be Rational", Wilmott 2015), with erfc-based tails and no subtraction
//     of nearly equal terms for out-of-the-money options, so that a price of 1e-300 is
//     accurate to ~1e-13 relative and a price is never negative.
// Arguments outside their domain (negative vol, strike, time; non-positive forward or
// discount; NaN) throw alvh::DomainError naming the argument.
namespace alvh::options {

enum class OptionType { Call, Put };
enum class Settlement { Linear, Inverse };

// Black-76 on a forward: price = discount * E[(F_T-K)^+] (call); discount = exp(-r T).
double black76_price(OptionType type, double forward, double strike, double t_years, double vol, double discount = 1.0);
// Black-Scholes-Merton on spot with continuously compounded rate r and yield/carry q.
double bsm_price(OptionType type, double spot, double strike, double t_years, double rate, double yield, double vol);

// Per unit underlying; vega per 1.00 vol; theta per year (dV/dt); rho per 1.00 of rate.
struct Greeks {
  double price, delta, gamma, vega, theta, rho, vanna, volga;
};

// BSM greeks with respect to spot: delta = dV/dS, gamma = d2V/dS2, vanna = d2V/dS dvol,
// volga = d2V/dvol2, theta = dV/dt with r, q, vol fixed, rho = dV/dr with q fixed.
Greeks bsm_greeks(OptionType type, double spot, double strike, double t_years, double rate, double yield, double vol);
// Black-76 greeks with respect to the forward: delta = dV/dF, gamma = d2V/dF2,
// vanna = d2V/dF dvol; theta = dV/dt with F fixed and r = -ln(discount)/T fixed;
// rho = dV/dr with F fixed (= -T V).
Greeks black76_greeks(OptionType type, double forward, double strike, double t_years, double vol,
                      double discount = 1.0);

// Spot delta of a BSM option together with its forward delta (dV/dF at fixed discount).
struct Deltas {
  double spot, forward;
};
Deltas bsm_deltas(OptionType type, double spot, double strike, double t_years, double rate, double yield, double vol);

// Settlement-aware greeks. Linear: identical to bsm_greeks (all in quote currency).
// Inverse (coin-settled, as Deribit BTC/ETH options): the option pays the linear payoff
// divided by the underlying at expiry, so its coin price is V_coin = V_usd / S.
//   price = V/S (coin per 1 unit of underlying);
//   delta = S * d(V/S)/dS = Delta - V/S  ("premium-adjusted" delta in coins, as Deribit shows);
//   gamma = d(delta_pa)/dS = Gamma - (Delta - V/S)/S;
//   vanna = d(delta_pa)/dvol = Vanna - Vega/S;
//   vega, theta, rho, volga = the linear ones divided by S (in coin).
Greeks bsm_greeks(OptionType type, double spot, double strike, double t_years, double rate, double yield, double vol,
                  Settlement settlement);

// Black-76 with settlement: Inverse divides by the forward F (the coin price of an option on
// a future, Deribit style) with the same premium-adjusted delta/gamma/vanna conventions as
// above (S replaced by F, derivatives with respect to F).
Greeks black76_greeks(OptionType type, double forward, double strike, double t_years, double vol, double discount,
                      Settlement settlement);

// ---- building blocks -------------------------------------------------------------------
// Standard normal CDF via erfc: accurate relative to the value in both tails.
double norm_cdf(double z) noexcept;
double norm_pdf(double z) noexcept;
// erfcx(z) = exp(z^2) erfc(z), accurate for all z where it does not overflow.
double erfcx(double z) noexcept;

// Normalised Black call price b(x, s) = B/(D sqrt(F K)) with x = ln(F/K), s = vol sqrt(T):
//   b = e^{x/2} N(x/s + s/2) - e^{-x/2} N(x/s - s/2).  Put: b_put(x, s) = b_call(-x, s).
// Accurate to a few ulp times (1 + (x/s)^2) relative, never negative; s = 0 gives intrinsic.
double normalised_black_call(double x, double s) noexcept;
// The out-of-the-money part only: b(-|x|, s) (time value of the OTM option; equals the time
// value of the ITM one by put-call symmetry).
double normalised_black_otm(double x, double s) noexcept;

}  // namespace alvh::options
