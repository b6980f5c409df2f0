#!/usr/bin/env bash
# Benchmark (not a test): `sopan serve` over N synthetic SOPs; time from saving one SOP to the
# reload event reaching a client, over several saves. Usage: scripts/bench-serve.sh [N] [SAVES]
# GAP=seconds the site must stay unchanged before the next save (default 1: someone looking at
# the page).
# With SOPAN_WAKTU=1 the server's stage times of the last rebuild are printed too; with BUKU=1
# every instansi has a decree, so each save also rebuilds that instansi's decree book.
# SOPAN_BIN=path runs another sopan binary (an older build, to compare).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sopan-target}"
cargo build --release --quiet --bin sopan --example gen
bin="$CARGO_TARGET_DIR/release"
n="${1:-1000}"
saves="${2:-5}"
work="$(mktemp -d)"
"$bin/examples/gen" "$n" "$work/p" ${BUKU:+--keputusan} >/dev/null 2>&1
"${SOPAN_BIN:-$bin/sopan}" serve "$work/p" --port 0 2>"$work/log" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
until grep -q "http://" "$work/log"; do sleep 0.2; done
url=$(grep -o "http://[0-9.:]*/" "$work/log" | head -1)
echo "first build: $(grep -o 'dalam [0-9]* ms' "$work/log")"
sop=$(find "$work/p/content" -name 'sop-*.yaml' | sort | sed -n 1p)
# "generation searched": equal once the served site's search index is its own.
state() {
  curl -s "${url}__sopan/status" | grep -o '"\(generasi\|indeks\)":[0-9]*' | cut -d: -f2 | paste -sd' '
}
for k in $(seq 1 "$saves"); do
  # Wait until the server is idle: the site's own search index served, and nothing changed for
  # GAP seconds (a decree book rejoined after the previous save publishes a generation of its
  # own, whose reload event must not be taken for this save's).
  now=$(state)
  while sleep "${GAP:-1}"; next=$(state); [ "$next" != "$now" ] || [ "${next% *}" != "${next#* }" ]; do
    now=$next
  done
  gen=${next% *}
  curl -sN "${url}__sopan/events?sejak=$gen" > "$work/events" &
  client=$!
  sleep 0.2
  start=$(date +%s%N)
  sed -i "0,/kegiatan: /s/kegiatan: /kegiatan: Ubah $k /" "$sop"
  until grep -q "data: reload" "$work/events"; do sleep 0.005; done
  end=$(date +%s%N)
  kill $client 2>/dev/null || true
  echo "save $k: $(( (end - start) / 1000000 )) ms to the reload event"
done
if [ -n "${SOPAN_WAKTU:-}" ]; then
  echo "last rebuild, as the server logged it:"
  grep -v '^$' "$work/log" | grep -v 'indeks pencarian diperbarui' | tail -8
  sleep 2
  echo "search index updates, as the server logged them:"
  grep 'indeks pencarian diperbarui' "$work/log" || true
fi
