// alvh option: price / iv (single or batch CSV) and surface (SVI fit of a chain file).
// Conventions (docs/options.md): per unit underlying, vega per 1.00 of vol, theta per year
// (dV/dt), rho per 1.00 of rate; --settlement inverse gives coin prices (Deribit style).
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "alvh/core/atomic_file.hpp"
#include "alvh/core/csv.hpp"
#include "alvh/core/error.hpp"
#include "alvh/options/batch.hpp"
#include "alvh/options/black.hpp"
#include "alvh/options/chain.hpp"
#include "alvh/options/implied_vol.hpp"
#include "alvh/options/vol_surface.hpp"
#include "command.hpp"
#include "output.hpp"

namespace alvh::cli {
namespace {

using options::OptionType;
using options::Settlement;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct OptionArgs {
  std::string type;
  double spot = kNaN, forward = kNaN, strike = kNaN, t_years = kNaN, rate = 0.0, yield = 0.0;
  double vol = kNaN, price = kNaN;
  std::string settlement = "linear";
  std::string input, output;
  bool json = false;  // local --json, ORed with the global flag
};

OptionType parse_type(const std::string& t) {
  if (t == "call" || t == "c" || t == "C") return OptionType::Call;
  if (t == "put" || t == "p" || t == "P") return OptionType::Put;
  throw DomainError(fmt::format("--type: expected call or put, got '{}'", t));
}

Settlement parse_settlement(const std::string& s) {
  if (s == "linear") return Settlement::Linear;
  if (s == "inverse") return Settlement::Inverse;
  throw DomainError(fmt::format("--settlement: expected linear or inverse, got '{}'", s));
}

void need(double v, const char* flag) {
  if (std::isnan(v)) throw DomainError(fmt::format("{} is required", flag));
}

// Exactly one of --spot (BSM) and --forward (Black-76).
bool use_forward(const OptionArgs& a) {
  if (std::isnan(a.spot) == std::isnan(a.forward))
    throw DomainError("give exactly one of --spot (Black-Scholes-Merton) and --forward (Black-76)");
  return !std::isnan(a.forward);
}

nlohmann::json inputs_json(const OptionArgs& a, bool fwd) {
  nlohmann::json j = {{"type", a.type}, {"strike", a.strike},         {"t_years", a.t_years},
                      {"rate", a.rate}, {"settlement", a.settlement}, {"model", fwd ? "black76" : "bsm"}};
  if (fwd)
    j["forward"] = a.forward;
  else {
    j["spot"] = a.spot;
    j["yield"] = a.yield;
  }
  return j;
}

// ---- batch CSV -----------------------------------------------------------------------------
struct BatchRows {
  std::vector<std::string> header;
  std::vector<std::string> lines;  // raw input lines, echoed in the output
  std::vector<unsigned char> call;
  std::vector<double> spot, strike, t, rate, yield, x;  // x = vol (price mode) or price (iv mode)
};

// Reads type,spot,strike,t_years[,rate][,yield],<value_col>; rate and yield default to 0.
BatchRows read_batch(const std::string& path, const char* value_col) {
  CsvReader r(path);
  BatchRows b;
  b.header = r.header();
  const auto c_type = r.column("type"), c_spot = r.column("spot"), c_k = r.column("strike"), c_t = r.column("t_years"),
             c_x = r.column(value_col);
  const auto c_r = r.find_column("rate"), c_q = r.find_column("yield");
  while (r.next()) {
    const std::string ty(r.field(c_type));
    if (ty == "call" || ty == "C" || ty == "c")
      b.call.push_back(1);
    else if (ty == "put" || ty == "P" || ty == "p")
      b.call.push_back(0);
    else
      r.fail(c_type, fmt::format("expected call or put, got '{}'", ty));
    b.spot.push_back(r.get_positive(c_spot));
    b.strike.push_back(r.get_positive(c_k));
    const double t = r.get_double(c_t);
    if (t < 0) r.fail(c_t, fmt::format("expected a time >= 0, got {}", t));
    b.t.push_back(t);
    b.rate.push_back(c_r && !r.is_empty(*c_r) ? r.get_double(*c_r) : 0.0);
    b.yield.push_back(c_q && !r.is_empty(*c_q) ? r.get_double(*c_q) : 0.0);
    const double x = r.get_double(c_x);
    if (x < 0) r.fail(c_x, fmt::format("expected a {} >= 0, got {}", value_col, x));
    b.x.push_back(x);
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i) line += ',';
      const std::string_view f = r.field(i);
      if (f.find_first_of(",\"\n") != std::string_view::npos) {
        line += '"';
        for (char ch : f) line += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        line += '"';
      } else {
        line += f;
      }
    }
    b.lines.push_back(std::move(line));
  }
  return b;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  return s;
}

