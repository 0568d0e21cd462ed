#pragma once
// Option chains: quotes as traders download them (Deribit book summaries as JSON or CSV, the
// shared Deribit snapshots, a generic CSV), Deribit instrument names, and put-call parity
// helpers (synthetic forward, conversion/reversal, cheapest way to hold a payoff).
// Accepted schemas: docs/options.md, "Chain files".
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alvh/options/black.hpp"

namespace alvh::options {

struct OptionQuote {
  std::string instrument;
  OptionType type;
  double strike;
  double expiry_years;
  double bid, ask, mark;  // in numeraire (e.g. USD) per 1 unit of underlying; NaN if absent
  double iv;              // mark implied vol, annualised, NaN if absent
  double underlying_price;
};

struct OptionChain {
  std::string underlying;
  double spot;
  std::vector<OptionQuote> quotes;
};

// Loads a chain, detecting the format from the file: JSON (a Deribit
// public/get_book_summary_by_currency response, or its "result" array), a Deribit
// book-summary CSV (instrument_name, mark_price, bid_price, ask_price, underlying_price, ...
// prices in coin), the shared Deribit snapshot CSV (..._btc columns) or the generic CSV
// (expiry, strike, type, bid, ask, iv [, underlying_price | spot, as_of]).
// Coin prices are converted to numeraire by multiplying by the row's underlying price.
// Throws InputError naming file, line and field on a bad row (crossed quotes, negative
// strike, unknown instrument name, missing column).
OptionChain load_chain(const std::string& path);

struct ChainLoadOptions {
  // Valuation time in Unix seconds (UTC). NaN: taken from the file (snapshot_time_utc,
  // creation_timestamp or as_of), which is then required.
  double as_of_unix = std::numeric_limits<double>::quiet_NaN();
};
OptionChain load_chain(const std::string& path, const ChainLoadOptions& options);

// ---- Deribit instrument names: <UNDERLYING>-<D[D]MMMYY>-<STRIKE>-<C|P>, e.g. ETH-27DEC24-3000-C.
struct DeribitInstrument {
  std::string underlying;  // "ETH"
  int year, month, day;    // expiry date; Deribit options expire at 08:00 UTC
  double strike;
  OptionType type;
};
// nullopt when the name is not a Deribit option name.
std::optional<DeribitInstrument> parse_deribit_instrument(std::string_view name);
std::string format_deribit_instrument(const DeribitInstrument& inst);
// Expiry (08:00 UTC on the expiry date) in Unix seconds.
double deribit_expiry_unix(const DeribitInstrument& inst);

// ISO-8601 UTC time ("2020-05-14T05:43:53.445Z", "2020-05-14T08:00:00Z", "2020-05-14") to
// Unix seconds; nullopt when malformed.
std::optional<double> parse_iso_utc(std::string_view text);
// Year fraction ACT/365 between two Unix times.
inline double years_between(double from_unix, double to_unix) {
  return (to_unix - from_unix) / (365.0 * 86400.0);
}

// ---- put-call parity (Haug 2007, 1.1.1: C - P = D (F - K)) -------------------------------
// Forward implied by a call and a put of the same strike and expiry: F = K + (C - P)/D.
double synthetic_forward(double call_price, double put_price, double strike, double discount);

// Conversion (long forward, long put, short call) and reversal (short forward, short put, long
// call): the riskless profit locked in now, per unit underlying, when the options are traded
// at their bid/ask and the forward bought at forward_ask / sold at forward_bid. Both legs
// pay K at expiry against the underlying, so each is worth the parity gap C - P - D (F - K).
struct ParityArbitrage {
  double conversion;  // D (K - F_ask) + C_bid - P_ask   (> 0: riskless profit)
  double reversal;    // D (F_bid - K) - C_ask + P_bid   (> 0: riskless profit)
};
ParityArbitrage parity_arbitrage(const OptionQuote& call, const OptionQuote& put, double forward_bid,
                                 double forward_ask, double discount);

// Cheapest way to hold a target payoff from bid/ask quotes: a long call is either the call
// (at its ask) or a put plus a long forward (P_ask + D (F_ask - K)); a long put is the put or
// a call plus a short forward (C_ask - D (F_bid - K)). Selling is the mirror image at bids.
struct CheapestHolding {
  std::string route;   // "call", "put + long forward", "put", "call + short forward"
  double cost;         // premium paid now per unit underlying (negative = received)
  double alternative;  // cost of the other route
  double saving;       // alternative - cost (>= 0)
};
CheapestHolding cheapest_long(OptionType target, const OptionQuote& call, const OptionQuote& put, double forward_bid,
                              double forward_ask, double discount);

}  // namespace alvh::options
