#pragma once
// Swap replay: the fees and value path a hypothetical Uniswap v3 position [tick_lower,
// tick_upper) would have had over a pool's real swap history (swap-level), or over minute/hour
// bars of gross inflows (bar mode). Files are streamed: memory does not grow with the rows.
//
// Swap-level model (docs/amm.md, "Swap replay"): each swap moves the price from the previous
// row's sqrt price to this row's. The input amount is split along that path at the range
// boundaries, assuming the pool's active liquidity is constant over the swap (so the input
// traded over a sqrt-price interval is proportional to its length in 1/sqrtP for token0 input
// and in sqrtP for token1 input). The position earns the share L_pos / (L_active + L_pos) of
// fee_rate x (in-range input). Approximations: the position does not move historical prices;
// active liquidity is constant within a swap (the row's L after the swap if the swap ends in
// range, else the L before it); the in-tick position of the price comes from sqrtPriceX96
// columns with ~6 significant digits, clamped to the exact tick's interval.
//
// Pool-to-model mapping: the closed-form model (position_model.hpp) has X = risky, Y =
// numeraire, P = Y per X. For the mainnet USDC(token0)/WETH(token1) pool the numeraire is
// token0, so P = 1 / (1.0001^tick * 10^(d0-d1)) = USDC per ETH, the range maps to
// [1/p(tick_upper), 1/p(tick_lower)], and L_model = L_raw / 10^((d0+d1)/2).
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "alvh/amm/position_model.hpp"

namespace alvh::amm {

struct ReplayConfig {
  std::int32_t tick_lower = 0;
  std::int32_t tick_upper = 0;
  // Exactly one of liquidity_raw (pool units, sqrt(raw0 raw1)) or capital (numeraire) > 0.
  double liquidity_raw = 0.0;
  double capital = 0.0;
  std::int64_t open_time = 0;  // unix seconds; the position opens before the first swap at/after it
  std::int64_t close_time = std::numeric_limits<std::int64_t>::max();  // rows after it are ignored
  std::uint32_t fee_pips = 3000;
  int decimals0 = 6;   // USDC
  int decimals1 = 18;  // WETH
  bool numeraire_is_token0 = true;
};

// Column names of the swap CSV (defaults: ../shared/data/uniswap_v3_mainnet_usdc_weth_03_swaps_2021-08.csv).
struct SwapCsvSchema {
  std::string time = "unix_s";             // integer unix seconds, non-decreasing
  std::string amount0 = "amount0_usdc";    // signed, human units, + = into the pool
  std::string amount1 = "amount1_weth";    // signed, human units
  std::string tick = "tick";               // exact pool tick after the swap
  std::string sqrt_price_x96 = "sqrtPriceX96_approx";  // optional (empty name or column absent: tick only)
  std::string liquidity = "liquidity_approx";          // active liquidity after the swap (raw)
};

// Column names of the bar CSV (defaults: ../shared/data/uniswap_v3_polygon_usdc_weth_005_minute.csv.gz).
struct BarCsvSchema {
  std::string time = "timestamp";  // ISO-8601 UTC (2022-07-19T00:00:00Z) or integer unix seconds; increasing
  std::string open_tick = "openTick";
  std::string close_tick = "closeTick";
  std::string low_tick = "lowestTick";
  std::string high_tick = "highestTick";
  std::string in_amount0 = "inAmount0";  // gross inflow of token0, RAW units
  std::string in_amount1 = "inAmount1";
  std::string liquidity = "currentLiquidity";  // active liquidity at the bar's end (raw)
};

struct SwapRecord {
  std::int64_t time = 0;
  double amount0 = 0.0;  // human, + into the pool
  double amount1 = 0.0;
  std::int32_t tick = 0;
  double sqrt_price = 0.0;  // raw sqrt(token1/token0) after the swap (not X96); 0 = unknown
  double liquidity = 0.0;   // raw
};

struct BarRecord {
  std::int64_t time = 0;
  std::int32_t open_tick = 0, close_tick = 0, low_tick = 0, high_tick = 0;
  double in_amount0 = 0.0;  // human
  double in_amount1 = 0.0;
  double liquidity = 0.0;  // raw
};

// One point of the value path, after a swap (or bar) once the position is open.
struct ReplayPoint {
  std::int64_t time = 0;
  std::int32_t tick = 0;
  double price = 0.0;        // model price P: numeraire per risky token
  double in_range_fraction = 0.0;  // fraction of this swap's input traded inside the range
  double fee0 = 0.0;         // fee earned on this swap, token0 human units
  double fee1 = 0.0;
  double cum_fee0 = 0.0;
  double cum_fee1 = 0.0;
  double lp_value = 0.0;     // principal value at P (numeraire)
  double fees_value = 0.0;   // cumulative fees valued at P (numeraire)
  double hodl_value = 0.0;   // entry amounts valued at P
};

struct ReplaySummary {
  std::int64_t rows = 0;          // data rows read
  std::int64_t events = 0;        // swaps/bars processed with the position open
  std::int64_t events_in_range = 0;
  std::int64_t open_time = 0, end_time = 0;
  double liquidity_raw = 0.0, liquidity_model = 0.0;
  double entry_price = 0.0, final_price = 0.0;
  PriceRange range;  // model price range
  double cum_fee0 = 0.0, cum_fee1 = 0.0;
  double fees_value = 0.0, lp_value = 0.0, hodl_value = 0.0, entry_value = 0.0;
  double impermanent_loss = 0.0;  // lp/hodl - 1 at the end
  double pnl_vs_hodl = 0.0;       // lp + fees - hodl
};

using ReplayCallback = std::function<void(const ReplayPoint&)>;

// The replay state machine, fed one record at a time (no allocation per record).
class SwapReplay {
 public:
  explicit SwapReplay(const ReplayConfig& config);
  void on_swap(const SwapRecord& s, const ReplayCallback& cb = {});
  void on_bar(const BarRecord& b, const ReplayCallback& cb = {});
  ReplaySummary summary() const;
  bool is_open() const noexcept { return open_; }

