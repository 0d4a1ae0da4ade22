/* The site search (overrides/partials/search.html): Pagefind's Component UI, configured
 * before any of its elements connects (its ranking options apply only then), then put in
 * the header. The index is fetched on the first search, in chunks. */
(() => {
  const slot = document.querySelector("[data-pg-search]");
  const components = window.PagefindComponents;
  if (!slot || !components || slot.querySelector("pagefind-modal")) return;  // no index (yet), or done
  const options = JSON.parse(slot.querySelector(".pg-search-options").textContent);
  // Pagefind's API with exact names first (assets/search/pagefind.js, beside this script),
  // which loads the index from the site's pagefind/ folder.
  options.bundlePath = new URL("search/", document.currentScript.src).pathname;
  components.configureInstance("default", options);
  slot.append(slot.querySelector("template").content.cloneNode(true));
  // A result opened in this tab from the page's history (back) shows the dialog closed.
  slot.addEventListener("click", (event) => {
    if (event.target.closest("pagefind-results a[href]")) slot.querySelector("pagefind-modal").close();
  });
})();
