/* The site search (overrides/partials/search.html): Pagefind's Component UI and the
 * dialog's elements (search/dialog.html), loaded when a reader reaches for the search (a
 * pointer or focus on the button, a tap, "/"), so that no page carries them otherwise;
 * configured before any of its elements connects (its ranking options apply only then),
 * then put in place of the page's own button, and opened. The index is fetched on the
 * first search, in chunks. */
(() => {
  const slot = document.querySelector("[data-pg-search]");
  if (!slot || slot.dataset.state) return;
  slot.dataset.state = "waiting";
  const fallback = slot.querySelector(".pg-search-fallback");
  // Pagefind's API with exact names first (assets/search/pagefind.js, beside this script),
  // which loads the index from the site's pagefind/ folder.
  const bundlePath = new URL("search/", document.currentScript.src).pathname;
  // A large site's other bundles (overrides/partials/search.html), named from its root.
  const root = new URL("../", document.currentScript.src);
  let loading = null;
  let ui = null;
  // A press on the page's button not yet released: if the button is replaced meanwhile,
  // the click it was to make never comes.
  let pressed = false;

  const loadUi = () => {
    ui = ui || new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = slot.dataset.ui;
      script.addEventListener("load", resolve);
      script.addEventListener("error", () => { ui = null; script.remove(); reject(new Error("the search did not load")); });
      document.head.append(script);
    });
    return ui;
  };

  const load = () => {
    if (!loading) {
      const dialog = fetch(slot.dataset.dialog).then((response) => {
        if (!response.ok) throw new Error("the search did not load");
        return response.text();
      });
      loading = Promise.all([loadUi(), dialog]).then(([, html]) => {
        const options = JSON.parse(slot.querySelector(".pg-search-options").textContent);
        if (options.mergeIndex) {
          // Each bundle ranks its results with the same options, so that they interleave.
          const { mergeIndex, names, ...shared } = options;
          options.mergeIndex = mergeIndex.map((index) => ({ ...shared, ...index, bundlePath: new URL(index.bundlePath, root).pathname }));
        }
        // A large site's names' index, from its root (assets/search/pagefind.js answers from it first).
        if (options.names) options.names = new URL(options.names, root).pathname;
        window.PagefindComponents.configureInstance("default", { ...options, bundlePath });
        document.removeEventListener("keydown", onKey);  // Pagefind's trigger answers "/" from now on
        const focused = fallback.contains(document.activeElement);
        const elements = document.createElement("template");
        elements.innerHTML = html;  // the site's own file: no contributor text
        fallback.replaceWith(elements.content);
        if (options.names) offerFullText();
        slot.dataset.state = "ready";
        // A reader who reached the button by keyboard stays on the search button.
        if (focused) slot.querySelector("pagefind-modal-trigger button")?.focus();
        if (pressed) {
          pressed = false;
          show();
        }
      }, (error) => { loading = null; throw error; });
    }
    return loading;
  };

  // Results answered from the names alone come with a button that asks for the full text.
  const offerFullText = () => {
    const more = slot.querySelector(".pg-search-more");
    const instance = window.PagefindComponents.getInstanceManager().getInstance("default");
    instance.on("results", (found) => { more.hidden = !found?.fromNames; });
    more.querySelector("button").addEventListener("click", async () => {
      const module = await import(`${bundlePath}pagefind.js`);  // the instance's own module
      module.searchFullText();
      more.hidden = true;
      slot.querySelector("pagefind-modal input")?.focus();
      instance.triggerSearch(instance.searchTerm);
    });
  };

  const show = async () => {
    await customElements.whenDefined("pagefind-modal-trigger");
    slot.querySelector("pagefind-modal-trigger button").click();
  };

  const open = async () => {
    pressed = false;
    await load();
    await show();
  };

  function onKey(event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const active = document.activeElement;
    if (active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.isContentEditable)) return;
    event.preventDefault();
    open();
  }

  document.addEventListener("keydown", onKey);
  fallback.querySelector("button").addEventListener("click", open);
  fallback.addEventListener("pointerdown", () => { pressed = true; });
  for (const type of ["pointerleave", "pointercancel"]) fallback.addEventListener(type, () => { pressed = false; });
  for (const type of ["pointerenter", "focusin", "touchstart"]) {
    fallback.addEventListener(type, () => load().catch(() => {}), { once: true, passive: true });
  }
  // A result opened in this tab from the page's history (back) shows the dialog closed.
  slot.addEventListener("click", (event) => {
    if (event.target.closest("pagefind-results a[href]")) slot.querySelector("pagefind-modal").close();
  });
})();
