#!/usr/bin/env bash
# Benchmark aid (not a test): N synthetic SOPs built twice, the search index whole and in its
# parts (the default), and the same searches run on both in chromium
# (tests/browser/compare-parts.mjs): how often the first result is the same, how much of the top
# ten is, and the time per search. Needs chromium, python3 and `npm ci --prefix tests/browser`.
# Usage: scripts/compare-search-parts.sh [N]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sopan-target}"
cargo build --release --quiet --bin sopan --example gen
bin="$CARGO_TARGET_DIR/release"
work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$work"' EXIT
"$bin/examples/gen" "$n" "$work/p" >/dev/null 2>&1
SOPAN_HALAMAN_PER_INDEKS=1000000000 "$bin/sopan" build "$work/p" --quiet 2>/dev/null
mv "$work/p/output" "$work/whole"
"$bin/sopan" build "$work/p" --quiet 2>/dev/null
mv "$work/p/output" "$work/parts"
echo "bagian: $(cat "$work/parts/pagefind/sopan-bagian.json")"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
a=$(port); b=$(port)
python3 -m http.server "$a" --bind 127.0.0.1 --directory "$work/whole" >/dev/null 2>&1 & pids+=($!)
python3 -m http.server "$b" --bind 127.0.0.1 --directory "$work/parts" >/dev/null 2>&1 & pids+=($!)
sleep 1
node tests/browser/compare-parts.mjs "http://127.0.0.1:$a" "http://127.0.0.1:$b"
