// Option chains from files, Deribit instrument names, put-call parity helpers.
// Deribit field names: Deribit API v2 documentation, public/get_book_summary_by_currency
// (instrument_name, mark_price, mark_iv, bid_price, ask_price, underlying_price,
// interest_rate, open_interest, creation_timestamp); inverse options are quoted in the coin,
// linear (…_USDC) options in USDC. Shared snapshots: /work/shared/data/README.md section 5.
#include "alvh/options/chain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "alvh/core/csv.hpp"
#include "alvh/core/error.hpp"

namespace alvh::options {
namespace {

constexpr std::array<const char*, 12> kMonths = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                 "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool valid_date(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= dim[m - 1] + ((m == 2 && leap) ? 1 : 0);
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_linear_underlying(std::string_view u) {
  return u.ends_with("_USDC") || u.ends_with("_USDT") || u.ends_with("_USD");
}

}  // namespace

std::optional<double> parse_iso_utc(std::string_view s) {
  // YYYY-MM-DD[THH:MM[:SS[.fff]]][Z]
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<int> {
    if (pos + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  if (!y || !mo || !d || !valid_date(*y, *mo, *d)) return std::nullopt;
  double secs = static_cast<double>(days_from_civil(*y, *mo, *d)) * 86400.0;
  std::size_t pos = 10;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    const auto hh = digits(pos + 1, 2);
    if (!hh || pos + 3 >= s.size() || s[pos + 3] != ':') return std::nullopt;
    const auto mm = digits(pos + 4, 2);
    if (!mm || *hh > 23 || *mm > 59) return std::nullopt;
    secs += *hh * 3600.0 + *mm * 60.0;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      const auto ss = digits(pos + 1, 2);
      if (!ss || *ss > 60) return std::nullopt;
      secs += *ss;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        double scale = 0.1;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
          secs += (s[pos] - '0') * scale;
          scale *= 0.1;
          ++pos;
        }
      }
    }
  }
  if (pos < s.size() && s[pos] == 'Z') ++pos;
  if (pos != s.size()) return std::nullopt;
  return secs;
}

std::optional<DeribitInstrument> parse_deribit_instrument(std::string_view name) {
  // <UNDERLYING>-<D[D]MMMYY>-<STRIKE>-<C|P>; the strike may use 'd' as decimal point (0d625).
  std::array<std::string_view, 4> part{};
  std::size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    const std::size_t dash = name.find('-', start);
    if (i < 3 && dash == std::string_view::npos) return std::nullopt;
    part[static_cast<std::size_t>(i)] = name.substr(start, i < 3 ? dash - start : std::string_view::npos);
    start = dash + 1;
  }
  if (part[0].empty() || part[3].size() != 1) return std::nullopt;
  DeribitInstrument inst{};
  inst.underlying = std::string(part[0]);
  const char cp = static_cast<char>(std::toupper(static_cast<unsigned char>(part[3][0])));
  if (cp != 'C' && cp != 'P') return std::nullopt;
  inst.type = cp == 'C' ? OptionType::Call : OptionType::Put;
  const std::string_view date = part[1];
  if (date.size() != 6 && date.size() != 7) return std::nullopt;
  const std::size_t nd = date.size() - 5;
  int day = 0;
  for (std::size_t i = 0; i < nd; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(date[i]))) return std::nullopt;
    day = day * 10 + (date[i] - '0');
  }
  const std::string mon = upper(date.substr(nd, 3));
  const auto mit = std::find_if(kMonths.begin(), kMonths.end(), [&](const char* m) { return mon == m; });
  if (mit == kMonths.end()) return std::nullopt;
  if (!std::isdigit(static_cast<unsigned char>(date[nd + 3])) ||
      !std::isdigit(static_cast<unsigned char>(date[nd + 4])))
    return std::nullopt;
  inst.year = 2000 + (date[nd + 3] - '0') * 10 + (date[nd + 4] - '0');
  inst.month = static_cast<int>(mit - kMonths.begin()) + 1;
  inst.day = day;
  if (!valid_date(inst.year, inst.month, inst.day)) return std::nullopt;
  std::string strike(part[2]);
  std::replace(strike.begin(), strike.end(), 'd', '.');
  const auto k = parse_double(strike);
  if (!k || !(*k > 0.0)) return std::nullopt;
  inst.strike = *k;
  return inst;
}

