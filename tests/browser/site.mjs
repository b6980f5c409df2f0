// Real-browser checks of a built sopan site, run by the Rust test suite:
//   node site.mjs <base-url> <screenshot-dir> <expectations.json>
// Prints one JSON report on stdout; exits 1 when any check fails.
import { launchChromium, watcher } from "./common.mjs";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [base, shots, expectFile] = process.argv.slice(2);
const expect = JSON.parse(readFileSync(expectFile, "utf8"));
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const failures = [];
const notes = [];
const fail = (m) => failures.push(m);

const browser = await launchChromium();

const watch = watcher(base, fail);

// 1. Search from the home page, as a citizen would, then open the result.
if (expect.searches?.length) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  watch(page, "pencarian");
  await page.goto(base + "/");
  for (const { query, expect: want } of expect.searches) {
    await page.fill("#cari-utama", query);
    await page.press("#cari-utama", "Enter");
    try {
      await page.waitForSelector("#hasil-cari ol li a", { timeout: 15000 });
      await page.waitForFunction((q) => document.querySelector("#hasil-cari p")?.textContent.includes(q), query, { timeout: 15000 });
    } catch { fail(`search "${query}": no results shown`); continue; }
    const titles = await page.$$eval("#hasil-cari ol li > a", (as) => as.map((a) => a.textContent.trim()));
    notes.push({ query, top: titles.slice(0, 3) });
    if (!titles[0] || !titles[0].toLowerCase().includes(want.toLowerCase())) {
      fail(`search "${query}": first result is "${titles[0]}", expected one containing "${want}"`);
    }
  }
  const first = expect.searches[0];
  await page.fill("#cari-utama", first.query);
  await page.press("#cari-utama", "Enter");
  await page.waitForFunction((q) => document.querySelector("#hasil-cari p")?.textContent.includes(q), first.query);
  await Promise.all([page.waitForNavigation(), page.click("#hasil-cari ol li > a")]);
  const h1 = (await page.textContent("h1"))?.trim() ?? "";
  if (!h1.toLowerCase().includes(first.expect.toLowerCase())) fail(`opened result shows "${h1}"`);
  if ((await page.$$("ol.langkah > li")).length === 0) fail("opened SOP page has no steps");
  await context.close();
}

// 1b. A result's excerpt shows content that looks like markup as text, and nothing in the
//     results list becomes an element or a handler.
for (const { query, expect: want, texts } of expect.excerpts ?? []) {
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, "cuplikan");
  await page.goto(base + "/cari/?q=" + encodeURIComponent(query));
  try {
    await page.waitForSelector("#hasil-cari ol li a", { timeout: 15000 });
  } catch { fail(`excerpt search "${query}": no results shown`); await context.close(); continue; }
  const first = await page.$eval("#hasil-cari ol li", (li) => ({
    title: li.querySelector("a").textContent, excerpt: li.querySelector("p")?.textContent ?? "",
  }));
  notes.push({ query, first });
  if (!first.title.includes(want)) fail(`excerpt search "${query}": first result is "${first.title}"`);
  for (const t of texts) if (!first.excerpt.includes(t)) fail(`excerpt of "${query}" lacks literal ${t}: ${first.excerpt}`);
  const bad = await page.evaluate(() => {
    const box = document.getElementById("hasil-cari");
    const els = box.querySelectorAll("script, img, svg, iframe, i, b, u").length;
    const attrs = [...box.querySelectorAll("*")].flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith("on"));
    return els + attrs.length;
  });
  if (bad > 0) fail(`excerpt search "${query}": content became markup in the results`);
  await context.close();
}

// 1c. When the index cannot be loaded, the results box says so (console errors expected here).
for (const { query, text } of expect.broken ?? []) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + "/cari/?q=" + encodeURIComponent(query));
  try {
    await page.waitForFunction((t) => document.querySelector("#hasil-cari p")?.textContent.includes(t), text, { timeout: 15000 });
  } catch { fail(`broken index: the results box does not say "${text}"`); }
  await context.close();
}

