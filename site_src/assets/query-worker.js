/* policygraph query page, its engine: oxigraph's WebAssembly build and the site's graph,
 * in a worker, so that a long query never freezes the page and Stop can end it (a
 * running WebAssembly call cannot be interrupted: the page ends the whole worker).
 *
 * Messages in:  {load: {module, wasm, files: [[url, format]], baseIri}}, {query: text}
 * Messages out: {loaded: {triples, ms}}, {result: {kind, data}}, {error: message} */

const JSON_RESULTS = "application/sparql-results+json";
let store = null;

async function load({ module, wasm, files, baseIri, limit }) {
  const started = performance.now();
  const [dump] = files[0];
  const head = await fetch(dump, { method: "HEAD" });
  const size = Number(head.headers.get("Content-Length") || 0);
  await head.arrayBuffer();  // empty; read so the request ends as finished, not as cancelled
  if (limit && size > limit) {
    throw new Error(`The graph (${Math.round(size / 1048576).toLocaleString("en")} MB of N-Triples) is too large `
      + "to load in a browser tab. Query it on a SPARQL endpoint: the site's editors can set one "
      + "(`sparql_endpoint` in mkdocs.yml; `policygraph serve-sparql` runs one), or load data/graph.nt.gz "
      + "into your own triple store.");
  }
  const oxigraph = await import(module);
  await oxigraph.default({ module_or_path: wasm });
  const loaded = new oxigraph.Store();
  for (const [file, format] of files) {
    const response = await fetch(file);
    if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
    loaded.load(await response.text(), { format, base_iri: baseIri });
  }
  store = loaded;
  return { triples: store.size, ms: performance.now() - started };
}

function query(text) {
  try {
    return { kind: "results", data: JSON.parse(store.query(text, { results_format: JSON_RESULTS })) };
  } catch (error) {
    if (!String(error.message || error).includes("Not supported RDF format")) throw error;
    return { kind: "graph", data: store.query(text, { results_format: "application/n-triples" }) };
  }
}

self.addEventListener("message", async (event) => {
  try {
    if (event.data.load) self.postMessage({ loaded: await load(event.data.load) });
    else if (event.data.query !== undefined) self.postMessage({ result: query(event.data.query) });
  } catch (error) {
    self.postMessage({ error: String(error.message || error) });
  }
});
