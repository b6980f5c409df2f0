// sopan: site search with Pagefind (index built by sopan, no outside requests). Progressive:
// without JavaScript the search forms go to /cari/, which explains how to browse instead.
// Results as you type, every hit (ten at a time), filters, and "maksud Anda …?" for a word no
// page holds. Record data is shown with textContent only: content never becomes markup.
const root = new URL("..", import.meta.url);

// Results shown at first and added by each "Tampilkan lebih banyak".
const PER_HALAMAN = 10;
// Results shown before the rest of the first page has arrived: a phone's screenful.
const PERTAMA = 5;
// Typing pause before a search starts, in ms.
const TUNDA_KETIK = 250;
// Only pages are results: each part of a split index also holds a list of the site's words.
const JENIS = ["SOP", "Halaman"];
// Meta weights (Pagefind adds a meta field's matches to a page's score): a synonym of a word of
// the title counts like the title; the total time ("3 hari") says nothing about relevance.
const RANKING = { metaWeights: { sinonim_judul: 5, waktu: 0 } };

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

// Pagefind excerpts are HTML: hits in <mark>, the text escaped. Rebuilt as text nodes and
// <mark> elements only, so nothing else can render (and without an HTML parser, which costs
// a phone tens of milliseconds per result).
const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" };
function decode(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] !== "#") return ENTITIES[e.toLowerCase()] ?? m;
    const hex = e[1] === "x" || e[1] === "X";
    const n = parseInt(e.slice(hex ? 2 : 1), hex ? 16 : 10);
    return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
  });
}
function excerpt(html) {
  const p = el("p", { class: "cuplikan" });
  (html ?? "").split(/<\/?mark>/).forEach((part, k) => {
    if (!part) return;
    const text = decode(part.replace(/<[^>]*>/g, ""));
    p.append(k % 2 === 1 ? el("mark", {}, text) : document.createTextNode(text));
  });
  return p;
}

// A large site's index comes in parts (pagefind/sopan-bagian.json lists the further ones, and
// the filters offered); Pagefind searches them together and ranks their results as one list.
let pagefind;
function engine() {
  if (!pagefind) {
    pagefind = (async () => {
      const [pf, setup] = await Promise.all([
        import(new URL("pagefind/pagefind.js", root).href),
        fetch(new URL("pagefind/sopan-bagian.json", root)).then((r) => r.json()).then((setup) => {
          // Pagefind fetches its entry, metadata and filters one after the other before the
          // first search: asking for them all now saves those round trips.
          for (const file of setup.muat ?? []) {
            document.head.append(el("link", { rel: "preload", as: "fetch", crossorigin: "", href: new URL("pagefind/" + file, root).href }));
          }
          return setup;
        }),
      ]);
      // On the page's thread: a worker is one more script to fetch (43 kB) before the first
      // search, and the index of an SOP site is small enough to search in a few milliseconds.
      // The tag makes the entry's address the preloaded one and changes with every index.
      const options = { baseUrl: root.pathname, ranking: RANKING, noWorker: true, metaCacheTag: setup.tanda };
      await pf.options(options);
      pf.init();
      await Promise.all(setup.bagian.map((part) =>
        pf.mergeIndex(new URL("pagefind/" + part, root).pathname, options)));
      // Only a split index holds records other than pages (its word lists).
      const pagesOnly = setup.bagian.length === 0;
      return { pf, saringan: setup.saringan ?? [], pagesOnly };
    })().catch((e) => { pagefind = undefined; throw e; });
  }
  return pagefind;
}

// The site's words, commonest first, for "maksud Anda …?"; null when they cannot be loaded
// (search still works, without suggestions).
let kataList;
function kata() {
  if (!kataList) {
    kataList = fetch(new URL("pagefind/sopan-kata.json", root))
      .then((r) => (r.ok ? r.json() : null))
      .then((j) => j?.kata ?? null, () => null);
  }
  return kataList;
}

// The words of a query as the word list holds them.
function queryWords(q) {
  return q.toLowerCase().split(/[^\p{L}\p{N}-]+/u).map((w) => w.replace(/^-+|-+$/g, "")).filter(Boolean);
}

// Edit distance with adjacent swaps ("adposi" → "adopsi" is one), stopping above `max`.
function distance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2 = null, prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

// The query with each word that no page holds (nor begins, as while typing) replaced by the
// nearest word of the site: one edit for short words, two for longer; the commonest wins a
// tie. Null when every word is known or nothing is near.
function correction(query, words) {
  let changed = false;
  const fixed = queryWords(query).map((w) => {
    if (w.length < 3 || /\d/.test(w) || words.some((k) => k.startsWith(w))) return w;
    const max = w.length <= 4 ? 1 : 2;
    let best = null, bestD = max + 1;
    for (const k of words) {
      const d = distance(w, k, Math.min(max, bestD - 1));
      if (d < bestD) { best = k; bestD = d; if (d === 1) break; }
    }
    if (best === null) return w;
    changed = true;
    return best;
  });
  return changed ? fixed.join(" ") : null;
}

