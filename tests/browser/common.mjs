// What the real-browser checks share: Debian's chromium launched headless with the flags this
// machine's closed network needs, and a page watcher that turns console errors, page errors,
// dialogs, failed requests and requests outside the site into failures.
import { chromium } from "playwright-core";

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// `watch(page, label)` for a site at `base`, reporting through `fail`.
export function watcher(base, fail) {
  return (page, label) => {
    page.on("console", (m) => { if (m.type() === "error") fail(`${label}: console error: ${m.text()}`); });
    page.on("pageerror", (e) => fail(`${label}: page error: ${e.message}`));
    page.on("dialog", async (d) => { fail(`${label}: a dialog opened (${d.message()})`); await d.dismiss(); });
    // A request the page itself cancelled by navigating on (a click while the word list was
    // still loading, seen under heavy machine load) is not a broken site; any other failure is.
    page.on("requestfailed", (r) => {
      const why = r.failure()?.errorText ?? "";
      if (why !== "net::ERR_ABORTED") fail(`${label}: request failed ${r.url()} (${why})`);
    });
    page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) fail(`${label}: request outside the site: ${r.url()}`); });
  };
}
