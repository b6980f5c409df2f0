#!/usr/bin/env bash
# Benchmark (not a test): cold builds of two sopan binaries, interleaved (A, B, A, B, ...), on
# the same synthetic project, with user+sys CPU, wall time and peak memory of each run and the
# averages. On a shared or virtual machine single runs vary by 10-20%; interleaving and many
# runs are what make a comparison of two versions mean anything.
# Usage: scripts/bench-ab.sh OLD_BIN NEW_BIN [N] [RUNS]   (default 1000 SOPs, 5 runs each)
# BUKU=1 gives every instansi a decree (decree books in every build). A binary that knows
# `--bersih` is run with it, so its build cache does not make the build warm.
# PROYEK=DIR builds a copy of that project instead (N is then ignored), e.g. the example
# content copied many times over (real SOPs, longer texts than the generator's).
# FRESH=1 builds each run in its own fresh copy of the project (no output, no cache: the first
# build of a checkout), the copies made up front, then `sync` and PAUSE seconds (default 35):
# on ext4 without a journal a file created within ~30 s of many deletions is slow to create,
# and back-to-back runs measure that as much as sopan. The pause is not always enough (the
# kernel passes over inodes deleted up to minutes before: a fresh 1,000-SOP build took 3.8 s
# of system CPU there, 0.6 s on tmpfs, and perf put the kernel's time in its search for a free
# inode, `find_inode_bit`); TMPDIR=/dev/shm runs everything on tmpfs, which leaves the file
# system out (PAUSE=3 is then enough).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sopan-target}"
[ -n "${PROYEK:-}" ] || cargo build --release --quiet --example gen
a="$1"
b="$2"
n="${3:-1000}"
runs="${4:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -n "${PROYEK:-}" ]; then
  cp -r "$PROYEK" "$work/p"
  rm -rf "$work/p/output" "$work/p/.output.daur" "$work/p/.sopan"
else
  "$CARGO_TARGET_DIR/release/examples/gen" "$n" "$work/p" ${BUKU:+--keputusan} >/dev/null 2>&1
fi
flags() { if "$1" build --help 2>/dev/null | grep -q -- --bersih; then echo --bersih; fi; }
for side in A B; do
  cp -r "$work/p" "$work/$side"
done
fa=$(flags "$a")
fb=$(flags "$b")
# One build each first: the page cache warm, and an output to replace, as in every run after.
"$a" build "$work/A" --quiet >/dev/null 2>&1
"$b" build "$work/B" --quiet >/dev/null 2>&1
if [ -n "${FRESH:-}" ]; then
  for r in $(seq "$runs"); do
    cp -r "$work/p" "$work/A$r"
    cp -r "$work/p" "$work/B$r"
  done
  fa=
  fb=
  sync
  sleep "${PAUSE:-35}"
fi
printf '%-4s %8s %8s %8s %10s\n' "" "wall (s)" "cpu (s)" "sys (s)" "peak (MiB)"
for r in $(seq "$runs"); do
  for side in A B; do
    if [ "$side" = A ]; then bin="$a"; f="$fa"; else bin="$b"; f="$fb"; fi
    dir="$work/$side${FRESH:+$r}"
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin" build "$dir" --quiet $f >/dev/null 2>&1
    read -r wall user sys kb < "$work/time"
    awk -v s="$side" -v w="$wall" -v u="$user" -v y="$sys" -v kb="$kb" \
      'BEGIN { printf "%-4s %8.2f %8.2f %8.2f %10d\n", s, w, u + y, y, kb / 1024 }'
  done
done | tee "$work/runs"
awk '{ w[$1] += $2; c[$1] += $3; k[$1]++ }
  END {
    printf "averages over %d runs each: A %.2f s wall, %.2f s cpu; B %.2f s wall, %.2f s cpu\n",
      k["A"], w["A"] / k["A"], c["A"] / k["A"], w["B"] / k["B"], c["B"] / k["B"]
    printf "B against A: wall %+.1f%%, cpu %+.1f%%\n",
      100 * (w["B"] / w["A"] - 1), 100 * (c["B"] / c["A"] - 1)
  }' "$work/runs"
