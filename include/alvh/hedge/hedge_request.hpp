#pragma once
// The pieces of a Layer-1 hedge request that every front end needs the same way (the `alvh hedge`
// CLI and the Python binding `alvh.optimise_hedge`): attaching a listed chain to a HedgeSpec, and
// the result as the `alvh.hedge` JSON document body (docs/json-schema.md).
#include <nlohmann/json.hpp>

#include <string>

#include "alvh/hedge/optimiser.hpp"
#include "alvh/options/chain.hpp"

namespace alvh::hedge {

// Sets spec.quotes, chain_underlying, chain_spot and chain_forward from a loaded chain. The forward
// of the expiry the optimiser will pick (the first at or after the position's horizon, else the
// last) is the quotes' underlying price there: Deribit quotes options on that expiry's future.
void attach_chain(HedgeSpec& spec, const options::OptionChain& chain);

// Sets spec.quotes to a generated chain (synthetic_quotes) around F = price e^{rT}: strikes
// 0.4 F .. 2.5 F every strike_step (<= 0: 2% of the price), priced at the position's vol with
// half_spread_vol vol points of half spread.
void attach_synthetic_chain(HedgeSpec& spec, double strike_step, double half_spread_vol);

// "auto" | "smile" | "lognormal" (DomainError naming the choices otherwise).
HedgeDensity parse_density(const std::string& name);
// "variance" | "cvar"; the DomainError names `what` (e.g. "--objective" for the CLI).
HedgeObjective parse_objective(const std::string& name, const std::string& what = "objective");

// The `alvh.hedge` document body (without the schema envelope): position, objective, constraints,
// legs, costs, greeks before/after, residuals, break-evens. Non-finite numbers become null.
nlohmann::json hedge_result_json(const HedgeSpec& spec, const HedgeResult& result);

}  // namespace alvh::hedge