void write_or_print(const std::string& output, const std::string& content) {
  if (output.empty() || output == "-")
    std::fputs(content.c_str(), stdout);
  else
    write_file_atomically(output, content);
}

void run_price_batch(const OptionArgs& a, const GlobalOptions& g) {
  const BatchRows b = read_batch(a.input, "vol");
  const std::size_t n = b.spot.size();
  std::vector<std::vector<double>> o(8, std::vector<double>(n));
  try {
    options::bsm_greeks_batch(b.call, b.spot, b.strike, b.t, b.rate, b.yield, b.x,
                              {o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]});
  } catch (const DomainError& e) {
    throw InputError(a.input, std::string("batch pricing: ") + e.what() + " (rows counted from 0 after the header)");
  }
  std::string out = join(b.header) + ",price,delta,gamma,vega,theta,rho,vanna,volga\n";
  out.reserve(n * 200);
  for (std::size_t i = 0; i < n; ++i) {
    out += b.lines[i];
    for (int k = 0; k < 8; ++k) out += fmt::format(",{:.17g}", o[static_cast<std::size_t>(k)][i]);
    out += '\n';
  }
  write_or_print(a.output, out);
  if (!a.output.empty() && a.output != "-") {
    if (g.json || a.json)
      print_json("option.price.batch", {{"input", a.input}, {"output", a.output}, {"rows", n}});
    else if (!g.quiet)
      fmt::print(stderr, "alvh: priced {} options -> {}\n", n, a.output);
  }
}

void run_iv_batch(const OptionArgs& a, const GlobalOptions& g) {
  const BatchRows b = read_batch(a.input, "price");
  const std::size_t n = b.spot.size();
  std::vector<double> iv(n);
  try {
    options::implied_vol_bsm_batch(b.call, b.x, b.spot, b.strike, b.t, b.rate, b.yield, iv);  // SIMD kernel
  } catch (const DomainError&) {
    // Name the file line of the first bad row: the scalar solver raises the same typed errors.
    for (std::size_t i = 0; i < n; ++i) {
      try {
        (void)options::implied_vol_bsm(b.call[i] ? OptionType::Call : OptionType::Put, b.x[i], b.spot[i], b.strike[i],
                                       b.t[i], b.rate[i], b.yield[i]);
      } catch (const DomainError& e) {
        throw InputError(a.input, i + 2, "price", e.what());  // +2: header line and 1-based
      }
    }
    throw;
  }
  std::string out = join(b.header) + ",iv\n";
  for (std::size_t i = 0; i < n; ++i) out += b.lines[i] + fmt::format(",{:.17g}\n", iv[i]);
  write_or_print(a.output, out);
  if (!a.output.empty() && a.output != "-") {
    if (g.json || a.json)
      print_json("option.iv.batch", {{"input", a.input}, {"output", a.output}, {"rows", n}});
    else if (!g.quiet)
      fmt::print(stderr, "alvh: {} implied vols -> {}\n", n, a.output);
  }
}

// ---- single -----------------------------------------------------------------------------
void run_price(const OptionArgs& a, const GlobalOptions& g) {
  if (!a.input.empty()) return run_price_batch(a, g);
  if (a.type.empty()) throw DomainError("--type is required (call or put)");
  const OptionType t = parse_type(a.type);
  const Settlement st = parse_settlement(a.settlement);
  need(a.strike, "--strike");
  need(a.t_years, "--t-years");
  need(a.vol, "--vol");
  const bool fwd = use_forward(a);
  const options::Greeks gr =
      fwd ? options::black76_greeks(t, a.forward, a.strike, a.t_years, a.vol, std::exp(-a.rate * a.t_years), st)
          : options::bsm_greeks(t, a.spot, a.strike, a.t_years, a.rate, a.yield, a.vol, st);
  if (g.json || a.json) {
    nlohmann::json in = inputs_json(a, fwd);
    in["vol"] = a.vol;
    print_json("option.price",
               {{"inputs", in},
                {"price", gr.price},
                {"delta", gr.delta},
                {"gamma", gr.gamma},
                {"vega", gr.vega},
                {"theta", gr.theta},
                {"rho", gr.rho},
                {"vanna", gr.vanna},
                {"volga", gr.volga},
                {"units",
                 {{"price", st == Settlement::Inverse ? "coin per unit underlying" : "quote per unit underlying"},
                  {"vega", "per 1.00 of vol"},
                  {"theta", "per year (dV/dt)"},
                  {"rho", "per 1.00 of rate"},
                  {"delta", fwd ? "dV/dF" : "dV/dS"}}}});
    return;
  }
  fmt::print("{} {} on {} {} K={} T={}y vol={} ({} settlement)\n", fwd ? "Black-76" : "BSM", a.type,
             fwd ? "forward" : "spot", num(fwd ? a.forward : a.spot), num(a.strike), num(a.t_years), num(a.vol),
             a.settlement);
  print_kv({{"price", num(gr.price, 12)},
            {fwd ? "delta (dV/dF)" : "delta (dV/dS)", num(gr.delta, 12)},
            {"gamma", num(gr.gamma, 12)},
            {"vega (per 1.00 vol)", num(gr.vega, 12)},
            {"theta (per year)", num(gr.theta, 12)},
            {"rho (per 1.00 rate)", num(gr.rho, 12)},
            {"vanna", num(gr.vanna, 12)},
            {"volga", num(gr.volga, 12)}});
}

