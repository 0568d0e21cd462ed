// Data feeds: readers for ../shared/data bar files, resampling and the synthetic history.
#include "alvh/backtest/bars.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "alvh/core/csv.hpp"
#include "alvh/core/error.hpp"
#include "alvh/signals/event_calendar.hpp"

namespace alvh::backtest {

void BarSeries::reserve(std::size_t n) {
  for (auto* v : {&open, &high, &low, &close, &volume, &pool_fees, &pool_liquidity, &net_flow_base, &implied_vol})
    v->reserve(n);
  time.reserve(n);
}

void BarSeries::push(std::int64_t t, double o, double h, double l, double c, double vol, double fees, double liq,
                     double flow, double iv) {
  time.push_back(t);
  open.push_back(o);
  high.push_back(h);
  low.push_back(l);
  close.push_back(c);
  volume.push_back(vol);
  pool_fees.push_back(fees);
  pool_liquidity.push_back(liq);
  net_flow_base.push_back(flow);
  implied_vol.push_back(iv);
}

BarInterval parse_bar_interval(const std::string& s) {
  if (s == "minute") return BarInterval::Minute;
  if (s == "hour") return BarInterval::Hour;
  if (s == "day") return BarInterval::Day;
  throw DomainError(fmt::format("bars: expected minute, hour or day, got '{}'", s));
}

double bar_interval_seconds(BarInterval b) {
  switch (b) {
    case BarInterval::Minute: return 60.0;
    case BarInterval::Hour: return 3600.0;
    case BarInterval::Day: return 86400.0;
  }
  return 3600.0;
}

namespace {

std::int64_t read_time(const CsvReader& csv, std::size_t col) {
  std::int64_t t = 0;
  if (!signals::parse_utc(csv.field(col), t))
    csv.fail(col, fmt::format("expected a UTC timestamp (YYYY-MM-DD[THH:MM:SSZ]), got '{}'", csv.field(col)));
  return t;
}

void check_order(const CsvReader& csv, std::size_t col, const BarSeries& s, std::int64_t t) {
  if (!s.time.empty() && t <= s.time.back())
    csv.fail(col, fmt::format("timestamps must be strictly increasing: {} is not after {}", csv.field(col),
                              signals::format_utc(s.time.back())));
}

void check_ohlc(const CsvReader& csv, std::size_t col, double o, double h, double l, double c) {
  if (!(h >= std::max(o, c) * (1 - 1e-9) && l <= std::min(o, c) * (1 + 1e-9) && l > 0))
    csv.fail(col, fmt::format("inconsistent OHLC: open {} high {} low {} close {}", o, h, l, c));
}

double tick_price(std::int64_t tick) { return 1e12 / std::pow(1.0001, static_cast<double>(tick)); }

std::int64_t tick_of(const CsvReader& csv, std::size_t col) {
  // 2024/2025 source files wrote ticks as floats ("197030.0"); accept integral floats.
  if (auto i = parse_int(csv.field(col))) return *i;
  if (auto d = parse_double(csv.field(col)); d && std::floor(*d) == *d && std::abs(*d) < 1e7)
    return static_cast<std::int64_t>(*d);
  csv.fail(col, fmt::format("expected an integer tick, got '{}'", csv.field(col)));
}

}  // namespace

BarSeries load_uniswap_minute_bars(const std::string& path, double fee_tier) {
  CsvReader csv(path);
  const auto c_t = csv.column("timestamp"), c_n1 = csv.column("netAmount1"), c_close = csv.column("closeTick"),
             c_open = csv.column("openTick"), c_lo = csv.column("lowestTick"), c_hi = csv.column("highestTick"),
             c_in0 = csv.column("inAmount0"), c_in1 = csv.column("inAmount1"), c_liq = csv.column("currentLiquidity");
  BarSeries s;
  s.bar_seconds = 60.0;
  s.fees_modelled = false;
  s.source = std::filesystem::path(path).filename().string();
  while (csv.next()) {
    const auto t = read_time(csv, c_t);
    check_order(csv, c_t, s, t);
    const double c = tick_price(tick_of(csv, c_close)), o = tick_price(tick_of(csv, c_open));
    const double h = tick_price(tick_of(csv, c_lo)), l = tick_price(tick_of(csv, c_hi));  // price falls as tick rises
    if (!(h >= l)) csv.fail(c_lo, "lowestTick is above highestTick");
    const double in0 = csv.get_double(c_in0) / 1e6, in1 = csv.get_double(c_in1) / 1e18;
    if (in0 < 0) csv.fail(c_in0, "expected a non-negative gross inflow");
    if (in1 < 0) csv.fail(c_in1, "expected a non-negative gross inflow");
    const double liq = csv.get_double(c_liq) / 1e12;
    if (liq < 0) csv.fail(c_liq, "expected non-negative liquidity");
    const double vol = in0 + in1 * c;
    s.push(t, o, std::max({h, o, c}), std::min({l, o, c}), c, vol, fee_tier * vol, liq, csv.get_double(c_n1) / 1e18);
  }
  if (s.size() == 0) throw InputError(path, "no bars in file");
  return s;
}

BarSeries load_ohlcv_bars(const std::string& path) {
  CsvReader csv(path);
  auto c_t = csv.find_column("timestamp_utc");
  if (!c_t) c_t = csv.find_column("date_utc");
  if (!c_t) c_t = csv.find_column("timestamp");
  if (!c_t) throw InputError(path, "missing a time column (timestamp_utc, date_utc or timestamp)");
  const auto c_o = csv.column("open"), c_h = csv.column("high"), c_l = csv.column("low"), c_c = csv.column("close");
  auto c_v = csv.find_column("volume_usdt");
  if (!c_v) c_v = csv.find_column("volume_usd");
  BarSeries s;
  s.source = std::filesystem::path(path).filename().string();
  s.fees_modelled = true;
  std::int64_t min_gap = 0;
  while (csv.next()) {
    const auto t = read_time(csv, *c_t);
    check_order(csv, *c_t, s, t);
    if (!s.time.empty()) min_gap = min_gap == 0 ? t - s.time.back() : std::min(min_gap, t - s.time.back());
    const double o = csv.get_positive(c_o), h = csv.get_positive(c_h), l = csv.get_positive(c_l),
                 c = csv.get_positive(c_c);
    check_ohlc(csv, c_h, o, h, l, c);
    double v = kNoData;
    if (c_v && !csv.is_empty(*c_v)) v = csv.get_double(*c_v);
    s.push(t, o, h, l, c, v);
  }
  if (s.size() == 0) throw InputError(path, "no bars in file");
  s.bar_seconds = min_gap > 0 ? static_cast<double>(min_gap) : 86400.0;
  return s;
}

BarSeries load_bars(const std::string& path, double fee_tier) {
  CsvReader probe(path);
  if (probe.find_column("closeTick")) return load_uniswap_minute_bars(path, fee_tier);
  return load_ohlcv_bars(path);
}

void join_implied_vol(BarSeries& bars, const std::string& dvol_path) {
  CsvReader csv(dvol_path);
  const auto c_t = csv.column("timestamp"), c_v = csv.column("eth_dvol_pct");
  std::vector<std::int64_t> ts;
  std::vector<double> iv;
  while (csv.next()) {
    const auto t = read_time(csv, c_t);
    if (!ts.empty() && t <= ts.back()) csv.fail(c_t, "timestamps must be strictly increasing");
    const double v = csv.get_positive(c_v);
    if (v > 1000) csv.fail(c_v, fmt::format("expected an annualised vol in percent, got {}", v));
    ts.push_back(t);
    iv.push_back(v / 100.0);
  }
  if (ts.empty()) throw InputError(dvol_path, "no rows");
  const std::int64_t max_age = 3 * 3600;  // a DVOL older than 3 hours does not cover the bar
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto t = bars.time[i] + static_cast<std::int64_t>(bars.bar_seconds);  // known at the bar close
    auto it = std::upper_bound(ts.begin(), ts.end(), t);
    if (it == ts.begin()) continue;
    const auto k = static_cast<std::size_t>(it - ts.begin() - 1);
    if (t - ts[k] <= max_age) bars.implied_vol[i] = iv[k];
  }
}

