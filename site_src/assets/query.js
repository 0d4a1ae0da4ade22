/* policygraph query page: SPARQL 1.1 in the browser with oxigraph's WebAssembly build,
 * over the site's own N-Triples dump (in a worker: query-worker.js), or against a SPARQL
 * endpoint when one is configured. A running query can be stopped; the page stays
 * responsive meanwhile. Every value reaches the page through textContent or DOM
 * properties, never innerHTML. */

import { el } from "./dom.js";

const JSON_RESULTS = "application/sparql-results+json";
// Rows drawn in the table; the downloads hold them all.
const SHOWN_ROWS = 1000;

class Stopped extends Error {}

/* The engine in its worker. Stop ends the worker (and its copy of the graph): the next
 * query starts a new one. */
class Engine {
  constructor(root) {
    this.root = root;
    this.worker = null;
    this.loaded = null;
    this.pending = null;
  }

  call(message) {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
  }

  start() {
    const data = this.root.dataset;
    this.worker = new Worker(resolve(data.worker), { type: "module" });
    this.worker.addEventListener("message", (event) => {
      const pending = this.pending;
      this.pending = null;
      if (!pending) return;
      if (event.data.error !== undefined) pending.reject(new Error(event.data.error));
      else pending.resolve(event.data.loaded || event.data.result);
    });
    this.worker.addEventListener("error", (event) => {
      const pending = this.pending;
      this.pending = null;
      if (pending) pending.reject(new Error(event.message || "the query engine failed to start"));
    });
    this.loaded = this.call({ load: {
      module: resolve(data.module), wasm: resolve(data.wasm), baseIri: data.siteUrl,
      limit: Number(data.browserLimit || 0),
      files: [[resolve(data.dump), "application/n-triples"], [resolve(data.vocabulary), "text/turtle"]] } });
    this.loaded.catch(() => this.stop());
    return this.loaded;
  }

  async query(text, onLoading) {
    if (!this.worker) {
      onLoading();
      await this.start();
    } else {
      await this.loaded;
    }
    return this.call({ query: text });
  }

  stop() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.loaded = null;
    const pending = this.pending;
    this.pending = null;
    if (pending) pending.reject(new Stopped("stopped"));
  }
}


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
    this.runButton = root.querySelector("#pg-query-run");
    this.stopButton = root.querySelector("#pg-query-stop");
    this.engine = new Engine(root);
    this.request = null;
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
    this.runButton.addEventListener("click", () => this.run());
    this.stopButton.addEventListener("click", () => this.stop());
    this.text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !this.runButton.disabled) this.run();
      if (event.key === "Escape" && !this.stopButton.disabled) this.stop();
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

  async execute(query) {
    if (!this.endpoint) {
      return this.engine.query(query, () => { this.loading = true; });
    }
    this.request = new AbortController();
    let response;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query",
                   Accept: `${JSON_RESULTS}, application/n-triples;q=0.9` },
        body: query,
        signal: this.request.signal,
      });
    } catch (error) {
      if (error.name === "AbortError") throw new Stopped("stopped");
      throw error;
    }
    const body = await response.text();
    if (!response.ok) throw new Error(body || `HTTP ${response.status}`);
    return (response.headers.get("Content-Type") || "").includes("json")
      ? { kind: "results", data: JSON.parse(body) } : { kind: "graph", data: body };
  }

  stop() {
    if (this.request) this.request.abort();
    this.engine.stop();
  }

  running(on) {
    this.runButton.disabled = on;
    this.stopButton.disabled = !on;
    clearInterval(this.ticker);
    if (!on) return;
    const started = performance.now();
    const tick = () => {
      const seconds = Math.floor((performance.now() - started) / 1000);
      const what = this.loading ? "Loading the SPARQL engine and the graph" : "Running the query";
      this.status.textContent = `${what}… ${seconds} s (Stop or Escape ends it)`;
    };
    tick();
    this.ticker = setInterval(tick, 500);
  }

  async run() {
    const query = this.text.value;
    this.error.hidden = true;
    this.error.textContent = "";
    const url = new URL(window.location.href);
    url.searchParams.set("query", query);
    window.history.replaceState(window.history.state, "", url.href);
    this.root.setAttribute("data-state", "running");
    this.loading = false;
    this.running(true);
    try {
      const started = performance.now();
      const result = await this.execute(query);
      const loaded = this.loading ? await this.engine.loaded : null;
      const elapsed = performance.now() - started - (loaded ? loaded.ms : 0);
      this.running(false);
      this.last = result;
      const shown = this.render(result);
      const load = loaded
        ? ` Graph of ${loaded.triples.toLocaleString("en")} triples loaded in ${Math.round(loaded.ms)} ms.` : "";
      this.status.textContent = `${this.describe(result, shown)} in ${Math.round(elapsed)} ms.${load}`;
      this.root.setAttribute("data-state", "done");
    } catch (error) {
      this.running(false);
      this.last = null;
      this.output.replaceChildren();
      if (error instanceof Stopped) {
        this.status.textContent = "Stopped. The next query reloads the graph first.";
        this.root.setAttribute("data-state", "stopped");
        return;
      }
      this.error.textContent = String(error.message || error);
      this.error.hidden = false;
      this.status.textContent = "The query failed.";
      this.root.setAttribute("data-state", "error");
    } finally {
      this.request = null;
    }
  }

  describe(result, shown) {
    if (result.kind === "graph") return "Graph result";
    if ("boolean" in result.data) return `Answer: ${result.data.boolean}`;
    const count = result.data.results.bindings.length;
    const rows = `${count.toLocaleString("en")} row${count === 1 ? "" : "s"}`;
    return shown < count ? `${rows} (the first ${shown.toLocaleString("en")} shown; the downloads hold all)` : rows;
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

  // Draws the result; returns how many rows it drew.
  render(result) {
    if (result.kind === "graph") {
      this.output.replaceChildren(el("pre", { textContent: result.data }));
      return 0;
    }
    if ("boolean" in result.data) {
      this.output.replaceChildren(el("p", { className: "pg-query-boolean", textContent: String(result.data.boolean) }));
      return 0;
    }
    const vars = result.data.head.vars;
    const head = el("tr", {}, vars.map((name) => el("th", { textContent: name, scope: "col" })));
    const shown = result.data.results.bindings.slice(0, SHOWN_ROWS);
    const rows = shown.map((binding) => el("tr", {}, vars.map((name) => this.cell(binding[name]))));
    const table = el("table", {}, [el("thead", {}, [head]), el("tbody", {}, rows)]);
    // A wide result scrolls sideways in its own region (reachable by keyboard), never the page.
    const region = el("div", { className: "md-typeset__scrollwrap pg-query-scroll", tabIndex: 0 },
      [el("div", { className: "md-typeset__table" }, [table])]);
    region.setAttribute("role", "region");
    region.setAttribute("aria-label", "Query results");
    this.output.replaceChildren(region);
    return shown.length;
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