void run_iv(const OptionArgs& a, const GlobalOptions& g) {
  if (!a.input.empty()) return run_iv_batch(a, g);
  if (a.type.empty()) throw DomainError("--type is required (call or put)");
  const OptionType t = parse_type(a.type);
  const Settlement st = parse_settlement(a.settlement);
  need(a.strike, "--strike");
  need(a.t_years, "--t-years");
  need(a.price, "--price");
  const bool fwd = use_forward(a);
  double iv;
  if (fwd) {
    const double usd = st == Settlement::Inverse ? a.price * a.forward : a.price;
    iv = options::implied_vol_black76(t, usd, a.forward, a.strike, a.t_years, std::exp(-a.rate * a.t_years));
  } else {
    iv = options::implied_vol_bsm(t, a.price, a.spot, a.strike, a.t_years, a.rate, a.yield, st);
  }
  if (g.json || a.json) {
    nlohmann::json in = inputs_json(a, fwd);
    in["price"] = a.price;
    print_json("option.iv", {{"inputs", in}, {"iv", iv}});
    return;
  }
  fmt::print("implied vol {}  ({:.6f}%)\n", num(iv, 15), 100 * iv);
}

// ---- surface ----------------------------------------------------------------------------
struct SurfaceArgs {
  std::string chain;
  std::string as_of;
  bool json = false;
};

void run_surface(const SurfaceArgs& a, const GlobalOptions& g) {
  options::ChainLoadOptions lo;
  if (!a.as_of.empty()) {
    const auto t = options::parse_iso_utc(a.as_of);
    if (!t) throw DomainError(fmt::format("--as-of: expected an ISO-8601 UTC time, got '{}'", a.as_of));
    lo.as_of_unix = *t;
  }
  const auto chain = options::load_chain(a.chain, lo);
  const auto fit = options::fit_surface(chain);
  const auto& s = fit.surface;
  const auto cal = s.check_calendar();
  if (g.json || a.json) {
    nlohmann::json slices = nlohmann::json::array();
    for (const auto& sl : s.slices()) {
      const auto bf = options::check_butterfly(sl.params, std::min(sl.k_min, -1.0), std::max(sl.k_max, 1.0));
      slices.push_back({{"t_years", sl.t_years},
                        {"forward", sl.forward},
                        {"a", sl.params.a},
                        {"b", sl.params.b},
                        {"rho", sl.params.rho},
                        {"m", sl.params.m},
                        {"sigma", sl.params.sigma},
                        {"atm_vol", s.implied_vol(sl.forward, sl.t_years)},
                        {"n_quotes", sl.n_quotes},
                        {"rmse_vol", sl.rmse_vol},
                        {"k_min", sl.k_min},
                        {"k_max", sl.k_max},
                        {"butterfly_free", bf.arbitrage_free},
                        {"min_g", bf.min_g},
                        {"lee_bound_ok", bf.lee_bound_ok}});
    }
    print_json("option.surface", {{"chain", a.chain},
                                  {"underlying", chain.underlying},
                                  {"spot", chain.spot},
                                  {"quotes", chain.quotes.size()},
                                  {"slices", slices},
                                  {"calendar_free", cal.arbitrage_free},
                                  {"calendar_worst_gap", cal.worst_gap},
                                  {"skipped", fit.skipped}});
    return;
  }
  fmt::print("SVI surface of {} ({} quotes, underlying {}, spot {})\n", a.chain, chain.quotes.size(),
             chain.underlying.empty() ? "?" : chain.underlying, num(chain.spot));
  std::vector<std::vector<std::string>> rows;
  for (const auto& sl : s.slices()) {
    const auto bf = options::check_butterfly(sl.params, std::min(sl.k_min, -1.0), std::max(sl.k_max, 1.0));
    rows.push_back({num(sl.t_years, 5), num(sl.forward, 7), std::to_string(sl.n_quotes), num(sl.params.a, 5),
                    num(sl.params.b, 5), num(sl.params.rho, 4), num(sl.params.m, 4), num(sl.params.sigma, 4),
                    fmt::format("{:.2f}%", 100 * s.implied_vol(sl.forward, sl.t_years)),
                    fmt::format("{:.2f}", 100 * sl.rmse_vol),
                    bf.arbitrage_free ? "ok" : fmt::format("g={:.3g}", bf.min_g)});
  }
  print_table({"T (y)", "forward", "n", "a", "b", "rho", "m", "sigma", "ATM vol", "rmse (vol pt)", "butterfly"}, rows);
  fmt::print("calendar (total variance non-decreasing): {}\n",
             cal.arbitrage_free ? "ok"
                                : fmt::format("violated by {:.3g} at k={:.3f} between slices {} and {}", cal.worst_gap,
                                              cal.k_at_worst, cal.slice_at_worst, cal.slice_at_worst + 1));
  for (const auto& sk : fit.skipped) fmt::print("skipped expiry {}\n", sk);
}