BarSeries resample(const BarSeries& b, double seconds) {
  require(seconds >= b.bar_seconds, "resample interval (s)", ">= the bar interval", seconds);
  if (seconds == b.bar_seconds) return b;
  BarSeries r;
  r.bar_seconds = seconds;
  r.source = b.source;
  r.fees_modelled = b.fees_modelled;
  const auto w = static_cast<std::int64_t>(seconds);
  auto sum_nan = [](double a, double x) { return std::isnan(a) ? x : (std::isnan(x) ? a : a + x); };
  for (std::size_t i = 0; i < b.size(); ++i) {
    const std::int64_t bucket = (b.time[i] >= 0 ? b.time[i] / w : (b.time[i] - w + 1) / w) * w;
    if (r.size() == 0 || r.time.back() != bucket) {
      r.push(bucket, b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i], b.pool_fees[i], b.pool_liquidity[i],
             b.net_flow_base[i], b.implied_vol[i]);
      continue;
    }
    const std::size_t k = r.size() - 1;
    r.high[k] = std::max(r.high[k], b.high[i]);
    r.low[k] = std::min(r.low[k], b.low[i]);
    r.close[k] = b.close[i];
    r.volume[k] = sum_nan(r.volume[k], b.volume[i]);
    r.pool_fees[k] = sum_nan(r.pool_fees[k], b.pool_fees[i]);
    r.net_flow_base[k] = sum_nan(r.net_flow_base[k], b.net_flow_base[i]);
    if (!std::isnan(b.pool_liquidity[i])) r.pool_liquidity[k] = b.pool_liquidity[i];
    if (!std::isnan(b.implied_vol[i])) r.implied_vol[k] = b.implied_vol[i];
  }
  return r;
}

