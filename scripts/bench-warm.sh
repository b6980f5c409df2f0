#!/usr/bin/env bash
# Benchmark (not a test): `sopan build` of N synthetic SOPs (BUKU=1: with decree books), cold
# (`--bersih`), warm with nothing changed, and warm after one changed SOP, each RUNS times,
# alternating between the binaries given (default: this tree's release build), so machine load
# falls on all of them alike. Prints wall time, peak RSS and the load average per run.
# Usage: scripts/bench-warm.sh [N] [RUNS] [BIN ...]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sopan-target}"
cargo build --release --quiet --bin sopan --example gen
n="${1:-1000}"
runs="${2:-3}"
shift $(( $# > 2 ? 2 : $# ))
bins=("${@:-$CARGO_TARGET_DIR/release/sopan}")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$CARGO_TARGET_DIR/release/examples/gen" "$n" "$work/p" ${BUKU:+--keputusan} >/dev/null 2>&1
# One project per binary: each binary's build cache is its own (the cache's stamp names it).
for k in "${!bins[@]}"; do cp -r "$work/p" "$work/p$k"; done
sop=$(cd "$work/p" && find content -name 'sop-*.yaml' | sort | sed -n 1p)
timed() {
  if ! /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err"; then
    echo "$what $(basename "$bin"): build failed:"; tail -5 "$work/err"; return
  fi
  read -r wall kb < "$work/time"
  load=$(cut -d' ' -f1 /proc/loadavg)
  printf '%-10s %-22s %8.2f s %8.0f MiB  load %s\n' "$what" "$(basename "$bin")" "$wall" "$((kb / 1024))" "$load"
}
for r in $(seq 1 "$runs"); do
  for what in cold warm one; do
    for k in "${!bins[@]}"; do
      bin="${bins[$k]}"
      case $what in
        cold) timed "$bin" build "$work/p$k" --quiet --bersih ;;
        warm) timed "$bin" build "$work/p$k" --quiet ;;
        one)
          sed -i "0,/kegiatan: /s/kegiatan: /kegiatan: Ubah $r /" "$work/p$k/$sop"
          timed "$bin" build "$work/p$k" --quiet ;;
      esac
    done
  done
done
