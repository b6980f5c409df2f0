// Compares pairs of SVG drawings in chromium, pixel by pixel, run by the Rust test suite:
//   node svgdiff.mjs <dir>
// For every `<name>.cepat.svg` in <dir> (sopan's own writer) and its `<name>.typst.svg`
// (typst-svg), both are drawn at twice their size on a white canvas; a pixel differs when a
// channel differs by more than 64 of 255 (anti-aliasing of the same edge stays below that).
// Prints one JSON object {name: {beda, total, lebar, tinggi}}; exits 1 on a browser error.
import { chromium } from "playwright-core";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});
const page = await browser.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));
await page.setContent("<!DOCTYPE html><body></body>");
const report = {};
for (const file of readdirSync(dir).filter((f) => f.endsWith(".cepat.svg")).sort()) {
  const name = file.slice(0, -".cepat.svg".length);
  const a = readFileSync(join(dir, file), "utf8");
  const b = readFileSync(join(dir, name + ".typst.svg"), "utf8");
  report[name] = await page.evaluate(async ([a, b]) => {
    const draw = async (svg) => {
      const img = new Image();
      img.src = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(svg)));
      await img.decode();
      const w = Math.round(img.naturalWidth * 2), h = Math.round(img.naturalHeight * 2);
      const c = document.createElement("canvas");
      c.width = w; c.height = h;
      const g = c.getContext("2d");
      g.fillStyle = "#fff"; g.fillRect(0, 0, w, h);
      g.drawImage(img, 0, 0, w, h);
      return { w, h, data: g.getImageData(0, 0, w, h).data };
    };
    const x = await draw(a), y = await draw(b);
    if (x.w !== y.w || x.h !== y.h) return { beda: -1, total: 0, lebar: x.w, tinggi: x.h };
    let beda = 0;
    for (let i = 0; i < x.data.length; i += 4) {
      if (Math.abs(x.data[i] - y.data[i]) > 64 || Math.abs(x.data[i + 1] - y.data[i + 1]) > 64 ||
          Math.abs(x.data[i + 2] - y.data[i + 2]) > 64) beda++;
    }
    return { beda, total: x.data.length / 4, lebar: x.w, tinggi: x.h };
  }, [a, b]);
}
await browser.close();
console.log(JSON.stringify(report, null, 1));
if (errors.length) { console.error(errors.join("\n")); process.exit(1); }
