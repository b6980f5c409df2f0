// sopan: site search with Pagefind (index built by sopan, no outside requests). Progressive:
// without JavaScript the search forms go to /cari/, which explains how to browse instead.
const root = new URL("..", import.meta.url);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

// Pagefind excerpts mark hits with <mark>; rebuild them from text so nothing else can render.
function excerpt(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const p = el("p");
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") p.append(el("mark", {}, node.textContent));
    else p.append(document.createTextNode(node.textContent));
  }
  return p;
}

// A large site's index comes in parts (pagefind/sopan-bagian.json lists the further ones);
// Pagefind searches them together and ranks their results as one list.
let pagefind;
async function engine() {
  if (!pagefind) {
    pagefind = (async () => {
      const [pf, parts] = await Promise.all([
        import(new URL("pagefind/pagefind.js", root).href),
        fetch(new URL("pagefind/sopan-bagian.json", root)).then((r) => r.json()),
      ]);
      const options = { baseUrl: root.pathname };
      await pf.options(options);
      pf.init();
      await Promise.all(parts.bagian.map((part) =>
        pf.mergeIndex(new URL("pagefind/" + part, root).pathname, options)));
      return pf;
    })().catch((e) => { pagefind = undefined; throw e; });
  }
  return pagefind;
}

async function search(query, box) {
  box.replaceChildren(el("p", {}, "Mencari…"));
  let found, top;
  try {
    const pf = await engine();
    // Only pages: each part of a split index also holds a list of the site's words.
    found = await pf.search(query, { filters: { jenis: { any: ["SOP", "Halaman"] } } });
    top = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
  } catch (e) {
    // The index could not be loaded (a missing file, a dropped connection): say so
    // rather than show "Mencari…" for ever; the cause stays in the console.
    box.replaceChildren(el("p", {}, "Pencarian tidak dapat dimuat. Muat ulang halaman, atau telusuri SOP lewat daftar instansi di beranda."));
    throw e;
  }
  if (top.length === 0) {
    box.replaceChildren(el("p", {}, `Tidak ada SOP yang cocok dengan “${query}”. Coba kata lain, misalnya nama layanan atau dokumen.`));
    return;
  }
  const list = el("ol", { class: "daftar-hasil" });
  for (const r of top) {
    const where = [r.filters?.instansi?.[0], r.filters?.bidang?.[0]].filter(Boolean).join(" · ");
    list.append(el("li", {},
      el("a", { href: r.url }, r.meta?.title || r.url),
      el("span", { class: "kartu-meta" }, where),
      excerpt(r.excerpt)));
  }
  box.replaceChildren(el("p", {}, `${found.results.length} SOP ditemukan untuk “${query}”.`), list);
}

const box = document.getElementById("hasil-cari");
if (box) {
  const form = document.querySelector("main form[role=search]");
  const input = form?.querySelector("input[type=search]");
  const q = new URLSearchParams(location.search).get("q");
  if (q && input) { input.value = q; search(q, box); }
  form?.addEventListener("submit", (ev) => {
    const query = input.value.trim();
    if (!query) return;
    ev.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set("q", query);
    history.replaceState(null, "", url);
    search(query, box);
  });
}
