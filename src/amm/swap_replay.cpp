// Swap replay and bar mode; model and approximations in include/alvh/amm/swap_replay.hpp and
// docs/amm.md.
#include "alvh/amm/swap_replay.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "alvh/amm/tick_math.hpp"
#include "alvh/core/csv.hpp"
#include "alvh/core/error.hpp"

namespace alvh::amm {
namespace {

const double kHalfLogTickBase = 0.5 * std::log1p(1e-4);  // ln(sqrt(1.0001))
constexpr double kQ96d = 79228162514264337593543950336.0;

bool in_ticks(std::int32_t t, std::int32_t lo, std::int32_t hi) { return lo <= t && t < hi; }

// Raw sqrt price of a record: the (approximate) column clamped to its exact tick's interval,
// else the tick interval's geometric midpoint.
double record_sqrt(std::int32_t tick, double approx) {
  const double lo = sqrt_price_at_tick(tick);
  const double hi = lo * std::exp(kHalfLogTickBase);
  if (!(approx > 0.0)) return lo * std::exp(0.5 * kHalfLogTickBase);
  return std::clamp(approx, lo, std::nextafter(hi, lo));
}

// days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? static_cast<unsigned>(-3) : 9u)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void validate_config(const ReplayConfig& c) {
  if (c.tick_lower >= c.tick_upper || c.tick_lower < MIN_TICK || c.tick_upper > MAX_TICK)
    throw DomainError("replay range: expected MIN_TICK <= tick_lower < tick_upper <= MAX_TICK, got [" +
                      std::to_string(c.tick_lower) + ", " + std::to_string(c.tick_upper) + "]");
  const bool has_l = c.liquidity_raw > 0.0, has_c = c.capital > 0.0;
  if (has_l == has_c || !std::isfinite(c.liquidity_raw) || !std::isfinite(c.capital))
    throw DomainError("replay position: give exactly one of liquidity > 0 or capital > 0");
  if (c.fee_pips >= 1000000u) throw DomainError("replay fee: expected pips < 1000000, got " + std::to_string(c.fee_pips));
  if (c.decimals0 < 0 || c.decimals0 > 36 || c.decimals1 < 0 || c.decimals1 > 36)
    throw DomainError("replay decimals: expected 0..36");
}

// Reads and validates swap rows.
class SwapCsvStream {
 public:
  SwapCsvStream(const std::string& path, const SwapCsvSchema& s)
      : csv_(path),
        time_(csv_.column(s.time)),
        a0_(csv_.column(s.amount0)),
        a1_(csv_.column(s.amount1)),
        tick_(csv_.column(s.tick)),
        liq_(csv_.column(s.liquidity)) {
    if (!s.sqrt_price_x96.empty()) sqrt_ = csv_.find_column(s.sqrt_price_x96);
  }
  bool next(SwapRecord& r) {
    if (!csv_.next()) return false;
    r.time = csv_.get_int(time_);
    if (have_prev_ && r.time < prev_time_)
      csv_.fail(time_, "rows not sorted by time: " + std::to_string(r.time) + " after " + std::to_string(prev_time_));
    have_prev_ = true;
    prev_time_ = r.time;
    r.amount0 = csv_.get_double(a0_);
    r.amount1 = csv_.get_double(a1_);
    if ((r.amount0 > 0.0 && r.amount1 > 0.0) || (r.amount0 < 0.0 && r.amount1 < 0.0))
      csv_.fail(a0_, "a swap has one token in and one out, got amount0 " + std::string(csv_.field(a0_)) +
                         " and amount1 " + std::string(csv_.field(a1_)));
    const std::int64_t t = csv_.get_int(tick_);
    if (t < MIN_TICK || t > MAX_TICK) csv_.fail(tick_, "tick outside [-887272, 887272]");
    r.tick = static_cast<std::int32_t>(t);
    r.sqrt_price = 0.0;
    if (sqrt_ && !csv_.is_empty(*sqrt_)) {
      const double x = csv_.get_double(*sqrt_);
      if (x < 0.0) csv_.fail(*sqrt_, "expected sqrtPriceX96 >= 0");
      r.sqrt_price = x / kQ96d;
    }
    r.liquidity = csv_.get_double(liq_);
    if (r.liquidity < 0.0) csv_.fail(liq_, "expected liquidity >= 0");
    return true;
  }

 private:
  CsvReader csv_;
  std::size_t time_, a0_, a1_, tick_, liq_;
  std::optional<std::size_t> sqrt_;
  bool have_prev_ = false;
  std::int64_t prev_time_ = 0;
};

}  // namespace

double sqrt_price_at_tick(std::int32_t tick) { return std::exp(tick * kHalfLogTickBase); }

