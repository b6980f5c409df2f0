#!/usr/bin/env bash
# Benchmark reference (issue 4, not a test): the time Hugo (Debian `hugo`) takes for N plain
# pages on this machine, next to sopan's pages and search index for N synthetic SOPs
# (`--example site`). Each Hugo page carries about as much text as an SOP page (~900 words).
# Usage: scripts/bench-hugo.sh [N] [RUNS]   (default 1000 5). Needs `apt-get install hugo`.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
runs="${2:-5}"
command -v hugo >/dev/null || { echo "hugo tidak terpasang: apt-get install hugo" >&2; exit 1; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sopan-target}"
cargo build --release --quiet --example gen --example site
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
site="$work/hugo"
mkdir -p "$site/content/halaman" "$site/layouts/_default"
cat > "$site/hugo.toml" <<'TOML'
baseURL = "http://localhost/"
languageCode = "id"
title = "Uji Hugo"
disableKinds = ["taxonomy", "term", "RSS"]
TOML
cat > "$site/layouts/_default/baseof.html" <<'HTML'
<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><header><a href="/">Uji Hugo</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
HTML
cat > "$site/layouts/_default/single.html" <<'HTML'
{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}
HTML
cat > "$site/layouts/_default/list.html" <<'HTML'
{{ define "main" }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
HTML
python3 - "$site" "$n" <<'PY'
import sys, random
site, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
words = ("menerima memverifikasi berkas permohonan surat rekomendasi kepala seksi petugas pelayanan "
         "dokumen persyaratan laporan kegiatan data penerima bantuan konsep keputusan menit jam hari").split()
for k in range(n):
    steps = "\n".join(f"{s}. " + " ".join(rnd.choice(words) for _ in range(60)) for s in range(1, 15))
    open(f"{site}/content/halaman/h{k:05d}.md", "w").write(
        f"---\ntitle: Halaman {k}\n---\n\n## Langkah\n\n{steps}\n")
PY
syn="$work/syn"
"$CARGO_TARGET_DIR/release/examples/gen" "$n" "$syn" 2>/dev/null
hugo --quiet -s "$site" -d "$work/out" >/dev/null
"$CARGO_TARGET_DIR/release/examples/site" "$syn" >/dev/null
: > "$work/runs"
for r in $(seq 1 "$runs"); do
  rm -rf "$work/out"
  s=$(date +%s.%N); hugo --quiet -s "$site" -d "$work/out" >/dev/null; e=$(date +%s.%N)
  h=$(echo "($e - $s) * 1000 / 1" | bc)
  printf 'hugo: %d halaman dalam %d ms\n' "$(find "$work/out/halaman" -name index.html | wc -l)" "$h"
  line=$(MIMALLOC_PURGE_DELAY=-1 "$CARGO_TARGET_DIR/release/examples/site" "$syn" | tail -1)
  echo "sopan: $line"
  load=$(echo "$line" | sed -E 's/.*load ([0-9]+) ms.*/\1/')
  html=$(echo "$line" | sed -E 's/.*HTML ([0-9]+) ms.*/\1/')
  search=$(echo "$line" | sed -E 's/.*search ([0-9]+) ms.*/\1/')
  echo "$h $((html + search)) $((load + html + search))" >> "$work/runs"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
h=$(cut -d' ' -f1 "$work/runs" | median)
p=$(cut -d' ' -f2 "$work/runs" | median)
a=$(cut -d' ' -f3 "$work/runs" | median)
echo "median dari $runs putaran: hugo $h ms; sopan halaman + pencarian $p ms ($(echo "scale=2; $p / $h" | bc)x), dengan memuat YAML $a ms ($(echo "scale=2; $a / $h" | bc)x)"
