// Real-browser checks of the search page (/cari/) of a built sopan site, run by the Rust test
// suite (tests/testsuite/cari.rs):
//   node cari.mjs <output-folder> <expectations.json>
// Serves the folder itself as a web host does (HTTP/1.1 keep-alive, gzip for text), so the
// phone-profile time is the one a visitor sees. Prints one JSON report on stdout (with the
// measured times); exits 1 when any check fails.
import { launchChromium, watcher } from "./common.mjs";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { gzipSync } from "node:zlib";

const [folder, expectFile] = process.argv.slice(2);
const expect = JSON.parse(readFileSync(expectFile, "utf8"));

const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml", ".xml": "application/xml" };
const rootDir = path.resolve(folder);
const server = createServer(async (req, res) => {
  let rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (rel.endsWith("/")) rel += "index.html";
  const file = path.join(rootDir, path.normalize(rel));
  if (!file.startsWith(rootDir + path.sep)) { res.writeHead(403); res.end(); return; }
  try {
    const body = await readFile(file);
    const type = TYPES[path.extname(file)] ?? "application/octet-stream";
    const gzip = type !== "application/octet-stream" && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
    res.writeHead(200, { "content-type": type, ...(gzip ? { "content-encoding": "gzip" } : {}) });
    res.end(gzip ? gzipSync(body) : body);
  } catch {
    res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
    res.end(await readFile(path.join(rootDir, "404.html")).catch(() => ""));
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const failures = [];
const notes = [];
const fail = (m) => failures.push(m);

const browser = await launchChromium();

const watch = watcher(base, fail);

const url = (q, extra = "") => `${base}/cari/?q=${encodeURIComponent(q)}${extra}`;
const titles = (page) => page.$$eval("#hasil-cari ol.daftar-hasil > li > a", (as) => as.map((a) => a.textContent.trim()));
const countLine = (page) => page.$eval("#hasil-cari .jumlah-hasil", (p) => p.textContent).catch(() => "");
async function results(page, label) {
  try {
    await page.waitForSelector("#hasil-cari ol.daftar-hasil > li > a", { timeout: 15000 });
    await page.waitForFunction(() => !document.getElementById("hasil-cari").hasAttribute("aria-busy"), null, { timeout: 15000 });
    return true;
  } catch { fail(`${label}: no results shown`); return false; }
}
const firstIs = (title, want, exact) => exact ? title === want : title?.toLowerCase().includes(want.toLowerCase());

// 1. The query finds the right SOP first (synonyms, abbreviations, a typo, ranking); a typo
//    says what was searched instead.
{
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, "urutan");
  for (const { query, expect: want, exact, saran } of expect.first ?? []) {
    await page.goto(url(query));
    if (!(await results(page, `search "${query}"`))) continue;
    const t = await titles(page);
    const said = await page.$eval("#hasil-cari .saran", (p) => p.textContent).catch(() => null);
    notes.push({ first: query, top: t.slice(0, 3), saran: said });
    if (!firstIs(t[0], want, exact)) fail(`search "${query}": first result is "${t[0]}", expected ${exact ? "exactly" : "one containing"} "${want}"`);
    if (saran && !said?.includes(`Maksud Anda “${saran}”`)) fail(`search "${query}": no "maksud Anda “${saran}”" line (${said})`);
    if (!saran && said) fail(`search "${query}": a correction was offered for a correct query: ${said}`);
  }
  await context.close();
}

// 2. Results as you type: no Enter, the results come and the address keeps the query.
for (const { query, expect: want } of expect.typing ?? []) {
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, "mengetik");
  await page.goto(base + "/cari/");
  await page.click("#cari-utama");
  await page.keyboard.type(query, { delay: 60 });
  if (await results(page, `typing "${query}"`)) {
    await page.waitForFunction((q) => document.querySelector("#hasil-cari .jumlah-hasil")?.textContent.includes(q), query, { timeout: 15000 }).catch(() => {});
    const t = await titles(page);
    notes.push({ typed: query, top: t.slice(0, 3) });
    if (!firstIs(t[0], want)) fail(`typing "${query}": first result is "${t[0]}"`);
    const q = new URL(page.url()).searchParams.get("q");
    if (q !== query) fail(`typing "${query}": the address holds q=${q}`);
  }
  await context.close();
}

// 3. Every hit can be shown: ten at first, then "Tampilkan lebih banyak" until all are listed;
//    focus moves to the first result added.
if (expect.all) {
  const { query, count } = expect.all;
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, "semua");
  await page.goto(url(query));
  if (await results(page, `all "${query}"`)) {
    const line = await countLine(page);
    if (!line.includes(`${count} SOP ditemukan`)) fail(`all "${query}": count line says "${line}", expected ${count}`);
    const shown = (await titles(page)).length;
    if (shown !== Math.min(10, count)) fail(`all "${query}": ${shown} shown at first`);
    let clicks = 0;
    while (await page.$("#hasil-cari button.lebih-banyak") && clicks < 50) {
      const before = (await titles(page)).length;
      await page.click("#hasil-cari button.lebih-banyak");
      await page.waitForFunction((n) => document.querySelectorAll("#hasil-cari ol.daftar-hasil > li").length > n, before, { timeout: 15000 });
      clicks++;
      if (clicks === 1) {
        const focused = await page.evaluate(() => {
          const items = [...document.querySelectorAll("#hasil-cari ol.daftar-hasil > li > a")];
          return items.indexOf(document.activeElement);
        });
        if (focused !== before) fail(`all "${query}": focus is on result ${focused}, not the first added (${before})`);
      }
    }
    const all = await page.$$eval("#hasil-cari ol.daftar-hasil > li > a", (as) => as.map((a) => a.getAttribute("href")));
    notes.push({ all: query, listed: all.length, clicks });
    if (all.length !== count) fail(`all "${query}": ${all.length} listed after ${clicks} clicks, expected ${count}`);
    if (new Set(all).size !== all.length) fail(`all "${query}": a result is listed twice`);
  }
  await context.close();
}

