#include "alvh/sim/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "alvh/core/csv.hpp"
#include "alvh/core/error.hpp"

namespace alvh::sim {

namespace {
// Days since 1970-01-01 of a civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Seconds since the epoch of "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[Z]"; nullopt if malformed.
std::optional<double> parse_time(std::string_view s) {
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    if (pos + len > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const auto y = num(0, 4), mo = num(5, 2), d = num(8, 2);
  if (!y || !mo || !d || s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  double secs = static_cast<double>(days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d))) * 86400.0;
  if (s.size() >= 19) {
    const auto h = num(11, 2), mi = num(14, 2), se = num(17, 2);
    if (!h || !mi || !se) return std::nullopt;
    secs += *h * 3600.0 + *mi * 60.0 + *se;
  }
  return secs;
}
}  // namespace

PriceHistory load_price_history(const std::string& path, const std::string& column, double interval_years) {
  CsvReader csv(path);
  const std::size_t col = csv.column(column);
  std::optional<std::size_t> tcol = csv.find_column("timestamp_utc");
  if (!tcol) tcol = csv.find_column("date");
  if (!tcol) tcol = csv.find_column("timestamp");
  PriceHistory h;
  std::vector<double> times;
  while (csv.next()) {
    h.prices.push_back(csv.get_positive(col));
    if (tcol && interval_years <= 0.0) {
      const auto t = parse_time(csv.field(*tcol));
      if (!t) csv.fail(*tcol, "expected an ISO 8601 date or time (YYYY-MM-DD[THH:MM:SSZ])");
      times.push_back(*t);
    }
  }
  if (h.prices.size() < 3) throw InputError(path, "needs at least 3 prices in column '" + column + "'");
  if (interval_years > 0.0) {
    h.interval_years = interval_years;
  } else {
    if (!tcol) throw InputError(path, "no timestamp_utc/date column: give the sampling interval explicitly");
    std::vector<double> gaps;
    for (std::size_t i = 1; i < times.size(); ++i) gaps.push_back(times[i] - times[i - 1]);
    std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
    const double g = gaps[gaps.size() / 2];
    if (!(g > 0.0)) throw InputError(path, "timestamps are not increasing (median spacing <= 0)");
    h.interval_years = g / (365.0 * 86400.0);
  }
  return h;
}

std::vector<double> log_returns(const std::vector<double>& p) {
  std::vector<double> r;
  for (std::size_t i = 1; i < p.size(); ++i) r.push_back(std::log(p[i] / p[i - 1]));
  return r;
}

GbmModel calibrate_gbm(const std::vector<double>& r, double h) {
  require(r.size() >= 2, "number of returns", "at least 2", static_cast<double>(r.size()));
  require(h > 0.0, "sampling interval (years)", "a number > 0", h);
  double m = 0.0;
  for (double x : r) m += x;
  m /= static_cast<double>(r.size());
  double ss = 0.0;
  for (double x : r) ss += (x - m) * (x - m);
  const double vol = std::sqrt(ss / (static_cast<double>(r.size()) - 1.0) / h);
  return {m / h + 0.5 * vol * vol, vol};
}

RegimeModel calibrate_regimes(const std::vector<double>& r, double h, int window, int n_states) {
  require(window >= 2, "regime window", "at least 2 returns", window);
  require(n_states >= 1 && n_states <= 16, "number of regime states", "between 1 and 16", n_states);
  const auto w = static_cast<std::size_t>(window);
  const auto ns = static_cast<std::size_t>(n_states);
  require(r.size() >= w + 2 * ns, "number of returns", "well above the window", static_cast<double>(r.size()));
  // Trailing realised variance (sum of squares over the last `window` returns).
  std::vector<double> rv(r.size() - w + 1);
  double acc = 0.0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    acc += r[i] * r[i];
    if (i >= w) acc -= r[i - w] * r[i - w];
    if (i + 1 >= w) rv[i + 1 - w] = acc;
  }
  std::vector<double> sorted = rv;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> cuts;
  for (std::size_t k = 1; k < ns; ++k) cuts.push_back(sorted[k * sorted.size() / ns]);
  std::vector<std::size_t> state(rv.size());
  for (std::size_t i = 0; i < rv.size(); ++i)
    state[i] = static_cast<std::size_t>(std::upper_bound(cuts.begin(), cuts.end(), rv[i]) - cuts.begin());
  // Returns r[i + w - 1] belong to state[i] (the window ending at that return).
  std::vector<double> sum(ns, 0.0), sumsq(ns, 0.0), cnt(ns, 0.0), moves(ns * ns, 0.0);
  for (std::size_t i = 0; i < rv.size(); ++i) {
    const double x = r[i + w - 1];
    sum[state[i]] += x;
    sumsq[state[i]] += x * x;
    cnt[state[i]] += 1.0;
    if (i + 1 < rv.size() && state[i + 1] != state[i]) moves[state[i] * ns + state[i + 1]] += 1.0;
  }
  RegimeModel m;
  m.vols.resize(ns);
  m.generator.assign(ns * ns, 0.0);
  for (std::size_t s = 0; s < ns; ++s) {
    require(cnt[s] >= 2.0, "observations in a regime state", "at least 2", cnt[s]);
    const double mu = sum[s] / cnt[s];
    m.vols[s] = std::sqrt((sumsq[s] / cnt[s] - mu * mu) * cnt[s] / (cnt[s] - 1.0) / h);
    double out = 0.0;
    for (std::size_t j = 0; j < ns; ++j) {
      if (j == s) continue;
      const double q = moves[s * ns + j] / (cnt[s] * h);
      m.generator[s * ns + j] = q;
      out += q;
    }
    m.generator[s * ns + s] = -out;
  }
  m.initial_state = static_cast<int>(state.back());
  return m;
}

}  // namespace alvh::sim
