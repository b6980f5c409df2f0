// "Salin tautan" on an SOP page: copies the page's address. Loaded with `defer` from its own
// file, as the Content-Security-Policy allows no inline script; without JavaScript the button
// stays hidden and the WhatsApp link still works.
(() => {
  const status = document.querySelector(".bagikan .salin-status");
  const say = (text) => { if (status) status.textContent = text; };
  // Without `base_url` the page knows only its path: the address is the one the reader sees.
  const here = () => location.href.split("#")[0];
  for (const wa of document.querySelectorAll(".bagikan a.wa[data-bagikan-teks]")) {
    wa.href = "https://wa.me/?text=" + encodeURIComponent(`${wa.dataset.bagikanTeks} — ${here()}`);
  }
  for (const button of document.querySelectorAll(".bagikan .salin-tautan")) {
    const url = button.hasAttribute("data-url-relatif") ? here() : button.dataset.url;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(url);
        say("Tautan disalin.");
      } catch {
        // No clipboard (an insecure origin, a refused permission): show the address to copy.
        say(`Salin tautan ini: ${url}`);
      }
    });
  }
})();
