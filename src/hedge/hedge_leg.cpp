#include "alvh/hedge/hedge_leg.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include "alvh/core/error.hpp"

namespace alvh::hedge {

nlohmann::json to_json(const HedgeLeg& l) {
  return {{"instrument", l.instrument},
          {"type", l.type == options::OptionType::Put ? "put" : "call"},
          {"strike", l.strike},
          {"expiry_years", l.expiry_years},
          {"quantity", l.quantity},
          {"premium", l.premium},
          {"side", l.quantity >= 0.0 ? "buy" : "sell"}};
}

namespace {
double number_field(const nlohmann::json& j, const char* key, const std::string& file, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number())
    throw InputError(file, 0, where + "." + key, "missing or not a number");
  const double v = it->get<double>();
  if (!std::isfinite(v)) throw InputError(file, 0, where + "." + key, "not finite");
  return v;
}
}  // namespace

HedgeLeg leg_from_json(const nlohmann::json& j, const std::string& file, std::size_t index) {
  const std::string where = "legs[" + std::to_string(index) + "]";
  if (!j.is_object()) throw InputError(file, 0, where, "expected an object");
  HedgeLeg l;
  const auto inst = j.find("instrument");
  if (inst == j.end() || !inst->is_string()) throw InputError(file, 0, where + ".instrument", "missing or not a string");
  l.instrument = inst->get<std::string>();
  const auto type = j.find("type");
  const std::string t = (type != j.end() && type->is_string()) ? type->get<std::string>() : std::string();
  if (t == "put") l.type = options::OptionType::Put;
  else if (t == "call") l.type = options::OptionType::Call;
  else throw InputError(file, 0, where + ".type", "expected \"put\" or \"call\", got '" + t + "'");
  l.strike = number_field(j, "strike", file, where);
  l.expiry_years = number_field(j, "expiry_years", file, where);
  l.quantity = number_field(j, "quantity", file, where);
  l.premium = number_field(j, "premium", file, where);
  if (!(l.strike > 0.0)) throw InputError(file, 0, where + ".strike", "expected > 0, got " + std::to_string(l.strike));
  if (!(l.expiry_years > 0.0))
    throw InputError(file, 0, where + ".expiry_years", "expected > 0 (option expired?), got " + std::to_string(l.expiry_years));
  if (l.premium < 0.0) throw InputError(file, 0, where + ".premium", "expected >= 0, got " + std::to_string(l.premium));
  if (const auto side = j.find("side"); side != j.end()) {
    const std::string s = side->is_string() ? side->get<std::string>() : std::string();
    if (s != "buy" && s != "sell") throw InputError(file, 0, where + ".side", "expected \"buy\" or \"sell\", got '" + s + "'");
    if ((s == "buy" && l.quantity < 0.0) || (s == "sell" && l.quantity > 0.0))
      throw InputError(file, 0, where + ".side", "'" + s + "' contradicts the sign of quantity " + std::to_string(l.quantity));
  }
  return l;
}

std::vector<HedgeLeg> read_hedge_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open hedge file");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::exception& e) {  // parse errors and out-of-range numbers
    throw InputError(path, std::string("not valid JSON: ") + e.what());
  }
  const auto schema = doc.is_object() ? doc.find("schema") : doc.end();
  if (!doc.is_object() || schema == doc.end() || !schema->is_string() || *schema != "alvh.hedge")
    throw InputError(path, 0, "schema", "expected an \"alvh.hedge\" document (written by `alvh hedge --json`)");
  const auto legs = doc.find("legs");
  if (legs == doc.end() || !legs->is_array()) throw InputError(path, 0, "legs", "missing or not an array");
  std::vector<HedgeLeg> out;
  out.reserve(legs->size());
  for (std::size_t i = 0; i < legs->size(); ++i) out.push_back(leg_from_json((*legs)[i], path, i));
  return out;
}

}  // namespace alvh::hedge