// 2. Text that looks like markup stays text; no script runs, no handler or javascript: link
//    appears, however the content tried to break out.
const literals = Array.isArray(expect.literal) ? expect.literal : expect.literal ? [expect.literal] : [];
for (const lit of literals) {
  const context = await browser.newContext();
  const page = await context.newPage();
  watch(page, "injeksi");
  await page.goto(base + lit.url);
  await page.waitForTimeout(300);
  const text = await page.textContent("main");
  for (const s of lit.texts) if (!text.includes(s)) fail(`literal text missing on ${lit.url}: ${s}`);
  if (await page.evaluate(() => document.querySelectorAll("main script, main i, main b, main iframe, main svg").length) > 0) {
    fail(`content became markup on ${lit.url}`);
  }
  const handlers = await page.evaluate(() => [...document.querySelectorAll("*")]
    .flatMap((el) => [...el.attributes].filter((a) => a.name.startsWith("on") || /^\s*javascript:/i.test(a.value))
    .map((a) => `${el.tagName.toLowerCase()} ${a.name}`)));
  if (handlers.length > 0) fail(`handler or javascript: attribute on ${lit.url}: ${handlers.join(", ")}`);
  await context.close();
}

// 3. Accessibility (axe-core) on the home, an instansi and an SOP page. axe is injected, so CSP
//    is bypassed in this context only.
{
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  for (const url of expect.axe ?? []) {
    await page.goto(base + url);
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
    const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    for (const v of bad) fail(`axe ${url}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} node(s)`);
    notes.push({ axe: url, violations: result.violations.map((v) => `${v.id}:${v.impact}`) });
  }
  await context.close();
}

// 3b. What a citizen came for is on a phone's first screen (360 x 800): each listed element of
//     the Ringkasan layanan lies wholly within it, before any scrolling.
for (const { url, ids } of expect.first_screen ?? []) {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  watch(page, "layar pertama");
  await page.goto(base + url);
  const boxes = await page.evaluate((ids) => ids.map((id) => {
    const el = document.getElementById(id);
    if (!el) return { id, missing: true };
    const r = el.getBoundingClientRect();
    return { id, top: Math.round(r.top), bottom: Math.round(r.bottom), height: Math.round(r.height), text: el.textContent.trim() };
  }), ids);
  notes.push({ first_screen: url, boxes: boxes.map((b) => `${b.id} ${b.top}-${b.bottom}`) });
  for (const b of boxes) {
    if (b.missing) { fail(`${url}: no #${b.id}`); continue; }
    if (b.height === 0 || !b.text) fail(`${url}: #${b.id} is empty or hidden`);
    if (b.top < 0 || b.bottom > 800) fail(`${url}: #${b.id} is at ${b.top}-${b.bottom} px, not within the first 800 px at 360 px wide`);
  }
  const first = await page.$eval("main h2", (h) => h.textContent.trim());
  if (first !== "Ringkasan layanan") fail(`${url}: the first heading after the title is "${first}"`);
  await context.close();
}

