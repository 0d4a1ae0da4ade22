/* policygraph query page: SPARQL 1.1 in the browser with oxigraph's WebAssembly build,
 * over the site's own N-Triples dump, or against a SPARQL endpoint when one is configured.
 * Every value reaches the page through textContent or DOM properties, never innerHTML. */

import { el } from "./dom.js";

const JSON_RESULTS = "application/sparql-results+json";


function resolve(relative) {
  return new URL(relative, document.baseURI).href;
}

class QueryPage {
  constructor(root) {
    this.root = root;
    this.siteUrl = root.dataset.siteUrl;
    this.siteRoot = resolve(root.dataset.root);
    this.endpoint = root.dataset.endpoint || "";
    this.text = root.querySelector("#pg-query-text");
    this.status = root.querySelector("#pg-query-status");
    this.output = root.querySelector("#pg-query-results");
    this.error = root.querySelector("#pg-query-error");
    this.examples = JSON.parse(root.querySelector("#pg-query-examples").textContent);
    this.prefixes = JSON.parse(root.querySelector("#pg-query-prefixes").textContent);
    this.store = null;
    this.last = null;
    window.policygraphQuery = this;
  }

  start() {
    const menu = this.root.querySelector("#pg-query-menu");
    for (const example of this.examples) {
      menu.append(el("option", { value: example.id, textContent: example.title }));
    }
    menu.addEventListener("change", () => {
      const example = this.examples.find((e) => e.id === menu.value);
      if (example) {
        this.text.value = example.text;
        this.root.querySelector("#pg-query-description").textContent = example.description;
      }
    });
    this.root.querySelector("#pg-query-run").addEventListener("click", () => this.run());
    this.text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) this.run();
    });
    this.root.querySelector("#pg-query-csv").addEventListener("click", () => this.download("csv"));
    this.root.querySelector("#pg-query-json").addEventListener("click", () => this.download("json"));
    const shared = new URLSearchParams(window.location.search).get("query");
    if (shared) {
      this.text.value = shared;
      this.run();
    } else if (!this.text.value && this.examples.length) {
      menu.value = this.examples[0].id;
      menu.dispatchEvent(new Event("change"));
    }
    this.root.setAttribute("data-ready", "true");
  }

  async loadStore() {
    if (this.store) return this.store;
    const started = performance.now();
    this.status.textContent = "Loading the SPARQL engine and the graph…";
    const oxigraph = await import(resolve(this.root.dataset.module));
    await oxigraph.default({ module_or_path: resolve(this.root.dataset.wasm) });
    const engineReady = performance.now();
    const store = new oxigraph.Store();
    for (const [file, format] of [[this.root.dataset.dump, "application/n-triples"],
                                  [this.root.dataset.vocabulary, "text/turtle"]]) {
      const response = await fetch(resolve(file));
      if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
      store.load(await response.text(), { format, base_iri: this.siteUrl });
    }
    this.store = store;
    this.loadTimes = { engine: engineReady - started, total: performance.now() - started, triples: store.size };
    return store;
  }

  async execute(query) {
    if (this.endpoint) {
      const response = await fetch(this.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query",
                   Accept: `${JSON_RESULTS}, application/n-triples;q=0.9` },
        body: query,
      });
      const body = await response.text();
      if (!response.ok) throw new Error(body || `HTTP ${response.status}`);
      return (response.headers.get("Content-Type") || "").includes("json")
        ? { kind: "results", data: JSON.parse(body) } : { kind: "graph", data: body };
    }
    const store = await this.loadStore();
    try {
      return { kind: "results", data: JSON.parse(store.query(query, { results_format: JSON_RESULTS })) };
    } catch (error) {
      if (!String(error.message || error).includes("Not supported RDF format")) throw error;
      return { kind: "graph", data: store.query(query, { results_format: "application/n-triples" }) };
    }
  }

  async run() {
    const query = this.text.value;
    this.error.hidden = true;
    this.error.textContent = "";
    const url = new URL(window.location.href);
    url.searchParams.set("query", query);
    window.history.replaceState(window.history.state, "", url.href);
    this.root.setAttribute("data-state", "running");
    try {
      const started = performance.now();
      const result = await this.execute(query);
      const elapsed = performance.now() - started;
      this.last = result;
      this.render(result);
      const load = this.loadTimes && !this.endpoint
        ? ` Graph of ${this.loadTimes.triples.toLocaleString("en")} triples loaded in ${Math.round(this.loadTimes.total)} ms.` : "";
      this.status.textContent = `${this.describe(result)} in ${Math.round(elapsed)} ms.${load}`;
      this.root.setAttribute("data-state", "done");
    } catch (error) {
      this.last = null;
      this.output.replaceChildren();
      this.error.textContent = String(error.message || error);
      this.error.hidden = false;
      this.status.textContent = "The query failed.";
      this.root.setAttribute("data-state", "error");
    }
  }

  describe(result) {
    if (result.kind === "graph") return "Graph result";
    if ("boolean" in result.data) return `Answer: ${result.data.boolean}`;
    const count = result.data.results.bindings.length;
    return `${count.toLocaleString("en")} row${count === 1 ? "" : "s"}`;
  }

  compact(iri) {
    if (iri.startsWith(this.siteUrl)) return iri.slice(this.siteUrl.length) || "/";
    for (const [prefix, namespace] of this.prefixes) {
      if (iri.startsWith(namespace) && iri.length > namespace.length) return `${prefix}:${iri.slice(namespace.length)}`;
    }
    return iri;
  }

  // An IRI becomes a link only once resolved to an http(s) address: a site IRI whose
  // remainder is itself an absolute URL (`<site>/javascript:...`) must not become one.
  link(iri) {
    const local = iri.startsWith(this.siteUrl);
    let url;
    try {
      url = local ? new URL(iri.slice(this.siteUrl.length), this.siteRoot) : new URL(iri);
    } catch {
      return null;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    if (local && !url.href.startsWith(this.siteRoot)) return null;
    return url.href;
  }

  cell(term) {
    if (!term) return el("td");
    if (term.type === "uri") {
      const href = this.link(term.value);
      const text = this.compact(term.value);
      return el("td", {}, [href ? el("a", { href, textContent: text, title: term.value }) : text]);
    }
    const td = el("td", { textContent: term.value });
    if (term["xml:lang"]) td.append(el("span", { className: "pg-lang", textContent: `@${term["xml:lang"]}` }));
    return td;
  }

  render(result) {
    if (result.kind === "graph") {
      this.output.replaceChildren(el("pre", { textContent: result.data }));
      return;
    }
    if ("boolean" in result.data) {
      this.output.replaceChildren(el("p", { className: "pg-query-boolean", textContent: String(result.data.boolean) }));
      return;
    }
    const vars = result.data.head.vars;
    const head = el("tr", {}, vars.map((name) => el("th", { textContent: name, scope: "col" })));
    const rows = result.data.results.bindings.map((binding) => el("tr", {}, vars.map((name) => this.cell(binding[name]))));
    const table = el("table", {}, [el("thead", {}, [head]), el("tbody", {}, rows)]);
    this.output.replaceChildren(el("div", { className: "md-typeset__table" }, [table]));
  }

  csv() {
    // OWASP's rule for CSV injection: a cell a spreadsheet would read as a formula (or one
    // hiding it behind a tab or carriage return) starts with a quote; line breaks are quoted.
    const safe = (value) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
    const quote = (value) => {
      const cell = safe(value);
      return /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
    };
    const data = this.last.data;
    if ("boolean" in data) return `boolean\r\n${data.boolean}\r\n`;
    const vars = data.head.vars;
    const lines = [vars.map(quote).join(",")];
    for (const binding of data.results.bindings) lines.push(vars.map((v) => quote(binding[v] ? binding[v].value : "")).join(","));
    return lines.join("\r\n") + "\r\n";
  }

  download(format) {
    if (!this.last || this.last.kind !== "results") return;
    const body = format === "csv" ? this.csv() : JSON.stringify(this.last.data, null, 1);
    const type = format === "csv" ? "text/csv" : JSON_RESULTS;
    const link = el("a", { href: URL.createObjectURL(new Blob([body], { type })), download: `results.${format}` });
    document.body.append(link);
    link.click();
    link.remove();
  }
}

export function mount(root) {
  if (root.getAttribute("data-ready")) return;
  new QueryPage(root).start();
}