double in_range_fraction(double s0, double s1, double sa, double sb) {
  const double lo = std::min(s0, s1), hi = std::max(s0, s1);
  const double ilo = std::max(lo, sa), ihi = std::min(hi, sb);
  if (!(ihi > ilo)) return 0.0;
  if (s1 < s0) return (1.0 / ilo - 1.0 / ihi) / (1.0 / lo - 1.0 / hi);  // token0 in: dx = L d(1/sqrtP)
  return (ihi - ilo) / (hi - lo);                                         // token1 in: dy = L d(sqrtP)
}

std::optional<std::int64_t> parse_iso8601_utc(std::string_view s) {
  // YYYY-MM-DD[T ]HH:MM:SS[Z]
  if (s.size() < 19) return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<unsigned> {
    unsigned v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return v;
  };
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':') return std::nullopt;
  const auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), se = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !se || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *se > 60)
    return std::nullopt;
  const std::string_view rest = s.substr(19);
  if (!(rest.empty() || rest == "Z" || rest == "+00:00")) return std::nullopt;
  return days_from_civil(*y, *mo, *d) * 86400 + *h * 3600 + *mi * 60 + *se;
}

// ------------------------------------------------------------------------------ SwapReplay
SwapReplay::SwapReplay(const ReplayConfig& config) : cfg_(config) {
  validate_config(cfg_);
  fee_rate_ = cfg_.fee_pips / 1e6;
  sa_ = sqrt_price_at_tick(cfg_.tick_lower);
  sb_ = sqrt_price_at_tick(cfg_.tick_upper);
  dec_scale_ = std::pow(10.0, cfg_.decimals0 - cfg_.decimals1);
  l_scale_ = std::pow(10.0, 0.5 * (cfg_.decimals0 + cfg_.decimals1));
  // model range: p_human = 1.0001^tick * 10^(d0-d1) (token1 per token0); numeraire token0 inverts it
  const double p_lo = std::exp(2 * kHalfLogTickBase * cfg_.tick_lower) * dec_scale_;
  const double p_hi = std::exp(2 * kHalfLogTickBase * cfg_.tick_upper) * dec_scale_;
  sum_.range = cfg_.numeraire_is_token0 ? PriceRange{1.0 / p_hi, 1.0 / p_lo} : PriceRange{p_lo, p_hi};
}

double SwapReplay::model_price(double sqrt_price) const {
  const double p_human = sqrt_price * sqrt_price * dec_scale_;
  return cfg_.numeraire_is_token0 ? 1.0 / p_human : p_human;
}

void SwapReplay::open_at(std::int64_t time, double sqrt_price) {
  open_ = true;
  const double P = model_price(sqrt_price);
  if (cfg_.liquidity_raw > 0.0) {
    l_pos_raw_ = cfg_.liquidity_raw;
    sum_.liquidity_model = cfg_.liquidity_raw / l_scale_;
  } else {
    sum_.liquidity_model = liquidity_for_capital(sum_.range, cfg_.capital, P);
    l_pos_raw_ = sum_.liquidity_model * l_scale_;
  }
  sum_.liquidity_raw = l_pos_raw_;
  sum_.open_time = time;
  sum_.end_time = time;
  sum_.entry_price = P;
  sum_.final_price = P;
  entry_amounts_ = amounts_for_liquidity(sum_.range, sum_.liquidity_model, P);
  sum_.entry_value = lp_value(sum_.range, sum_.liquidity_model, P);
  sum_.lp_value = sum_.hodl_value = sum_.entry_value;
}

ReplayPoint SwapReplay::point(std::int64_t time, std::int32_t tick, double sqrt_price) const {
  ReplayPoint p;
  p.time = time;
  p.tick = tick;
  p.price = model_price(sqrt_price);
  p.cum_fee0 = sum_.cum_fee0;
  p.cum_fee1 = sum_.cum_fee1;
  p.lp_value = lp_value(sum_.range, sum_.liquidity_model, p.price);
  p.fees_value = cfg_.numeraire_is_token0 ? p.cum_fee0 + p.cum_fee1 * p.price : p.cum_fee1 + p.cum_fee0 * p.price;
  p.hodl_value = hodl_value(sum_.range, sum_.liquidity_model, sum_.entry_price, p.price);
  return p;
}

