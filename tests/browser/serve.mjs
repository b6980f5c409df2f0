// Real-browser check of `sopan serve`, run by the Rust test suite:
//   node serve.mjs <base-url> <page-path> <sop-file> <good-yaml-file> <screenshot-dir> [rusak-sejak-awal]
// Opens the page, breaks the SOP file on disk, expects the error overlay with the located
// diagnostic over the old page, fixes the file, expects a reload without the overlay.
// With `rusak-sejak-awal` the server was started on broken content: the page opened first
// must already show the overlay (no site behind it), and the fix must turn it into the site.
// Prints one JSON report on stdout; exits 1 when any check fails.
import { launchChromium } from "./common.mjs";
import { readFileSync, writeFileSync } from "node:fs";

const [base, pagePath, sopFile, goodFile, shots, mode] = process.argv.slice(2);
const failures = [];
const fail = (m) => failures.push(m);

const browser = await launchChromium();
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
page.on("console", (m) => {
  // The placeholder served while nothing has built is a 503 on purpose.
  if (m.type() === "error" && !(mode && /503/.test(m.text()))) fail(`console error: ${m.text()}`);
});
page.on("pageerror", (e) => fail(`page error: ${e.message}`));
page.on("dialog", async (d) => { fail(`a dialog opened (${d.message()})`); await d.dismiss(); });

try {
  if (mode === "rusak-sejak-awal") {
    await page.goto(base + pagePath);
    const overlay = await page.waitForSelector("#sopan-galat", { timeout: 20000 });
    const text = await overlay.textContent();
    if (!/surat-masuk\.yaml:\d+:\d+/.test(text)) fail(`overlay lacks file:line:col: ${text}`);
    if (!/belum pernah berhasil/.test(text)) fail(`overlay claims an older site behind it: ${text}`);
    await page.screenshot({ path: `${shots}/serve-galat-awal.png` });
    const good = readFileSync(goodFile, "utf8").replace("Menerima surat", "Menerima surat dari peramban");
    writeFileSync(sopFile, good);
    await page.waitForFunction(() => document.body.textContent.includes("Menerima surat dari peramban"),
      null, { timeout: 30000 });
    if (await page.$("#sopan-galat")) fail("overlay still shown after the fix");
    await browser.close();
    console.log(JSON.stringify({ failures }, null, 1));
    process.exit(failures.length ? 1 : 0);
  }
  await page.goto(base + pagePath);
  if (await page.$("#sopan-galat")) fail("overlay shown on a good build");
  const before = await page.textContent("h1");

  // A broken save: the overlay names the file and line; the last good page stays behind it.
  writeFileSync(sopFile, "nama: Surat Masuk\nlangkah: [\n");
  const overlay = await page.waitForSelector("#sopan-galat", { timeout: 20000 });
  const text = await overlay.textContent();
  if (!/surat-masuk\.yaml:\d+:\d+/.test(text)) fail(`overlay lacks file:line:col: ${text}`);
  if ((await page.textContent("h1")) !== before) fail("the old page was replaced");
  await page.screenshot({ path: `${shots}/serve-galat.png` });

  // The fix: the page reloads by itself and shows the new text, without the overlay.
  const good = readFileSync(goodFile, "utf8").replace("Menerima surat", "Menerima surat dari peramban");
  writeFileSync(sopFile, good);
  await page.waitForFunction(() => document.body.textContent.includes("Menerima surat dari peramban"),
    null, { timeout: 20000 });
  if (await page.$("#sopan-galat")) fail("overlay still shown after the fix");
} catch (e) {
  fail(`${e}`);
}
await browser.close();
console.log(JSON.stringify({ failures }, null, 1));
process.exit(failures.length ? 1 : 0);
