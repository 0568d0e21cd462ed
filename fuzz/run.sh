#!/usr/bin/env bash
# Coverage-guided fuzzing of alvh's input parsers with libFuzzer (fuzz/fuzz_inputs.cpp).
# Usage: fuzz/run.sh [seconds=600] [build-dir=build-fuzz]
# Needs clang (Debian's clang-14 ships libFuzzer). Builds the library with clang and
# -fsanitize=fuzzer-no-link,address,undefined into its own build directory, seeds a corpus from
# the real data in ../shared/data (read in place, first few KB of each file) and the examples,
# then fuzzes. Crashing inputs land in <build-dir>/crashes/; rerun one with
# <build-dir>/fuzz_inputs <file>. Not part of CI (it needs minutes to be useful).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
secs="${1:-600}"
build="${2:-$root/build-fuzz}"
shared="${ALVH_SHARED_DIR:-$root/../shared}"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
  -DALVH_BUILD_PYTHON=OFF -DALVH_BUILD_BENCH=OFF -DALVH_BUILD_TESTS=OFF -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
libs=(backtest signals hedge sim risk options amm core)
targets=() archives=()
for m in "${libs[@]}"; do
  targets+=("alvh_$m")
  archives+=("$build/libalvh_$m.a")
done
cmake --build "$build" -j 2 --target "${targets[@]}"
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
  -I"$root/include" -I"$build/generated" -isystem /usr/include/eigen3 "$here/fuzz_inputs.cpp" "${archives[@]}" \
  -lfmt -ltbb -lhwy -lnlopt -lsleef -lClp -lCoinUtils -lz -ltomlplusplus -o "$build/fuzz_inputs"

corpus="$build/corpus"
mkdir -p "$corpus" "$build/crashes"
seed() {  # seed <parser byte> <name> <file> [bytes]
  [[ -f "$3" ]] || return 0
  { printf "\\x$(printf %02x "$1")"; head -c "${4:-3000}" "$3"; } >"$corpus/seed_$2"
}
seed 1 chain "$shared/data/deribit_btc_option_chain_20200514.csv"
seed 2 bars_binance "$shared/data/binance_ethusdt_1h_2017-2021.csv"
seed 2 bars_yahoo "$shared/data/yahoo_eth_usd_daily_2017-2024.csv"
seed 3 backtest_toml "$root/examples/backtest.toml" 20000
seed 7 history "$shared/data/yahoo_btc_usd_daily_2014-2024.csv"
seed 8 swaps "$shared/data/uniswap_v3_mainnet_usdc_weth_03_swaps_2021-08.csv"
if [[ -f "$shared/data/uniswap_v3_polygon_usdc_weth_005_minute.csv.gz" ]]; then
  { printf "\\x09"; zcat "$shared/data/uniswap_v3_polygon_usdc_weth_005_minute.csv.gz" | head -c 3000 || true; } >"$corpus/seed_minute_bars"
fi
printf '\x05date,kind,name\n2024-01-31T19:00:00Z,fomc,FOMC\n' >"$corpus/seed_events"
printf '\x0aETH-27DEC24-3000-C' >"$corpus/seed_instrument"
printf '\x00{"result":[{"instrument_name":"ETH-27DEC24-3000-C","mark_price":0.05,"bid_price":0.04,"ask_price":0.06,"underlying_price":3000,"mark_iv":60,"interest_rate":0,"open_interest":10}]}' >"$corpus/seed_chain_json"
printf '\x04{"schema":"alvh.hedge","legs":[{"instrument":"X","type":"put","strike":2500,"expiry_years":0.08,"quantity":1.5,"premium":20}]}' >"$corpus/seed_hedge"
printf '\x06[merton]\nintensity = 4\njump_mean = -0.03\njump_stdev = 0.08\n[heston]\nkappa = 2.0\ntheta = 0.64\nvol_of_vol = 0.9\nrho = -0.6\n[hedge]\nmark = "black76"\n' >"$corpus/seed_sim"

"$build/fuzz_inputs" "$corpus" -max_len=6000 -timeout=10 -rss_limit_mb=4096 -max_total_time="$secs" \
  -artifact_prefix="$build/crashes/" -print_final_stats=1