void SwapReplay::on_swap(const SwapRecord& s, const ReplayCallback& cb) {
  ++sum_.rows;
  if (s.time > cfg_.close_time) return;
  const double sq = record_sqrt(s.tick, s.sqrt_price);
  if (!have_prev_) {
    have_prev_ = true;
    if (s.time >= cfg_.open_time) open_at(s.time, sq);  // no earlier state: open after this swap
  } else {
    if (!open_ && s.time >= cfg_.open_time) open_at(s.time, prev_sqrt_);  // the state before this swap
    if (open_) {
      const double amount_in = s.amount0 > 0.0 ? s.amount0 : (s.amount1 > 0.0 ? s.amount1 : 0.0);
      const bool token0_in = s.amount0 > 0.0;
      double frac;
      if (sq == prev_sqrt_) frac = in_ticks(s.tick, cfg_.tick_lower, cfg_.tick_upper) ? 1.0 : 0.0;
      else frac = in_range_fraction(prev_sqrt_, sq, sa_, sb_);
      const bool ends_in = in_ticks(s.tick, cfg_.tick_lower, cfg_.tick_upper);
      const bool starts_in = in_ticks(prev_tick_, cfg_.tick_lower, cfg_.tick_upper);
      const double l_active = ends_in ? s.liquidity : (starts_in ? prev_l_ : 0.5 * (prev_l_ + s.liquidity));
      const double fee = frac > 0.0 ? fee_rate_ * amount_in * frac * share(l_active) : 0.0;
      ReplayPoint pt;
      if (token0_in) sum_.cum_fee0 += fee; else sum_.cum_fee1 += fee;
      ++sum_.events;
      if (frac > 0.0) ++sum_.events_in_range;
      sum_.end_time = s.time;
      sum_.final_price = model_price(sq);
      if (cb) {
        pt = point(s.time, s.tick, sq);
        pt.in_range_fraction = frac;
        (token0_in ? pt.fee0 : pt.fee1) = fee;
        cb(pt);
      }
    }
  }
  prev_sqrt_ = sq;
  prev_tick_ = s.tick;
  prev_l_ = s.liquidity;
}

void SwapReplay::on_bar(const BarRecord& b, const ReplayCallback& cb) {
  ++sum_.rows;
  if (b.time > cfg_.close_time) return;
  if (!open_ && b.time >= cfg_.open_time) open_at(b.time, record_sqrt(b.open_tick, 0.0));
  if (!open_) return;
  // fraction of the bar's tick interval [low, high] inside [tick_lower, tick_upper)
  const std::int32_t lo = std::min({b.low_tick, b.open_tick, b.close_tick});
  const std::int32_t hi = std::max({b.high_tick, b.open_tick, b.close_tick});
  const double overlap = std::min(hi + 1, cfg_.tick_upper) - std::max(lo, cfg_.tick_lower);
  const double frac = overlap > 0 ? overlap / static_cast<double>(hi + 1 - lo) : 0.0;
  const double sh = share(b.liquidity);
  const double fee0 = fee_rate_ * b.in_amount0 * frac * sh, fee1 = fee_rate_ * b.in_amount1 * frac * sh;
  sum_.cum_fee0 += fee0;
  sum_.cum_fee1 += fee1;
  ++sum_.events;
  if (frac > 0.0) ++sum_.events_in_range;
  const double sq = record_sqrt(b.close_tick, 0.0);
  sum_.end_time = b.time;
  sum_.final_price = model_price(sq);
  if (cb) {
    ReplayPoint pt = point(b.time, b.close_tick, sq);
    pt.in_range_fraction = frac;
    pt.fee0 = fee0;
    pt.fee1 = fee1;
    cb(pt);
  }
}

ReplaySummary SwapReplay::summary() const {
  ReplaySummary s = sum_;
  if (!open_) return s;
  const double P = s.final_price;
  s.lp_value = lp_value(s.range, s.liquidity_model, P);
  s.hodl_value = hodl_value(s.range, s.liquidity_model, s.entry_price, P);
  s.fees_value = cfg_.numeraire_is_token0 ? s.cum_fee0 + s.cum_fee1 * P : s.cum_fee1 + s.cum_fee0 * P;
  s.impermanent_loss = s.lp_value / s.hodl_value - 1.0;
  s.pnl_vs_hodl = s.lp_value + s.fees_value - s.hodl_value;
  return s;
}

// ------------------------------------------------------------------------------ files
ReplaySummary replay_swaps_csv(const std::string& path, const ReplayConfig& config, const SwapCsvSchema& schema,
                               const ReplayCallback& cb) {
  SwapReplay replay(config);
  SwapCsvStream in(path, schema);
  SwapRecord r;
  while (in.next(r)) replay.on_swap(r, cb);
  if (!replay.is_open()) throw InputError(path, "no swap at or after the position's open time");
  return replay.summary();
}

