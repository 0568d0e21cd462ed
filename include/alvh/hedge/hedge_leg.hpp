#pragma once
// One option leg of a Layer-1 hedge, and the reader of the hedge document that `alvh hedge
// --json` writes (schema "alvh.hedge", docs/risk-hedge.md). sim and backtest consume hedges
// through read_hedge_json, never by parsing the JSON themselves.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alvh/options/black.hpp"

namespace alvh::hedge {

struct HedgeLeg {
  std::string instrument;        // e.g. "ETH-27DEC24-3000-P" or a generated name
  options::OptionType type = options::OptionType::Put;
  double strike = 0.0;           // numeraire per unit underlying
  double expiry_years = 0.0;     // from the hedge date (ACT/365)
  double quantity = 0.0;         // signed, + = long, units of underlying
  double premium = 0.0;          // per unit underlying, numeraire: ask for buys, bid for sells
};

// The leg as it appears in the document's "legs" array (adds "type" "put"|"call" and "side").
nlohmann::json to_json(const HedgeLeg& leg);

// Parses one leg object; throws InputError(file, 0, "legs[i].<field>", ...) on missing or bad fields.
HedgeLeg leg_from_json(const nlohmann::json& j, const std::string& file, std::size_t index);

// Reads the "legs" of an alvh.hedge document. Throws InputError naming the file and field when
// the file is missing, is not JSON, is another schema, or a leg is malformed (non-finite or
// negative strike/premium, expiry <= 0, side inconsistent with the sign of quantity).
std::vector<HedgeLeg> read_hedge_json(const std::string& path);

}  // namespace alvh::hedge