std::string format_deribit_instrument(const DeribitInstrument& inst) {
  std::string strike = fmt::format("{}", inst.strike);
  std::replace(strike.begin(), strike.end(), '.', 'd');
  return fmt::format("{}-{}{}{:02d}-{}-{}", inst.underlying, inst.day,
                     kMonths[static_cast<std::size_t>(inst.month - 1)], inst.year % 100, strike,
                     inst.type == OptionType::Call ? 'C' : 'P');
}

double deribit_expiry_unix(const DeribitInstrument& inst) {
  return static_cast<double>(days_from_civil(inst.year, inst.month, inst.day)) * 86400.0 + 8.0 * 3600.0;
}

namespace {

// Bid/ask/mark checks shared by every format. Crossed quotes are an error.
void check_quote(const OptionQuote& q, const std::string& file, std::size_t line, const std::string& where) {
  auto fail = [&](const std::string& field, const std::string& msg) {
    throw InputError(file, line, where + field, msg);
  };
  if (!(q.strike > 0.0) || !std::isfinite(q.strike))
    fail("strike", fmt::format("expected a strike > 0, got {}", q.strike));
  if (!(q.expiry_years > 0.0))
    fail("expiry", fmt::format("expiry is not after the valuation time ({} years)", q.expiry_years));
  for (auto [v, name] : {std::pair{q.bid, "bid"}, std::pair{q.ask, "ask"}, std::pair{q.mark, "mark"}})
    if (std::isfinite(v) && v < 0.0) fail(name, fmt::format("expected a price >= 0, got {}", v));
  if (std::isfinite(q.iv) && q.iv < 0.0) fail("iv", fmt::format("expected a volatility >= 0, got {}", q.iv));
  if (std::isfinite(q.bid) && std::isfinite(q.ask) && q.bid > q.ask)
    fail("bid", fmt::format("crossed quote: bid {} > ask {}", q.bid, q.ask));
}

double median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// Optional numeric CSV field: empty -> NaN; else must parse.
double opt_double(const CsvReader& r, std::optional<std::size_t> col) {
  if (!col || r.is_empty(*col)) return kNaN;
  return r.get_double(*col);
}

OptionType parse_type(const CsvReader& r, std::size_t col) {
  const std::string t = upper(r.field(col));
  if (t == "C" || t == "CALL") return OptionType::Call;
  if (t == "P" || t == "PUT") return OptionType::Put;
  r.fail(col, fmt::format("expected call/put (or C/P), got '{}'", r.field(col)));
}

// A coin-quoted Deribit price (0 with no amount = empty book side) converted to numeraire.
double coin_to_numeraire(double coin, double underlying, bool linear) {
  if (!std::isfinite(coin)) return kNaN;
  return linear ? coin : coin * underlying;
}

OptionChain load_deribit_csv(CsvReader& r, const ChainLoadOptions& opt, bool snapshot) {
  const std::string& file = r.path();
  const auto c_name = r.column("instrument_name");
  const auto c_mark = r.find_column(snapshot ? "mark_price_btc" : "mark_price");
  const auto c_bid = r.find_column(snapshot ? "best_bid_price_btc" : "bid_price");
  const auto c_ask = r.find_column(snapshot ? "best_ask_price_btc" : "ask_price");
  const auto c_bid_amt = r.find_column("best_bid_amount");
  const auto c_ask_amt = r.find_column("best_ask_amount");
  const auto c_iv = r.find_column(snapshot ? "mark_iv_pct" : "mark_iv");
  const auto c_und = r.column(snapshot ? "underlying_price_usd" : "underlying_price");
  const auto c_index = r.find_column(snapshot ? "index_price_usd" : "estimated_delivery_price");
  const auto c_time = r.find_column(snapshot ? "snapshot_time_utc" : "creation_timestamp");
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  const std::size_t c_expiry = snapshot ? r.find_column("expiry_utc").value_or(kNone) : kNone;
  OptionChain chain;
  std::vector<double> index_prices;
  while (r.next()) {
    const std::string name(r.field(c_name));
    const auto inst = parse_deribit_instrument(name);
    if (!inst) r.fail(c_name, fmt::format("unknown instrument format '{}' (expected e.g. ETH-27DEC24-3000-C)", name));
    if (chain.underlying.empty()) chain.underlying = inst->underlying;
    double now = opt.as_of_unix;
    if (!std::isfinite(now)) {
      if (!c_time)
        throw InputError(file, r.line(), snapshot ? "snapshot_time_utc" : "creation_timestamp",
                         "no valuation time: add the column or pass an as-of time");
      if (snapshot) {
        const auto t = parse_iso_utc(r.field(*c_time));
        if (!t) r.fail(*c_time, fmt::format("expected an ISO-8601 UTC time, got '{}'", r.field(*c_time)));
        now = *t;
      } else {
        now = r.get_double(*c_time) / 1000.0;  // Deribit timestamps are in ms
      }
    }
    double expiry = deribit_expiry_unix(*inst);
    if (c_expiry != kNone && !r.is_empty(c_expiry)) {
      const auto t = parse_iso_utc(r.field(c_expiry));
      if (!t) r.fail(c_expiry, fmt::format("expected an ISO-8601 UTC time, got '{}'", r.field(c_expiry)));
      expiry = *t;
    }
    const bool linear = is_linear_underlying(inst->underlying);
    const double und = r.get_positive(c_und);
    double bid = opt_double(r, c_bid), ask = opt_double(r, c_ask);
    // An empty side of the book is reported as price 0 (with amount 0): absent, not free.
    if (std::isfinite(bid) && bid == 0.0 && (!c_bid_amt || opt_double(r, c_bid_amt) == 0.0)) bid = kNaN;
    if (std::isfinite(ask) && ask == 0.0 && (!c_ask_amt || opt_double(r, c_ask_amt) == 0.0)) ask = kNaN;
    OptionQuote q{name,
                  inst->type,
                  inst->strike,
                  years_between(now, expiry),
                  coin_to_numeraire(bid, und, linear),
                  coin_to_numeraire(ask, und, linear),
                  coin_to_numeraire(opt_double(r, c_mark), und, linear),
                  opt_double(r, c_iv) / 100.0,  // Deribit quotes iv in percent
                  und};
    if (std::isfinite(q.iv) && q.iv == 0.0) q.iv = kNaN;  // Deribit placeholder for "none"
    check_quote(q, file, r.line(), "");
    if (c_index && !r.is_empty(*c_index)) index_prices.push_back(r.get_double(*c_index));
    chain.quotes.push_back(std::move(q));
  }
  if (chain.quotes.empty()) throw InputError(file, "no option rows");
  std::vector<double> und;
  for (const auto& q : chain.quotes) und.push_back(q.underlying_price);
  chain.spot = index_prices.empty() ? median(und) : median(index_prices);
  return chain;
}

OptionChain load_generic_csv(CsvReader& r, const ChainLoadOptions& opt) {
  const std::string& file = r.path();
  const auto c_exp = r.column("expiry"), c_k = r.column("strike"), c_type = r.column("type");
  const auto c_bid = r.column("bid"), c_ask = r.column("ask"), c_iv = r.column("iv");
  const auto c_mark = r.find_column("mark");
  const auto c_und = r.find_column("underlying_price");
  const auto c_spot = r.find_column("spot");
  const auto c_asof = r.find_column("as_of");
  const auto c_inst = r.find_column("instrument");
  const auto c_under_name = r.find_column("underlying");
  if (!c_und && !c_spot)
    throw InputError(file, "generic chain CSV needs a 'spot' or 'underlying_price' column (docs/options.md)");
  OptionChain chain;
  std::vector<double> spots;
  while (r.next()) {
    OptionQuote q{};
    q.type = parse_type(r, c_type);
    q.strike = r.get_double(c_k);
    const std::string_view e = r.field(c_exp);
    if (const auto years = parse_double(e)) {
      q.expiry_years = *years;
    } else if (const auto t = parse_iso_utc(e)) {
      double now = opt.as_of_unix;
      if (!std::isfinite(now)) {
        if (!c_asof) r.fail(c_exp, "expiry is a date but there is no 'as_of' column or as-of time");
        const auto a = parse_iso_utc(r.field(*c_asof));
        if (!a) r.fail(*c_asof, fmt::format("expected an ISO-8601 UTC time, got '{}'", r.field(*c_asof)));
        now = *a;
      }
      q.expiry_years = years_between(now, *t);
    } else {
      r.fail(c_exp, fmt::format("expected years (e.g. 0.25) or an ISO date, got '{}'", e));
    }
    q.bid = opt_double(r, c_bid);
    q.ask = opt_double(r, c_ask);
    q.mark = opt_double(r, c_mark);
    q.iv = opt_double(r, c_iv);
    const double spot = opt_double(r, c_spot);
    q.underlying_price = c_und ? opt_double(r, c_und) : spot;
    if (!std::isfinite(q.underlying_price)) q.underlying_price = spot;
    if (!(q.underlying_price > 0.0))
      throw InputError(file, r.line(), c_und ? "underlying_price" : "spot", "expected a price > 0");
    if (std::isfinite(spot)) spots.push_back(spot);
    q.instrument = c_inst ? std::string(r.field(*c_inst))
                          : fmt::format("{}-{}-{}", q.expiry_years, q.strike, q.type == OptionType::Call ? 'C' : 'P');
    if (c_under_name && chain.underlying.empty()) chain.underlying = std::string(r.field(*c_under_name));
    check_quote(q, file, r.line(), "");
    chain.quotes.push_back(std::move(q));
  }
  if (chain.quotes.empty()) throw InputError(file, "no option rows");
  if (spots.empty())
    for (const auto& q : chain.quotes) spots.push_back(q.underlying_price);
  chain.spot = median(spots);
  return chain;
}

OptionChain load_json(const std::string& path, const ChainLoadOptions& opt) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open file");
  nlohmann::json doc;
  try {
    in >> doc;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, fmt::format("invalid JSON: {}", e.what()));
  }
  const nlohmann::json* arr = &doc;
  if (doc.is_object() && doc.contains("result")) arr = &doc["result"];
  if (!arr->is_array()) throw InputError(path, "expected a JSON array of book summaries or an object with \"result\"");
  OptionChain chain;
  std::vector<double> index_prices, und_all;
  std::size_t i = 0;
  for (const auto& e : *arr) {
    ++i;
    const std::string where = fmt::format("result[{}].", i - 1);
    auto num = [&](const char* field, bool required) -> double {
      if (!e.contains(field) || e[field].is_null()) {
        if (required) throw InputError(path, i, where + field, "missing field");
        return kNaN;
      }
      if (!e[field].is_number()) throw InputError(path, i, where + field, "expected a number");
      return e[field].get<double>();
    };
    if (!e.is_object() || !e.contains("instrument_name") || !e["instrument_name"].is_string())
      throw InputError(path, i, where + "instrument_name", "missing field");
    const std::string name = e["instrument_name"].get<std::string>();
    const auto inst = parse_deribit_instrument(name);
    if (!inst)
      throw InputError(path, i, where + "instrument_name",
                       fmt::format("unknown instrument format '{}' (expected e.g. ETH-27DEC24-3000-C)", name));
    if (chain.underlying.empty()) chain.underlying = inst->underlying;
    double now = opt.as_of_unix;
    if (!std::isfinite(now)) now = num("creation_timestamp", true) / 1000.0;
    const double und = num("underlying_price", true);
    if (!(und > 0.0)) throw InputError(path, i, where + "underlying_price", "expected a price > 0");
    const bool linear = is_linear_underlying(inst->underlying);
    double bid = num("bid_price", false), ask = num("ask_price", false);
    if (bid == 0.0) bid = kNaN;
    if (ask == 0.0) ask = kNaN;
    OptionQuote q{name,
                  inst->type,
                  inst->strike,
                  years_between(now, deribit_expiry_unix(*inst)),
                  coin_to_numeraire(bid, und, linear),
                  coin_to_numeraire(ask, und, linear),
                  coin_to_numeraire(num("mark_price", false), und, linear),
                  num("mark_iv", false) / 100.0,
                  und};
    if (q.iv == 0.0) q.iv = kNaN;
    check_quote(q, path, i, where);
    const double idx = num("estimated_delivery_price", false);
    if (std::isfinite(idx)) index_prices.push_back(idx);
    und_all.push_back(und);
    chain.quotes.push_back(std::move(q));
  }
  if (chain.quotes.empty()) throw InputError(path, "no option entries");
  chain.spot = index_prices.empty() ? median(und_all) : median(index_prices);
  return chain;
}

}  // namespace