ReplaySummary replay_bars_csv(const std::string& path, const ReplayConfig& config, const BarCsvSchema& schema,
                              const ReplayCallback& cb) {
  SwapReplay replay(config);
  CsvReader csv(path);
  const auto c_time = csv.column(schema.time), c_open = csv.column(schema.open_tick),
             c_close = csv.column(schema.close_tick), c_low = csv.column(schema.low_tick),
             c_high = csv.column(schema.high_tick), c_in0 = csv.column(schema.in_amount0),
             c_in1 = csv.column(schema.in_amount1), c_liq = csv.column(schema.liquidity);
  const double scale0 = std::pow(10.0, -config.decimals0), scale1 = std::pow(10.0, -config.decimals1);
  bool have_prev = false;
  std::int64_t prev_time = 0;
  BarRecord b;
  auto tick = [&](std::size_t col) {
    const std::int64_t t = csv.get_int(col);
    if (t < MIN_TICK || t > MAX_TICK) csv.fail(col, "tick outside [-887272, 887272]");
    return static_cast<std::int32_t>(t);
  };
  while (csv.next()) {
    const std::string_view ts = csv.field(c_time);
    if (auto iso = parse_iso8601_utc(ts)) b.time = *iso;
    else if (auto n = parse_int(ts)) b.time = *n;
    else csv.fail(c_time, "expected an ISO-8601 UTC time or unix seconds, got '" + std::string(ts) + "'");
    if (have_prev && b.time <= prev_time)
      csv.fail(c_time, "rows not sorted by time (strictly increasing): " + std::string(ts));
    have_prev = true;
    prev_time = b.time;
    b.open_tick = tick(c_open);
    b.close_tick = tick(c_close);
    b.low_tick = tick(c_low);
    b.high_tick = tick(c_high);
    if (b.low_tick > b.high_tick) csv.fail(c_low, "lowest tick above highest tick");
    b.in_amount0 = csv.get_double(c_in0) * scale0;
    b.in_amount1 = csv.get_double(c_in1) * scale1;
    if (b.in_amount0 < 0.0) csv.fail(c_in0, "expected a gross inflow >= 0");
    if (b.in_amount1 < 0.0) csv.fail(c_in1, "expected a gross inflow >= 0");
    b.liquidity = csv.get_double(c_liq);
    if (b.liquidity < 0.0) csv.fail(c_liq, "expected liquidity >= 0");
    replay.on_bar(b, cb);
  }
  if (!replay.is_open()) throw InputError(path, "no bar at or after the position's open time");
  return replay.summary();
}

// ------------------------------------------------------------------------------ bars from swaps
BarAggregator::BarAggregator(std::int64_t bar_seconds, std::function<void(const BarRecord&)> emit)
    : bar_seconds_(bar_seconds), emit_(std::move(emit)) {
  if (bar_seconds <= 0) throw DomainError("bar length: expected > 0 seconds, got " + std::to_string(bar_seconds));
}

void BarAggregator::on_swap(const SwapRecord& s) {
  const std::int64_t start = s.time - ((s.time % bar_seconds_) + bar_seconds_) % bar_seconds_;
  if (have_bar_ && start != bar_.time) {
    emit_(bar_);
    have_bar_ = false;
  }
  if (!have_bar_) {
    bar_ = BarRecord{};
    bar_.time = start;
    bar_.open_tick = have_prev_ ? last_tick_ : s.tick;
    bar_.low_tick = bar_.high_tick = bar_.open_tick;
    have_bar_ = true;
  }
  bar_.low_tick = std::min(bar_.low_tick, s.tick);
  bar_.high_tick = std::max(bar_.high_tick, s.tick);
  bar_.close_tick = s.tick;
  if (s.amount0 > 0.0) bar_.in_amount0 += s.amount0;
  if (s.amount1 > 0.0) bar_.in_amount1 += s.amount1;
  bar_.liquidity = s.liquidity;
  last_tick_ = s.tick;
  have_prev_ = true;
}

void BarAggregator::finish() {
  if (have_bar_) emit_(bar_);
  have_bar_ = false;
}

BarVsSwapComparison compare_bar_vs_swap(const std::string& swaps_csv, const ReplayConfig& config,
                                        std::int64_t bar_seconds, const SwapCsvSchema& schema) {
  ReplayConfig cfg = config;
  if (bar_seconds <= 0) throw DomainError("bar length: expected > 0 seconds");
  // align the open time to a bar boundary so both replays open at the same moment
  cfg.open_time = ((cfg.open_time + bar_seconds - 1) / bar_seconds) * bar_seconds;
  SwapReplay swaps(cfg), bars(cfg);
  BarAggregator agg(bar_seconds, [&](const BarRecord& b) { bars.on_bar(b); });
  SwapCsvStream in(swaps_csv, schema);
  SwapRecord r;
  while (in.next(r)) {
    swaps.on_swap(r);
    agg.on_swap(r);
  }
  agg.finish();
  if (!swaps.is_open() || !bars.is_open()) throw InputError(swaps_csv, "no swap at or after the position's open time");
  BarVsSwapComparison c{swaps.summary(), bars.summary(), 0.0};
  c.fees_value_rel_error = c.bar_level.fees_value / c.swap_level.fees_value - 1.0;
  return c;
}

}  // namespace alvh::amm