// 3c. The flow on a phone (360 px): the vertical diagram is shown, one symbol per step, and the
//     official images are not (they stay one tap away); each decision link lands on its step.
//     At 1280 px the official images show and the vertical diagram does not. axe runs on both,
//     and the copy-link button (bagikan.js) appears and answers.
for (const { url, langkah, keputusan, shot } of expect.alur ?? []) {
  for (const width of [360, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    watch(page, `alur ${width}`);
    await page.goto(base + url);
    const seen = await page.evaluate(() => {
      const shown = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
      return {
        vertical: shown(document.querySelector(".alur-ponsel")),
        steps: [...document.querySelectorAll("ol.alur-v > li")].filter(shown).length,
        symbols: [...document.querySelectorAll("ol.alur-v .alur-v-bentuk")].filter((b) => b.getBoundingClientRect().width > 20).length,
        diamonds: document.querySelectorAll("ol.alur-v > li.keputusan").length,
        images: [...document.querySelectorAll(".alur-resmi img")].filter(shown).length,
        fullSize: [...document.querySelectorAll(".alur-penuh a")].filter(shown).length,
        copy: shown(document.querySelector(".salin-tautan")),
        wide: document.documentElement.scrollWidth,
      };
    });
    notes.push({ alur: url, width, seen });
    if (seen.wide > width) fail(`${url} at ${width}px scrolls sideways (${seen.wide}px)`);
    if (!seen.copy) fail(`${url} at ${width}px: the "Salin tautan" button is not shown with JavaScript`);
    if (width === 360) {
      if (!seen.vertical || seen.steps !== langkah || seen.symbols !== langkah) fail(`${url} at 360px: vertical flow ${JSON.stringify(seen)}`);
      if (seen.diamonds !== keputusan) fail(`${url}: ${seen.diamonds} decisions, expected ${keputusan}`);
      if (seen.images !== 0) fail(`${url} at 360px: ${seen.images} official image(s) in the way`);
      if (seen.fullSize < 1) fail(`${url} at 360px: no link to the official pages at full size`);
      // Every decision link: the step it names is the target, and it is on screen.
      const links = await page.$$eval("ol.alur-v .alur-v-cabang a", (as) => as.map((a) => a.getAttribute("href")));
      if (links.length < keputusan) fail(`${url}: only ${links.length} decision links`);
      for (const [k, href] of links.entries()) {
        await page.locator("ol.alur-v .alur-v-cabang a").nth(k).click();
        await page.waitForTimeout(100);
        const landed = await page.evaluate(() => {
          const t = document.querySelector(":target");
          if (!t) return null;
          const r = t.getBoundingClientRect();
          return { id: t.id, top: Math.round(r.top), text: t.querySelector(".kegiatan")?.textContent.trim() ?? "" };
        });
        notes.push({ decision: href, landed });
        if (!landed || `#${landed.id}` !== href || landed.top < 0 || landed.top > 700 || !landed.text) {
          fail(`${url}: decision link ${href} landed on ${JSON.stringify(landed)}`);
        }
      }
      await page.goto(base + url);
    } else {
      if (seen.vertical) fail(`${url} at ${width}px: the vertical flow shows on a wide screen`);
      await page.locator(".alur-resmi img").first().scrollIntoViewIfNeeded();
      const loaded = await page.$eval(".alur-resmi img", (img) => img.decode().then(() => img.naturalWidth, () => 0));
      if (seen.images < 1 || loaded === 0) fail(`${url} at ${width}px: official flow images not shown (${seen.images}, ${loaded})`);
    }
    await page.click(".salin-tautan");
    try {
      await page.waitForFunction(() => document.querySelector(".salin-status")?.textContent.includes("autan"), null, { timeout: 3000 });
    } catch { fail(`${url} at ${width}px: "Salin tautan" says nothing`); }
    await page.evaluate(() => { const h = document.getElementById("judul-alur"); scrollTo(0, h.getBoundingClientRect().top + scrollY - 8); });
    await page.screenshot({ path: `${shots}/${shot}-${width}.png` });
    await context.close();
    const axeContext = await browser.newContext({ bypassCSP: true, viewport: { width, height: 800 } });
    const axePage = await axeContext.newPage();
    await axePage.goto(base + url);
    await axePage.addScriptTag({ path: axePath });
    const result = await axePage.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
    for (const v of result.violations) fail(`axe ${url} at ${width}px: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} node(s)`);
    notes.push({ axe: `${url} @${width}`, violations: result.violations.map((v) => `${v.id}:${v.impact}`) });
    await axeContext.close();
  }
}

// 4. Mobile first: no horizontal scrolling at 320 or 360 px; screenshots at 320, 360 and 1280 px.
for (const width of [320, 360, 1280]) {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  watch(page, `lebar ${width}`);
  for (const [name, url] of Object.entries(expect.screens ?? {})) {
    await page.goto(base + url);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scroll > width) fail(`${url} at ${width}px scrolls sideways (${scroll}px wide)`);
    await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: false });
  }
  await context.close();
}

await browser.close();
console.log(JSON.stringify({ failures, notes }, null, 1));
process.exit(failures.length === 0 ? 0 : 1);
