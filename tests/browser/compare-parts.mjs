// Benchmark aid (not a test), run by scripts/compare-search-parts.sh: the same searches on a
// site indexed whole and on the same site indexed in parts, in chromium, through Pagefind as
// the site's script uses it. Prints where the first result or the result count differs, the
// share of queries with the same first result (with the top three and their scores where not), the mean overlap of the top ten, and the median
// time per search (fragments of the top ten included).
//   node compare-parts.mjs <url-whole> <url-parts>
import { chromium } from "playwright-core";

const [whole, parts] = process.argv.slice(2);
const queries = ["Layanan Sintetis Nomor 437", "nomor 12", "nomor 999", "sintetis 250",
  "verifikasi dokumen persyaratan", "arsip", "rekomendasi kepala seksi", "surat keputusan",
  "data penerima bantuan", "daftar hadir rapat", "laporan kegiatan", "petugas pelayanan", "menit",
  "kasubbag", "komputer printer", "pemerintahan daerah", "kesejahteraan sosial",
  "layanan terlambat", "mengarsipkan berkas permohonan", "konsep", "adopsi", "xyzzy"];
for (let k = 0; k < 20; k++) queries.push(`nomor ${(k * 53 + 7) % 1000}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});

async function run(base) {
  const page = await browser.newPage();
  await page.goto(base + "/");
  return await page.evaluate(async (queries) => {
    const pf = await import("/pagefind/pagefind.js");
    const options = { baseUrl: "/" };
    await pf.options(options);
    await pf.init();
    const listed = await (await fetch("/pagefind/sopan-bagian.json")).json();
    for (const p of listed.bagian) await pf.mergeIndex("/pagefind/" + p, options);
    const out = {};
    for (const q of queries) {
      const t = performance.now();
      const found = await pf.search(q, { filters: { jenis: { any: ["SOP", "Halaman"] } } });
      const first = found.results.slice(0, 10);
      const top = await Promise.all(first.map(async (r) => (await r.data()).url));
      out[q] = { count: found.results.length, top, scores: first.map((r) => r.score.toFixed(2)), ms: performance.now() - t };
    }
    return out;
  }, queries);
}

const a = await run(whole);
const b = await run(parts);
let sameFirst = 0;
let overlap = 0;
for (const q of queries) {
  const x = a[q], y = b[q];
  if (x.top[0] === y.top[0]) sameFirst++;
  else {
    console.log(`first result differs for "${q}":`);
    console.log(`  whole:    ${x.top.slice(0, 3).map((u, k) => `${u} (${x.scores[k]})`).join(", ")}`);
    console.log(`  in parts: ${y.top.slice(0, 3).map((u, k) => `${u} (${y.scores[k]})`).join(", ")}`);
  }
  if (x.count !== y.count) console.log(`result count differs for "${q}": ${x.count} / ${y.count}`);
  const seen = new Set(x.top);
  const most = Math.max(x.top.length, y.top.length);
  overlap += most === 0 ? 1 : y.top.filter((u) => seen.has(u)).length / most;
}
const median = (r) => {
  const ms = Object.values(r).map((v) => v.ms).sort((p, q) => p - q);
  return ms[Math.floor(ms.length / 2)].toFixed(1);
};
console.log(`${queries.length} searches: same first result ${sameFirst}, mean overlap of the top ten ${(overlap / queries.length).toFixed(3)}`);
console.log(`median per search: whole ${median(a)} ms, in parts ${median(b)} ms`);
await browser.close();
