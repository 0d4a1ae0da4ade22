/* policygraph on every page: sortable, filterable tables; relation sorting on entity
 * pages; the networks of the page; and the page's own module (query page, explorer,
 * timeline), loaded only where it is used. Text reaches the page through
 * textContent only, never innerHTML. */

import { el } from "./dom.js";
import { drawFigures } from "./network.js";

function cellValue(row, index) {
  const cell = row.cells[index];
  return cell ? cell.textContent.trim() : "";
}

function sortTable(table, index, header) {
  const body = table.tBodies[0];
  const rows = [...body.rows];
  const numeric = rows.every((row) => /^-?[\d,.]*$/.test(cellValue(row, index)));
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  rows.sort((a, b) => {
    const x = cellValue(a, index);
    const y = cellValue(b, index);
    const order = numeric ? (parseFloat(x.replace(/,/g, "")) || 0) - (parseFloat(y.replace(/,/g, "")) || 0)
      : x.localeCompare(y, undefined, { sensitivity: "base", numeric: true });
    return ascending ? order : -order;
  });
  body.append(...rows);
  for (const th of table.tHead.rows[0].cells) th.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
}

function enhanceTables() {
  for (const tools of document.querySelectorAll(".pg-table-tools:not([data-ready])")) {
    let table = tools.nextElementSibling;
    while (table && !table.matches("table")) table = table.querySelector("table") || table.nextElementSibling;
    if (!table || !table.tHead || !table.tBodies.length) continue;
    [...table.tHead.rows[0].cells].forEach((th, index) => {
      const button = el("button", { type: "button", className: "pg-sort", textContent: th.textContent,
        title: `Sort by ${th.textContent}` });
      th.replaceChildren(button);
      button.addEventListener("click", () => sortTable(table, index, th));
    });
    const input = el("input", { type: "search", className: "pg-filter", placeholder: "Filter…" });
    input.setAttribute("aria-label", "Filter the table");
    const count = el("span", { className: "pg-filter-count" });
    count.setAttribute("role", "status");
    const rows = [...table.tBodies[0].rows];
    input.addEventListener("input", () => {
      const wanted = input.value.trim().toLowerCase();
      let shown = 0;
      for (const row of rows) {
        row.hidden = wanted !== "" && !row.textContent.toLowerCase().includes(wanted);
        if (!row.hidden) shown += 1;
      }
      count.textContent = `${shown} of ${rows.length}`;
    });
    tools.append(input, count);
    tools.setAttribute("data-ready", "true");
  }
}

function enhanceRelations() {
  const tools = document.querySelector(".pg-relation-sort:not([data-ready])");
  if (!tools) return;
  for (const button of tools.querySelectorAll("button")) {
    button.addEventListener("click", () => {
      const key = button.dataset.key;
      const lists = new Set([...document.querySelectorAll("span.pg-rel")].map((span) => span.closest("ul")));
      for (const list of lists) {
        const items = [...list.children];
        items.sort((a, b) => {
          const x = a.querySelector("span.pg-rel");
          const y = b.querySelector("span.pg-rel");
          const p = (x ? x.dataset[key] : "") || "";
          const q = (y ? y.dataset[key] : "") || "";
          return key === "date" ? q.localeCompare(p) : p.localeCompare(q);
        });
        list.append(...items);
      }
      for (const other of tools.querySelectorAll("button")) other.setAttribute("aria-pressed", String(other === button));
      tools.setAttribute("data-sorted", key);
    });
  }
  tools.setAttribute("data-ready", "true");
}

/* A table wider than its column scrolls sideways in mkdocs-material's wrapper: while it
 * does, the wrapper is a named region that Tab reaches, so keys can scroll it. */
const overflowing = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    if (target.scrollWidth > target.clientWidth) {
      const heading = [...document.querySelectorAll(".md-content h1, .md-content h2, .md-content h3")]
        .filter((h) => h.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING).pop();
      target.setAttribute("tabindex", "0");
      target.setAttribute("role", "region");
      target.setAttribute("aria-label", `Table: ${heading ? heading.textContent.replace("¶", "").trim() : document.title}`);
    } else {
      for (const name of ["tabindex", "role", "aria-label"]) target.removeAttribute(name);
    }
  }
});

function scrollRegions() {
  overflowing.disconnect();
  for (const wrap of document.querySelectorAll(".md-typeset__scrollwrap:not(.pg-query-scroll)")) overflowing.observe(wrap);
}

function mountModule(id, what) {
  const root = document.getElementById(id);
  if (!root || root.getAttribute("data-ready")) return;
  import(new URL(root.dataset.script, document.baseURI).href)
    .then((module) => module.mount(root))
    .catch((error) => {
      const note = el("p", { className: "pg-network-error", textContent: `The ${what} could not start: ${error.message}` });
      note.setAttribute("role", "alert");
      root.append(note);
      root.setAttribute("data-ready", "error");
    });
}

function init() {
  enhanceTables();
  enhanceRelations();
  scrollRegions();
  mountModule("pg-query", "query page");
  mountModule("pg-explorer", "explorer");
  mountModule("pg-timeline", "timeline");
  drawFigures();
}

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(init);
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