OptionChain load_chain(const std::string& path) {
  return load_chain(path, ChainLoadOptions{});
}

OptionChain load_chain(const std::string& path, const ChainLoadOptions& options) {
  {
    std::ifstream probe(path);
    if (!probe) throw InputError(path, "cannot open file");
    char c = 0;
    while (probe.get(c) && std::isspace(static_cast<unsigned char>(c))) {
    }
    if (c == '{' || c == '[') return load_json(path, options);
  }
  CsvReader r(path);
  const bool has_name = r.find_column("instrument_name").has_value();
  if (has_name && r.find_column("mark_price_btc")) return load_deribit_csv(r, options, true);
  if (has_name && r.find_column("mark_price")) return load_deribit_csv(r, options, false);
  if (r.find_column("strike") && r.find_column("type") && r.find_column("expiry")) return load_generic_csv(r, options);
  throw InputError(path,
                   "unrecognised chain schema: expected a Deribit book summary (instrument_name, mark_price, "
                   "...), the Deribit snapshot (instrument_name, mark_price_btc, ...) or the generic CSV "
                   "(expiry, strike, type, bid, ask, iv); see docs/options.md");
}

// ---- parity -------------------------------------------------------------------------------
double synthetic_forward(double call_price, double put_price, double strike, double discount) {
  require(std::isfinite(discount) && discount > 0.0, "discount", "a finite number > 0", discount);
  require(std::isfinite(strike) && strike > 0.0, "strike", "a finite number > 0", strike);
  return strike + (call_price - put_price) / discount;
}