 private:
  void open_at(std::int64_t time, double sqrt_price);
  ReplayPoint point(std::int64_t time, std::int32_t tick, double sqrt_price) const;
  double model_price(double sqrt_price) const;
  double share(double l_active) const { return l_pos_raw_ / (l_active + l_pos_raw_); }

  ReplayConfig cfg_;
  double fee_rate_;
  double sa_, sb_;  // raw sqrt prices of the range boundaries
  double dec_scale_;  // 10^(d0-d1)
  double l_scale_;    // 10^((d0+d1)/2): L_raw = L_model * l_scale
  bool have_prev_ = false;
  bool open_ = false;
  double prev_sqrt_ = 0.0, prev_l_ = 0.0;
  std::int32_t prev_tick_ = 0;
  double l_pos_raw_ = 0.0;
  ReplaySummary sum_;
  TokenAmounts entry_amounts_;
};

// Raw sqrt price of the tick's lower boundary: sqrt(1.0001^tick).
double sqrt_price_at_tick(std::int32_t tick);
// Fraction of a swap's input traded with the price inside [sa, sb], for a path s0 -> s1
// (raw sqrt prices), constant liquidity: in 1/sqrtP if the price falls (token0 in), else sqrtP.
double in_range_fraction(double s0, double s1, double sa, double sb);

// Streams a swap CSV through a SwapReplay. InputError (file:line:field) on malformed rows, rows
// not sorted by time, amounts that are not one in / one out, ticks out of range.
ReplaySummary replay_swaps_csv(const std::string& path, const ReplayConfig& config, const SwapCsvSchema& schema = {},
                               const ReplayCallback& cb = {});
// Streams a bar CSV (bar mode). Same error rules.
ReplaySummary replay_bars_csv(const std::string& path, const ReplayConfig& config, const BarCsvSchema& schema = {},
                              const ReplayCallback& cb = {});

// Aggregates swaps into bars of `bar_seconds` (open = previous close, low/high over the
// swaps' ticks and the open, inflows = sum of positive amounts, liquidity = last row's), so the
// bar approximation can be measured against the swap-level replay on the same history.
class BarAggregator {
 public:
  BarAggregator(std::int64_t bar_seconds, std::function<void(const BarRecord&)> emit);
  void on_swap(const SwapRecord& s);
  void finish();

 private:
  std::int64_t bar_seconds_;
  std::function<void(const BarRecord&)> emit_;
  bool have_bar_ = false, have_prev_ = false;
  BarRecord bar_;
  std::int32_t last_tick_ = 0;
};

struct BarVsSwapComparison {
  ReplaySummary swap_level;
  ReplaySummary bar_level;
  double fees_value_rel_error = 0.0;  // bar / swap - 1
};
// Runs both replays over one swap CSV (bars aggregated on the fly), one pass, streaming.
BarVsSwapComparison compare_bar_vs_swap(const std::string& swaps_csv, const ReplayConfig& config,
                                        std::int64_t bar_seconds = 60, const SwapCsvSchema& schema = {});

// ISO-8601 UTC "YYYY-MM-DDTHH:MM:SS[Z]" (or "YYYY-MM-DD HH:MM:SS") to unix seconds; nullopt if malformed.
std::optional<std::int64_t> parse_iso8601_utc(std::string_view s);

}  // namespace alvh::amm
