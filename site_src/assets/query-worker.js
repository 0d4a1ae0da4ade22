/* policygraph query page, its engine: oxigraph's WebAssembly build and the site's graph,
 * in a worker, so that a long query never freezes the page and Stop can end it (a
 * running WebAssembly call cannot be interrupted: the page ends the whole worker).
 *
 * Messages in:  {load: {module, wasm, files: [[url, format]], baseIri}}, {query: text}
 * Messages out: {loaded: {triples, ms}}, {result: {kind, data}}, {error: message} */

const JSON_RESULTS = "application/sparql-results+json";
let store = null;

/* A file's text, read as it arrives: a gzip file (the dump) is decompressed in the
 * stream (unless the server already did), and reading stops as soon as the text passes
 * `limit` bytes, so that a graph too large for a tab is never downloaded whole. */
async function readText(url, limit) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const reader = response.body.getReader();
  let first = await reader.read();
  let source = reader;
  if (!first.done && first.value[0] === 0x1f && first.value[1] === 0x8b) {
    const inflate = new DecompressionStream("gzip");
    const writer = inflate.writable.getWriter();
    (async () => {
      try {
        for (let part = first; !part.done; part = await reader.read()) await writer.write(part.value);
        await writer.close();
      } catch (error) {
        await writer.abort(error).catch(() => {});
      }
    })();
    source = inflate.readable.getReader();
    first = await source.read();
  }
  const chunks = [];
  let size = 0;
  for (let part = first; !part.done; part = await source.read()) {
    size += part.value.length;
    if (limit && size > limit) {
      await source.cancel().catch(() => {});
      await reader.cancel().catch(() => {});
      throw new Error(`The graph (over ${Math.round(limit / 1048576).toLocaleString("en")} MB of N-Triples) is too large `
        + "to load in a browser tab. Query it on a SPARQL endpoint: the site's editors can set one "
        + "(`sparql_endpoint` in mkdocs.yml; `policygraph serve-sparql` runs one), or load data/graph.nt.gz "
        + "into your own triple store.");
    }
    chunks.push(part.value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(bytes);
}

async function load({ module, wasm, files, baseIri, limit }) {
  const started = performance.now();
  const engine = import(module).then(async (oxigraph) => {
    await oxigraph.default({ module_or_path: wasm });
    return oxigraph;
  });
  const texts = [];
  for (const [file] of files) texts.push(await readText(file, limit));
  const oxigraph = await engine;
  const loaded = new oxigraph.Store();
  files.forEach(([, format], index) => loaded.load(texts[index], { format, base_iri: baseIri }));
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
