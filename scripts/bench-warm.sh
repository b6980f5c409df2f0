#!/usr/bin/env bash
# Benchmark (not a test): `sopan build` of N synthetic SOPs (BUKU=1: with decree books), cold
# (`--bersih`; a binary without that flag, one from before the build cache, runs plain: it
# keeps no cache, so every build of it is cold), warm with nothing changed, warm after one
# changed SOP whose edit brings a new word (`one`: every part of the search index changes its
# word list) and after one whose edit brings none (`sama`: a step's time set to "2 jam" or
# "3 jam", words every site has; one part changes), each RUNS times, alternating between the binaries given (default: this tree's
# release build), so machine load falls on all of them alike. Prints wall time, CPU time
# (user+sys, steadier than wall on a shared machine), peak RSS and the load average per run.
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
cold_flag() { if "$1" build --help 2>&1 | grep -q -- --bersih; then echo --bersih; fi; }
timed() {
  if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>"$work/err"; then
    echo "$what $(basename "$bin"): build failed:"; tail -5 "$work/err"; return
  fi
  read -r wall user sys kb < "$work/time"
  load=$(cut -d' ' -f1 /proc/loadavg)
  cpu=$(echo "$user + $sys" | bc)
  printf '%-5s %-22s %7.2f s wall %7.2f s cpu (user %6.2f sys %5.2f) %6.0f MiB  load %s\n' \
    "$what" "$(basename "$bin")" "$wall" "$cpu" "$user" "$sys" "$((kb / 1024))" "$load"
}
for r in $(seq 1 "$runs"); do
  for what in cold warm one sama; do
    for k in "${!bins[@]}"; do
      bin="${bins[$k]}"
      case $what in
        cold) timed "$bin" build "$work/p$k" --quiet $(cold_flag "$bin") ;;
        warm) timed "$bin" build "$work/p$k" --quiet ;;
        one)
          sed -i "0,/kegiatan: /s/kegiatan: /kegiatan: Ubah $r$k /" "$work/p$k/$sop"
          timed "$bin" build "$work/p$k" --quiet ;;
        sama)
          sed -i -E "0,/^( +waktu: ).*/s//\\1$((2 + r % 2)) jam/" "$work/p$k/$sop"
          timed "$bin" build "$work/p$k" --quiet ;;
      esac
    done
  done
done