void add_pricing_options(CLI::App* sub, const std::shared_ptr<OptionArgs>& a, bool iv) {
  sub->add_option("--type", a->type, "call or put");
  sub->add_option("--spot", a->spot, "Spot S (Black-Scholes-Merton with --rate and --yield)");
  sub->add_option("--forward", a->forward, "Forward F instead of spot (Black-76, discount e^{-rT})");
  sub->add_option("--strike", a->strike, "Strike K");
  sub->add_option("--t-years", a->t_years, "Time to expiry in years (ACT/365)");
  sub->add_option("--rate", a->rate, "Continuously compounded rate r")->capture_default_str();
  sub->add_option("--yield", a->yield, "Continuous yield / carry q (BSM)")->capture_default_str();
  if (iv)
    sub->add_option("--price", a->price, "Option price (coin per unit underlying with --settlement inverse)");
  else
    sub->add_option("--vol", a->vol, "Annualised volatility (0.6 = 60%)");
  sub->add_option("--settlement", a->settlement, "linear (quote currency) or inverse (coin, Deribit style)")
      ->capture_default_str();
  sub->add_option("--input", a->input,
                  iv ? "Batch CSV with columns type,spot,strike,t_years,rate,yield,price"
                     : "Batch CSV with columns type,spot,strike,t_years,rate,yield,vol");
  sub->add_option("--output", a->output, "Batch output CSV (input rows with the outputs appended; default stdout)");
  sub->add_flag("--json", a->json, "JSON output (same as the global --json)");
}

const RegisterCommand reg(40, [](CLI::App& app, const GlobalOptions& g) {
  auto* opt = app.add_subcommand("option", "Option pricing, greeks, implied vol and SVI surfaces (Black-76 / BSM)");
  opt->require_subcommand(1);
  opt->footer(
      "Examples:\n"
      "  alvh option price --type call --spot 3000 --strike 3200 --t-years 0.25 --rate 0.04 --vol 0.65\n"
      "  alvh option price --type put --forward 9100 --strike 8000 --t-years 0.1 --vol 0.8 --settlement inverse "
      "--json\n"
      "  alvh option iv --type call --spot 3000 --strike 3200 --t-years 0.25 --rate 0.04 --price 310.5\n"
      "  alvh option price --input options.csv --output priced.csv\n"
      "  alvh option surface ../shared/data/deribit_btc_option_chain_20200521.csv\n"
      "Units: per unit underlying; vega per 1.00 of vol; theta per year (dV/dt); rho per 1.00 of rate.");
  auto pa = std::make_shared<OptionArgs>();
  auto* price = opt->add_subcommand("price", "Price and greeks: price, delta, gamma, vega, theta, rho, vanna, volga");
  add_pricing_options(price, pa, false);
  price->callback([pa, &g] { run_price(*pa, g); });
  auto ia = std::make_shared<OptionArgs>();
  auto* iv = opt->add_subcommand("iv", "Implied volatility from a price (Jäckel's Let's Be Rational method)");
  add_pricing_options(iv, ia, true);
  iv->callback([ia, &g] { run_iv(*ia, g); });
  auto sa = std::make_shared<SurfaceArgs>();
  auto* surf = opt->add_subcommand("surface", "Fit a raw-SVI surface to a chain file and check it for arbitrage");
  surf->add_option("chain", sa->chain, "Chain file: Deribit book summary (JSON/CSV), Deribit snapshot, generic CSV")
      ->required();
  surf->add_option("--as-of", sa->as_of, "Valuation time (ISO-8601 UTC) when the file has none");
  surf->add_flag("--json", sa->json, "JSON output (same as the global --json)");
  surf->callback([sa, &g] { run_surface(*sa, g); });
});

}  // namespace
}  // namespace alvh::cli
