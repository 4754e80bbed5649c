#!/usr/bin/env bash
# Side-by-side compression of MIT-BIH records: our sample codec next to
# flac -8, wavpack -hh and zstd -19 run on the same samples in the same run
# (bench/codec_bench.cc --compare), then the speed benchmarks.
# Downloads nothing: reads ../shared/data (or $JUMEAU_TEST_DATA).
#
# Usage: bench/compression_compare.sh [build dir, default build] [extra --compare flags]
#   e.g. bench/compression_compare.sh build --mono --chunk=32768
set -euo pipefail

src_dir="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${1:-build}"
shift || true
case "$build_dir" in /*) ;; *) build_dir="$src_dir/$build_dir" ;; esac

if [[ ! -f "$build_dir/build.ninja" && ! -f "$build_dir/Makefile" ]]; then
  cmake -S "$src_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build_dir" --target codec_bench -j2

for tool in flac wavpack zstd; do
  command -v "$tool" > /dev/null || echo "note: $tool not installed; its column will read n/a" >&2
done

export JUMEAU_SOURCE_DIR="$src_dir"
echo "<!-- $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') -->"
echo "<!-- tools: $(flac --version 2>/dev/null | head -1); $(wavpack --version 2>/dev/null | head -1); $(zstd --version 2>/dev/null | head -1) -->"
"$build_dir/bench/codec_bench" --compare "$@"
echo
echo "## Speed (MIT-BIH 100, both signals, one core)"
echo
echo '```'
"$build_dir/bench/codec_bench" --benchmark_min_time=1 2>&1 | grep -E "^(BM_|Benchmark|-)"
echo '```'