// One search page: the form, the results box, the filters.
function searchPage(box, form, input) {
  // The filters offered (one selector per entry of sopan-bagian.json's "saringan"): in the
  // page's #saring-cari, or made before the results.
  let bar = document.getElementById("saring-cari");
  if (!bar) {
    bar = el("div", { id: "saring-cari", class: "saringan", role: "group", "aria-label": "Saring hasil pencarian" });
    bar.hidden = true;
    box.before(bar);
  }
  const selects = new Map();
  const params = new URLSearchParams(location.search);
  let generation = 0;
  let current = "";

  function buildBar(saringan) {
    if (selects.size > 0 || saringan.length === 0) return;
    for (const { kunci, label } of saringan) {
      const id = `saring-${kunci}`;
      const select = el("select", { id, name: kunci });
      select.append(el("option", { value: "" }, `Semua`));
      const wanted = params.get(kunci);
      if (wanted) { select.append(el("option", { value: wanted }, wanted)); select.value = wanted; }
      select.addEventListener("change", () => { remember(); if (current) run(current).catch((e) => console.error(e)); });
      selects.set(kunci, select);
      bar.append(el("div", { class: "saring" }, el("label", { for: id }, label), select));
    }
  }

  // The filters of a search: those chosen, and pages only where the index holds other
  // records (a filter makes Pagefind load filter data before it can search).
  function chosen(pagesOnly) {
    const filters = pagesOnly ? {} : { jenis: { any: JENIS } };
    for (const [k, s] of selects) if (s.value) filters[k] = s.value;
    return filters;
  }

  // Keeps the query and filters in the address, so a search can be shared or reloaded.
  function remember() {
    const url = new URL(location.href);
    if (current) url.searchParams.set("q", current); else url.searchParams.delete("q");
    for (const [k, s] of selects) {
      if (s.value) url.searchParams.set(k, s.value); else url.searchParams.delete(k);
    }
    history.replaceState(null, "", url);
  }

  // Each selector lists the values the query's results have, with their counts (counted
  // without the filters chosen, so another value can be picked straight away).
  function fillBar(counts) {
    for (const [k, s] of selects) {
      const values = Object.entries(counts?.[k] ?? {}).filter(([v, n]) => n > 0 || v === s.value);
      const keep = s.value;
      const total = values.reduce((sum, [, n]) => sum + n, 0);
      s.replaceChildren(el("option", { value: "" }, `Semua (${total})`),
        ...values.map(([v, n]) => el("option", { value: v }, `${v} (${n})`)));
      s.value = keep;
    }
    bar.hidden = selects.size === 0;
  }

  function card(r) {
    const where = [r.filters?.instansi?.[0], r.filters?.bidang?.[0]].filter(Boolean).join(" · ");
    const li = el("li", {}, el("a", { href: r.url }, r.meta?.title || r.url));
    if (where) li.append(el("span", { class: "kartu-meta" }, where));
    const facts = el("dl", { class: "ringkas" });
    const syarat = (r.meta?.persyaratan ?? "").split("\n").filter(Boolean);
    if (syarat.length === 1) facts.append(el("div", {}, el("dt", {}, "Persyaratan"), el("dd", {}, syarat[0])));
    else if (syarat.length > 1) {
      facts.append(el("div", {}, el("dt", {}, "Persyaratan"),
        el("dd", {}, el("ul", {}, ...syarat.map((s) => el("li", {}, s))))));
    }
    if (r.meta?.waktu) facts.append(el("div", {}, el("dt", {}, "Waktu"), el("dd", {}, r.meta.waktu)));
    if (facts.childElementCount > 0) li.append(facts);
    li.append(excerpt(r.excerpt));
    return li;
  }

  async function run(query) {
    const gen = ++generation;
    current = query;
    if (!box.querySelector("ol")) box.replaceChildren(el("p", {}, "Mencari…"));
    box.setAttribute("aria-busy", "true");
    let pf, saringan, pagesOnly, found, words, shown = query, asked = null;
    try {
      ({ pf, saringan, pagesOnly } = await engine());
      buildBar(saringan);
      found = await pf.search(query, { filters: chosen(pagesOnly) });
      // The word list, if it has arrived: the first results never wait for it, nor share the
      // connection with it (see below).
      words = kataList && await Promise.race([kataList, new Promise((ok) => setTimeout(ok, 0))]);
      // A word no page holds: Pagefind would match whatever word it begins with instead.
      const fixed = words && correction(query, words);
      if (fixed) {
        const retry = await pf.search(fixed, { filters: chosen(pagesOnly) });
        if (retry.results.length > 0) { found = retry; shown = fixed; asked = query; }
      }
    } catch (e) {
      // The index could not be loaded (a missing file, a dropped connection): say so
      // rather than show "Mencari…" for ever; the cause stays in the console.
      if (gen === generation) {
        box.removeAttribute("aria-busy");
        box.replaceChildren(el("p", {}, "Pencarian tidak dapat dimuat. Muat ulang halaman, atau telusuri SOP lewat daftar instansi di beranda."));
      }
      throw e;
    }
    // The first screenful is shown as soon as its records are in (one round of requests on
    // a phone's connection), the rest of the first page when they follow.
    const pending = found.results.slice(0, PER_HALAMAN).map((r) => r.data());
    const top = await Promise.all(pending.slice(0, PERTAMA));
    if (gen !== generation) return;
    const n = found.results.length;
    const lead = [];
    if (asked) lead.push(el("p", { class: "saran" }, "Tidak ada yang cocok dengan “", el("strong", {}, asked),
      "”. Maksud Anda “", el("strong", {}, shown), "”? Hasil untuk “", shown, "” ditampilkan."));
    if (n === 0) {
      const filtered = [...selects.values()].some((s) => s.value);
      box.replaceChildren(el("p", {}, filtered
        ? `Tidak ada SOP yang cocok dengan “${query}” dengan saringan ini. Pilih “Semua” untuk mencari di seluruh situs.`
        : `Tidak ada SOP yang cocok dengan “${query}”. Coba kata lain, misalnya nama layanan atau dokumen.`));
    } else {
      const list = el("ol", { class: "daftar-hasil" });
      list.append(...top.map(card));
      const count = el("p", { class: "jumlah-hasil" }, `${n} SOP ditemukan untuk “${shown}”.`);
      box.replaceChildren(count, ...lead, list);
      const rest = await Promise.all(pending.slice(PERTAMA));
      if (gen !== generation) return;
      list.append(...rest.map(card));
      if (n > pending.length) box.append(moreButton(found.results, list, pending.length, gen));
    }
    box.removeAttribute("aria-busy");
    // The word list came after the results: search again if it corrects a word.
    if (words === undefined) {
      const late = await kata();
      if (gen !== generation) return;
      if (late && correction(query, late)) return run(query);
    }
    // Counts per filter value: Pagefind gives them once every filter is loaded, which the
    // first results do not wait for.
    await pf.filters();
    if (gen !== generation) return;
    const counted = saringan.every(({ kunci }) => found.totalFilters?.[kunci]) ? found
      : await pf.search(shown, { filters: chosen(pagesOnly) });
    if (gen === generation) fillBar(counted.totalFilters);
  }

  // "Tampilkan lebih banyak": the next results, until every hit is shown; focus moves to the
  // first one added, so a keyboard user reads on where the list grew.
  function moreButton(results, list, from, gen) {
    let next = from;
    const button = el("button", { type: "button", class: "lebih-banyak" });
    const label = () => { button.textContent = `Tampilkan lebih banyak (${results.length - next} lagi)`; };
    label();
    button.addEventListener("click", async () => {
      button.disabled = true;
      const more = await Promise.all(results.slice(next, next + PER_HALAMAN).map((r) => r.data()));
      if (gen !== generation) return;
      const added = more.map(card);
      list.append(...added);
      next += more.length;
      added[0]?.querySelector("a")?.focus();
      if (next >= results.length) button.remove();
      else { button.disabled = false; label(); }
    });
    return button;
  }

  let timer;
  function start(query, now) {
    clearTimeout(timer);
    if (query.length < 2) return;
    const go = () => { current = query; remember(); run(query).catch((e) => console.error(e)); };
    if (now) go(); else timer = setTimeout(go, TUNDA_KETIK);
  }

  // Loading starts as soon as the visitor reaches for the search box.
  input.addEventListener("focus", () => { engine().catch(() => {}); kata(); }, { once: true });
  input.addEventListener("input", () => start(input.value.trim(), false));
  form.addEventListener("submit", (ev) => {
    const query = input.value.trim();
    if (!query) return;
    ev.preventDefault();
    start(query, true);
  });
  const q = params.get("q");
  if (q) { input.value = q; current = q; run(q).catch((e) => console.error(e)); }
}

const box = document.getElementById("hasil-cari");
const form = document.querySelector("main form[role=search]");
const input = form?.querySelector("input[type=search]");
if (box && form && input) searchPage(box, form, input);
