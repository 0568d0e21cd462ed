#!/usr/bin/env bash
# Runs the numpy peer (/work/shared/peers/numpy_gbm_lp.py: GBM + v3 LP valued at every step)
# and alvh's benchmark of exactly that loop in the same session, and prints the ratio.
# Usage: bench/run_sim_peers.sh [build-dir] [paths] [steps]
# Needs the benchmark built: cmake --build <build-dir> --target alvh_bench_sim
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build/release}"
paths="${2:-200000}"
steps="${3:-365}"
shared="${ALVH_SHARED_DIR:-$here/../../shared}"
peer="$shared/peers/numpy_gbm_lp.py"
bench="$build/bench/alvh_bench_sim"
[[ -x "$bench" ]] || { echo "missing $bench (build target alvh_bench_sim)" >&2; exit 1; }
[[ -f "$peer" ]] || { echo "missing $peer (set ALVH_SHARED_DIR)" >&2; exit 1; }

echo "== numpy peer: /usr/bin/python3 $peer $paths $steps"
peer_out="$(/usr/bin/python3 "$peer" "$paths" "$steps")"
echo "$peer_out"
peer_rate="$(sed -n 's/.*: \([0-9.]*\) M path-steps\/s.*/\1/p' <<<"$peer_out")"

# Mirror loop and full engine, 2 threads, each with the fast (default) and the exact normal
# generator (benchmark args: .../threads/normals for the mirror, .../threads/simd/normals for the
# engine; normals 1 = fast, 0 = exact).
filter="BM_GbmLpMirror/$paths/$steps/2/[01]/|BM_EngineGbmLp/$paths/$steps/2/1/[01]/"
echo "== alvh: $bench --benchmark_filter='$filter' --benchmark_min_time=0.5"
alvh_out="$("$bench" --benchmark_filter="$filter" --benchmark_min_time=0.5 --benchmark_format=csv 2>/dev/null)"
# The CSV rows carry the counters; print name, label and path_steps_per_s.
python_parse='
import csv, sys
rows = list(csv.reader(sys.stdin))
hdr = next(i for i, r in enumerate(rows) if r and r[0] == "name")
cols = rows[hdr]
for r in rows[hdr + 1:]:
    d = dict(zip(cols, r))
    print(d["name"], float(d["path_steps_per_s"]) / 1e6, d.get("label", "").replace(" ", "_"))
'
parsed="$(/usr/bin/python3 -c "$python_parse" <<<"$alvh_out")"
echo "$parsed" | awk '{printf "%-45s %8.1f M path-steps/s  (%s)\n", $1, $2, $3}'
echo "== ratios to numpy (same run, 2 cores for alvh; numpy is single-threaded as written)"
echo "$parsed" | awk -v peer="$peer_rate" '{printf "%-45s %6.1fx  (%s)\n", $1, $2 / peer, $3}'
echo "== load: $(uptime)"
