// sopan serve: reload the page after each good build; after a failed one, show the same
// located diagnostics the terminal prints, over the last good page. Injected by `sopan serve`
// only, never part of a built site.
(() => {
  const me = document.currentScript;
  const since = me ? me.dataset.generasi : "";
  let box = null;

  function hide() {
    if (box) { box.remove(); box = null; }
  }

  function show(text, site) {
    hide();
    box = document.createElement("div");
    box.id = "sopan-galat";
    box.setAttribute("role", "alert");
    const s = box.style;
    s.position = "fixed"; s.inset = "0"; s.zIndex = "2147483647"; s.overflow = "auto";
    s.background = "rgba(20, 20, 20, 0.94)"; s.color = "#fff"; s.padding = "1.5rem";
    s.font = "14px/1.45 ui-monospace, monospace";
    const title = document.createElement("p");
    title.textContent = site
      ? "Pembangunan gagal — situs terakhir yang berhasil tetap ditampilkan di belakang ini. Perbaiki berkasnya lalu simpan."
      : "Pembangunan gagal — situs belum pernah berhasil dibangun. Perbaiki berkasnya lalu simpan: halaman ini dimuat ulang dengan sendirinya.";
    title.style.font = "bold 16px/1.4 system-ui, sans-serif";
    const pre = document.createElement("pre");
    pre.style.whiteSpace = "pre-wrap";
    pre.textContent = text; // text, never markup
    box.append(title, pre);
    document.body.append(box);
  }

  async function check() {
    try {
      const r = await fetch("/__sopan/status", { cache: "no-store" });
      const st = await r.json();
      if (st.galat) show(st.galat, st.situs !== false); else hide();
    } catch (_) { /* server restarting */ }
  }

  function listen() {
    const es = new EventSource("/__sopan/events?sejak=" + encodeURIComponent(since));
    es.onmessage = (e) => {
      if (e.data === "reload") location.reload();
      else if (e.data === "galat") check();
    };
    // A refused stream (503: too many tabs open) is closed for good by the browser, unlike a
    // dropped one; ask again later. `sejak` makes a build missed meanwhile reload at once.
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) setTimeout(listen, 10000);
    };
  }
  listen();
  check();
})();
