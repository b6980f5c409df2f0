#!/usr/bin/env bash
# Benchmark (not a test): generate synthetic projects of N SOPs and time a full `sopan build`,
# first without decree books, then with a decree per instansi (`buku`: every instansi's decree
# book holds all its SOPs again, as a real Sekretariat's project does).
# Usage: scripts/bench.sh [N ...]   (default: 100 1000). Prints wall time, ms per SOP, peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
# The same target dir as .ci/run, so a benchmark reuses CI's and the tests' build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sopan-target}"
cargo build --release --quiet --bin sopan --example gen
target="$CARGO_TARGET_DIR/release"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%8s %6s %10s %12s %12s %10s\n' SOP buku "wall (s)" "ms per SOP" "peak (MiB)" "files"
for n in "${@:-100 1000}"; do
  for k in $n; do
   for books in tidak ya; do
    dir="$work/syn-$k-$books"
    if [ "$books" = ya ]; then
      "$target/examples/gen" "$k" "$dir" --keputusan 2>/dev/null
    else
      "$target/examples/gen" "$k" "$dir" 2>/dev/null
    fi
    # Warm the page cache once, then measure a second full build (`--bersih`: from the build
    # cache it would be a warm build).
    "$target/sopan" build "$dir" --quiet >/dev/null 2>&1
    /usr/bin/time -f '%e %M' -o "$work/time" "$target/sopan" build "$dir" --quiet --bersih >/dev/null 2>&1
    read -r wall kb < "$work/time"
    files=$(find "$dir/output" -type f | wc -l)
    awk -v n="$k" -v b="$books" -v w="$wall" -v kb="$kb" -v f="$files" \
      'BEGIN { printf "%8d %6s %10.2f %12.1f %12.1f %10d\n", n, b, w, w * 1000 / n, kb / 1024, f }'
    rm -rf "$dir"
   done
  done
done
