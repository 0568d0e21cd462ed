#pragma once
// The data feed: a series of bars (structure of arrays) read from ../shared/data or generated
// synthetically. Price = USDC per ETH (numeraire per unit of the risky token, alvh's P).
//
// Readers (streaming alvh::CsvReader; unsorted or duplicate timestamps and bad rows throw
// InputError naming file, line and field):
//  - Uniswap v3 pool minute bars (Polygon USDC/WETH 0.05%, ../shared/data README §1): token0 =
//    USDC (6 dec), token1 = WETH (18 dec), ETH price = 1e12 / 1.0001^tick, so the bar high comes
//    from lowestTick and the low from highestTick. Pool fees per bar = fee_tier x (inAmount0/1e6
//    + inAmount1/1e18 x close), active liquidity in human units = currentLiquidity / 1e12
//    (sqrt(1e6 x 1e18)), signed net base flow into the pool = netAmount1 / 1e18.
//  - OHLCV CSVs: Binance hourly (timestamp_utc, open, high, low, close, volume_usdt) and Yahoo
//    daily (date_utc, open, high, low, close, volume_usd). No pool fees: fees_modelled = true.
//  - Deribit DVOL hourly (timestamp, eth_dvol_pct): joined as the implied-vol series.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace alvh::backtest {

inline constexpr double kNoData = std::numeric_limits<double>::quiet_NaN();

struct BarSeries {
  std::vector<std::int64_t> time;      // bar open time, unix seconds UTC, strictly increasing
  std::vector<double> open, high, low, close;
  std::vector<double> volume;          // traded notional in the bar, numeraire; NaN when unknown
  std::vector<double> pool_fees;       // pool fee income in the bar, numeraire; NaN when not in the data
  std::vector<double> pool_liquidity;  // active liquidity at bar close, human units; NaN when unknown
  std::vector<double> net_flow_base;   // signed net ETH into the pool in the bar; NaN when unknown
  std::vector<double> implied_vol;     // annualised implied vol for marking (e.g. DVOL); NaN when unknown
  double bar_seconds = 3600.0;
  std::string source;                  // file name or "synthetic(seed=...)"
  bool fees_modelled = true;           // true when pool fees are missing and the fee-APR model is used

  std::size_t size() const { return close.size(); }
  void reserve(std::size_t n);
  // Appends a bar with unknown pool data (NaN) unless given.
  void push(std::int64_t t, double o, double h, double l, double c, double vol = kNoData, double fees = kNoData,
            double liq = kNoData, double flow = kNoData, double iv = kNoData);
};

enum class BarInterval { Minute, Hour, Day };
BarInterval parse_bar_interval(const std::string& s);  // "minute" | "hour" | "day"; DomainError otherwise
double bar_interval_seconds(BarInterval b);

// Detects the format from the header (closeTick => Uniswap minute bars; timestamp_utc or
// date_utc + OHLC => OHLCV) and reads the file. fee_tier applies to Uniswap pool bars.
BarSeries load_bars(const std::string& path, double fee_tier = 0.0005);
BarSeries load_uniswap_minute_bars(const std::string& path, double fee_tier = 0.0005);
BarSeries load_ohlcv_bars(const std::string& path);
// Joins a DVOL CSV (timestamp, eth_dvol_pct) onto bars by hour (the last DVOL at or before the
// bar's hour; NaN when the series does not cover it).
void join_implied_vol(BarSeries& bars, const std::string& dvol_path);

// Aggregates to a coarser interval: OHLC, summed volume/fees/flows, last liquidity and IV.
// Buckets are aligned to multiples of `seconds` since the epoch; empty buckets are skipped.
BarSeries resample(const BarSeries& bars, double seconds);

// Regime-switching GBM history (docs/backtest.md "Synthetic history"): a discrete-time Markov
// chain of vol regimes, each with a mean duration; within a regime log P follows GBM with that
// vol and zero drift (plus the Ito correction so E[P] is flat). High/low of each bar come from
// four intra-bar sub-steps. Deterministic for a seed (xoshiro256**, Box-Muller).
struct SyntheticHistory {
  std::uint64_t seed = 42;
  double years = 4.0;
  double bar_seconds = 3600.0;
  double start_price = 2000.0;
  std::int64_t start_time = 1640995200;  // 2022-01-01T00:00:00Z
  std::vector<double> regime_vols = {0.45, 0.75, 1.30};
  std::vector<double> regime_mean_days = {60.0, 30.0, 10.0};
  double implied_vol_premium = 0.05;  // IV = regime vol + premium (vol points), stored as implied_vol
  bool with_implied_vol = false;      // when false, IV is left NaN and the marking model is used
};
BarSeries synthetic_history(const SyntheticHistory& p);

}  // namespace alvh::backtest
