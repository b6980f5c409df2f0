#!/usr/bin/env bash
# Benchmark (not a test): the revision features on a synthetic project of N SOPs in a git
# repository with C commits after the first (each revising 5 SOPs: a step's waktu and the
# tanggal_revisi). Prints the time of the build's history-and-audit stage, of `sopan diff`
# between the first and last commit, and of `sopan audit`.
# Usage: scripts/bench-history.sh [N] [C]   (default: 1000 50)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sopan-target}"
cargo build --release --quiet --bin sopan --example gen
target="$CARGO_TARGET_DIR/release"
n="${1:-1000}"
commits="${2:-50}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dir="$work/syn"
"$target/examples/gen" "$n" "$dir" 2>/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.go.id
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.go.id
g() { git -C "$dir" -c init.defaultBranch=main -c commit.gpgsign=false "$@"; }
g init -q
g add -A
g commit -q -m "awal"
mapfile -t sops < <(cd "$dir" && find content -name '*.yaml' ! -name '_*' | sort)
for ((c = 1; c <= commits; c++)); do
  for ((k = 0; k < 5; k++)); do
    f="$dir/${sops[$(( (c * 7 + k * 131) % ${#sops[@]} ))]}"
    # Revise the first step's time and the revision date.
    sed -i "0,/waktu: .*/s//waktu: $((c + k)) jam/" "$f"
    grep -q '^tanggal_revisi:' "$f" || sed -i "1a tanggal_revisi: 2024-01-01" "$f"
    sed -i "s/^tanggal_revisi: .*/tanggal_revisi: 2024-$(printf %02d $(( c % 12 + 1 )))-0$(( k + 1 ))/" "$f"
  done
  g commit -q -am "revisi $c"
done
echo "$n SOP, $((commits + 1)) commit"
"$target/sopan" build "$dir" 2>&1 | grep -E 'riwayat git dan audit|halaman SOP|halaman lain|Selesai'
echo "diff awal → HEAD:"
# `diff` and `audit` exit 1 when they find something: that is their answer, not a failure.
{ /usr/bin/time -f '  %e s, %M KiB' "$target/sopan" diff HEAD~"$commits" HEAD --proyek "$dir" >/dev/null || true; } 2>&1 | tail -1
{ "$target/sopan" diff HEAD~"$commits" HEAD --proyek "$dir" 2>/dev/null || true; } | sed -n 2p
echo "audit:"
{ /usr/bin/time -f '  %e s, %M KiB' "$target/sopan" audit "$dir" >/dev/null || true; } 2>&1 | tail -1
pages=$(find "$dir/output" -path '*/riwayat/*' -name index.html | wc -l)
echo "halaman perubahan: $pages"