ParityArbitrage parity_arbitrage(const OptionQuote& call, const OptionQuote& put, double forward_bid,
                                 double forward_ask, double discount) {
  if (call.type != OptionType::Call || put.type != OptionType::Put || call.strike != put.strike)
    throw DomainError("parity_arbitrage: needs a call and a put of the same strike");
  const double K = call.strike;
  // Conversion: buy forward at F_ask, buy put at ask, sell call at bid: at expiry the
  // position delivers K, worth D K now; cost now = P_ask - C_bid, forward pays D (F_ask) at T.
  return {discount * (K - forward_ask) + call.bid - put.ask, discount * (forward_bid - K) - call.ask + put.bid};
}

CheapestHolding cheapest_long(OptionType target, const OptionQuote& call, const OptionQuote& put, double forward_bid,
                              double forward_ask, double discount) {
  if (call.type != OptionType::Call || put.type != OptionType::Put || call.strike != put.strike)
    throw DomainError("cheapest_long: needs a call and a put of the same strike");
  const double K = call.strike;
  constexpr double inf = std::numeric_limits<double>::infinity();
  CheapestHolding h{};
  if (target == OptionType::Call) {
    // Long call = long put + long forward struck at K: (S-K)^+ = (K-S)^+ + (S-K).
    const double direct = std::isfinite(call.ask) ? call.ask : inf;
    const double synth = std::isfinite(put.ask) ? put.ask + discount * (forward_ask - K) : inf;
    if (!std::isfinite(direct) && !std::isfinite(synth))
      throw DomainError("cheapest_long: no ask for the call or the put");
    h = direct <= synth ? CheapestHolding{"call", direct, synth, 0}
                        : CheapestHolding{"put + long forward", synth, direct, 0};
  } else {
    // Long put = long call + short forward: (K-S)^+ = (S-K)^+ - (S-K).
    const double direct = std::isfinite(put.ask) ? put.ask : inf;
    const double synth = std::isfinite(call.ask) ? call.ask - discount * (forward_bid - K) : inf;
    if (!std::isfinite(direct) && !std::isfinite(synth))
      throw DomainError("cheapest_long: no ask for the call or the put");
    h = direct <= synth ? CheapestHolding{"put", direct, synth, 0}
                        : CheapestHolding{"call + short forward", synth, direct, 0};
  }
  h.saving = std::isfinite(h.alternative) ? h.alternative - h.cost : 0.0;
  return h;
}

}  // namespace alvh::options