namespace {
// xoshiro256** (Blackman & Vigna 2018), seeded by splitmix64.
struct Xoshiro {
  std::uint64_t s[4];
  explicit Xoshiro(std::uint64_t seed) {
    for (auto& v : s) {
      seed += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      v = z ^ (z >> 31);
    }
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
  }
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }  // (0,1)
  double normal() {  // Box-Muller, one of the pair (simple and reproducible across platforms)
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
};
}  // namespace

BarSeries synthetic_history(const SyntheticHistory& p) {
  require(p.years > 0 && p.years <= 50, "synthetic.years", "in (0, 50]", p.years);
  require(p.bar_seconds >= 60, "synthetic.bar_seconds", ">= 60", p.bar_seconds);
  require(p.start_price > 0, "synthetic.start_price", "> 0", p.start_price);
  require(!p.regime_vols.empty() && p.regime_vols.size() == p.regime_mean_days.size(), "synthetic regimes",
          "equal, non-empty numbers of vols and mean durations", static_cast<double>(p.regime_vols.size()));
  for (std::size_t k = 0; k < p.regime_vols.size(); ++k) {
    require(p.regime_vols[k] > 0 && p.regime_vols[k] < 10, "synthetic.regime_vols", "in (0, 10)", p.regime_vols[k]);
    require(p.regime_mean_days[k] > 0, "synthetic.regime_mean_days", "> 0", p.regime_mean_days[k]);
  }
  const auto n = static_cast<std::size_t>(p.years * 365.0 * 86400.0 / p.bar_seconds);
  const double dt = p.bar_seconds / (365.0 * 86400.0);
  const std::size_t nreg = p.regime_vols.size();
  Xoshiro rng(p.seed);
  BarSeries s;
  s.reserve(n);
  s.bar_seconds = p.bar_seconds;
  s.fees_modelled = true;
  s.source = fmt::format("synthetic(seed={})", p.seed);
  std::size_t regime = nreg > 1 ? 1 : 0;
  double price = p.start_price;
  constexpr int kSub = 4;
  for (std::size_t i = 0; i < n; ++i) {
    // leave the regime with probability dt_days / mean_days; jump to another one uniformly
    const double leave = (p.bar_seconds / 86400.0) / p.regime_mean_days[regime];
    if (nreg > 1 && rng.uniform() < leave) {
      const auto k = static_cast<std::size_t>(rng.uniform() * static_cast<double>(nreg - 1));
      regime = (regime + 1 + std::min(k, nreg - 2)) % nreg;
    }
    const double vol = p.regime_vols[regime];
    const double o = price;
    double h = o, l = o;
    const double sdt = std::sqrt(dt / kSub);
    for (int k = 0; k < kSub; ++k) {
      price *= std::exp(-0.5 * vol * vol * dt / kSub + vol * sdt * rng.normal());
      h = std::max(h, price);
      l = std::min(l, price);
    }
    s.push(p.start_time + static_cast<std::int64_t>(static_cast<double>(i) * p.bar_seconds), o, h, l, price, kNoData,
           kNoData, kNoData, kNoData, p.with_implied_vol ? vol + p.implied_vol_premium : kNoData);
  }
  return s;
}

}  // namespace alvh::backtest