// 4. Each filter (instansi; public service or internal procedure) narrows the results, and
// "Semua" undoes it.
for (const { query, key, value, count } of [expect.filter ?? []].flat()) {
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, "saringan");
  await page.goto(url(query));
  if (await results(page, `filter "${query}"`)) {
    const all = await countLine(page);
    const select = `#saring-${key}`;
    try {
      await page.waitForFunction(([sel, v]) => [...document.querySelectorAll(`${sel} option`)].some((o) => o.value === v), [select, value], { timeout: 15000 });
    } catch { fail(`filter: "${value}" is not offered in ${select}`); }
    if (await page.$eval("#saring-cari", (b) => b.hidden)) fail("filter: the filter bar is hidden");
    await page.selectOption(select, value);
    await page.waitForFunction((n) => document.querySelector("#hasil-cari .jumlah-hasil")?.textContent.startsWith(`${n} SOP`), count, { timeout: 15000 })
      .catch(() => fail(`filter: count is not ${count} after choosing "${value}"`));
    const where = await page.$$eval("#hasil-cari ol.daftar-hasil > li > .kartu-meta", (s) => s.map((x) => x.textContent));
    notes.push({ filter: value, where });
    if (key === "instansi" && (where.length === 0 || !where.every((w) => w.startsWith(value)))) fail(`filter: results from elsewhere: ${where.join(" | ")}`);
    if (new URL(page.url()).searchParams.get(key) !== value) fail("filter: the address does not keep the filter");
    await page.selectOption(select, "");
    await page.waitForFunction((line) => document.querySelector("#hasil-cari .jumlah-hasil")?.textContent === line, all, { timeout: 15000 })
      .catch(() => fail("filter: choosing “Semua” does not bring every result back"));
  }
  await context.close();
}

// 5. A result shows its requirements and time from the record's data, as text.
for (const { query, expect: want, persyaratan, waktu } of expect.facts ?? []) {
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, "ringkas");
  await page.goto(url(query));
  if (await results(page, `facts "${query}"`)) {
    const first = await page.$eval("#hasil-cari ol.daftar-hasil > li", (li) => ({
      title: li.querySelector("a").textContent,
      facts: Object.fromEntries([...li.querySelectorAll(".ringkas > div")].map((d) => [d.querySelector("dt").textContent, d.querySelector("dd").textContent])),
      markup: li.querySelectorAll("script, img, svg, iframe, i, b").length,
    }));
    notes.push({ facts: query, first });
    if (!first.title.includes(want)) fail(`facts "${query}": first result is "${first.title}"`);
    if (!(first.facts.Persyaratan ?? "").includes(persyaratan)) fail(`facts "${query}": persyaratan is "${first.facts.Persyaratan}", expected "${persyaratan}"`);
    if (first.facts.Waktu !== waktu) fail(`facts "${query}": waktu is "${first.facts.Waktu}", expected "${waktu}"`);
    if (first.markup > 0) fail(`facts "${query}": content became markup`);
  }
  await context.close();
}

// 6. Accessibility (axe-core) of the search page with results and filters: no violation at
//    all. axe is injected, so CSP is bypassed in this context only.
for (const q of expect.axe ?? []) {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(url(q));
  if (await results(page, `axe "${q}"`)) {
    await page.waitForFunction(() => !document.getElementById("saring-cari").hidden, null, { timeout: 15000 }).catch(() => fail("axe: filters never shown"));
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
    for (const v of result.violations) fail(`axe /cari/?q=${q}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} node(s)`);
    notes.push({ axe: q, violations: result.violations.length });
  }
  await context.close();
}

// 7. First results on a throttled phone (1.6 Mbps, 150 ms round trip, 4x slower CPU), cold
//    cache: the time from navigation to the first result on screen, best of `runs`.
if (expect.measure) {
  const { query, runs, limit_ms } = expect.measure;
  const times = [];
  for (let k = 0; k < runs; k++) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
    const page = await context.newPage();
    watch(page, "telepon");
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8,
    });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.querySelector("#hasil-cari ol.daftar-hasil > li > a")) {
          window.__pertama = performance.now();
          obs.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(url(query), { waitUntil: "commit" });
    try {
      await page.waitForFunction(() => window.__pertama !== undefined, null, { timeout: 30000 });
      times.push(Math.round(await page.evaluate(() => window.__pertama)));
    } catch { fail(`measure: no results within 30 s on the phone profile`); }
    await context.close();
  }
  const best = Math.min(...times);
  notes.push({ measure: query, ms: times, best });
  if (times.length > 0 && best > limit_ms) fail(`measure: first results after ${best} ms on the phone profile (limit ${limit_ms} ms; runs ${times.join(", ")})`);
}

await browser.close();
server.close();
console.log(JSON.stringify({ failures, notes }, null, 1));
process.exit(failures.length === 0 ? 0 : 1);
