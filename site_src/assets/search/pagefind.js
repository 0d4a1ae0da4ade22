/* Pagefind's search API (the site's pagefind/pagefind.js), with two rules of the site's
 * own. The search field loads this module in Pagefind's place (assets/search.js gives its
 * folder as the bundle path); the tests search through it.
 *
 * A result named exactly as the query (one of its names or aliases, whatever the case,
 * accents, spaces, hyphens or punctuation) comes first. Pagefind ranks words, not names:
 * for "Warner Bros." it cannot tell Warner Bros. from Warner Bros. Discovery, whose alias
 * "Warner" weighs more. The names come from each page's `names` field (its fragment,
 * which the results list loads anyway): only the first NAMED results are looked at.
 *
 * On a large site (the option `names`: the folder of the names' index, written by
 * builder/pages/search.py), a query is answered from the entities' names first: every
 * word of the query begins a word of one of the entity's names (or is a name run
 * together, "ChatControl"). The names' files are small and dealt out by the words' first
 * letters, so a query fetches those of its rarest word; Pagefind (its code, and its
 * metadata of every page) is loaded only when no name answers, or once the reader asks
 * for the full text (`searchFullText`). The results say which answered (`fromNames`). */
const PAGEFIND = new URL("../../pagefind/pagefind.js", import.meta.url).pathname;
const BUNDLE = new URL("../../pagefind/", import.meta.url).pathname;
const NAMED = 5;
// Beyond this many entities to fetch for its rarest word, a query is too broad for the
// names: Pagefind answers it.
const MOST_NAMES = 3000;
// The keys' shortest length: a query of words all shorter finds only the names' words they are.
const PREFIX = 2;

export const key = (text) =>
  text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

export const words = (text) =>
  text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

export async function namedFirst(term, found) {
  const wanted = key(term || "");
  const results = found?.results;
  if (!wanted || !results?.length) return found;
  const first = results.slice(0, NAMED);
  const pages = await Promise.all(first.map((result) => result.data()));
  const named = first.filter((_, i) =>
    (pages[i].meta?.names || "").split(" | ").some((name) => key(name) === wanted));
  if (!named.length || named[0] === results[0]) return found;
  return { ...found, results: [...named, ...results.filter((result) => !named.includes(result))] };
}

// The reader asked for the full text: from now on, every query goes to Pagefind.
let fullText = false;
export function searchFullText() {
  fullText = true;
}

const fileOf = (name) => /^[a-z0-9]+$/.test(name) ? name
  : "_" + Array.from(new TextEncoder().encode(name), (b) => b.toString(16).padStart(2, "0")).join("");

async function json(response) {
  if (!response.ok) throw new Error(`the search's names did not load (${response.status} ${response.url})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // gzip, unless a server already undid it (some send .gz files with Content-Encoding)
  const text = bytes[0] === 0x1f && bytes[1] === 0x8b
    ? await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text()
    : new TextDecoder().decode(bytes);
  return JSON.parse(text);
}

class Names {
  constructor(folder) {
    this.folder = folder;
    this.manifest = null;
    this.files = new Map();
  }

  keys() {
    this.manifest ||= fetch(`${this.folder}names.json`).then(json).catch((error) => {
      this.manifest = null;
      throw error;
    });
    return this.manifest;
  }

  file(name) {
    if (!this.files.has(name)) {
      const loading = fetch(`${this.folder}names/${fileOf(name)}.json.gz`).then(json);
      loading.catch(() => this.files.delete(name));
      this.files.set(name, loading);
    }
    return this.files.get(name);
  }

  // The files holding every entity with a name's word beginning `word`: those of keys that
  // begin with it, and that of the longest key it begins with.
  static filesFor(word, counts) {
    const wanted = Object.keys(counts).filter((file) => file.startsWith(word));
    let home = "";
    for (let end = word.length; end > 0 && !home; end--) {
      if (counts[word.slice(0, end)] !== undefined) home = word.slice(0, end);
    }
    if (home && !wanted.includes(home)) wanted.push(home);
    return wanted;
  }

  // The entities whose names answer the query, best first; null when none does (or when
  // answering would mean fetching too many).
  async search(term) {
    const asked = words(term || "");
    if (!asked.length) return null;
    const { keys: counts } = await this.keys();
    // A query of single letters, as a reader begins to type, finds the names' words that
    // they are (each one's file): as beginnings, they would fetch too many.
    const letters = asked.every((word) => word.length < PREFIX);
    const needs = asked.filter((word) => letters || word.length >= PREFIX).map((word) => {
      const files = letters ? [word].filter((file) => counts[file] !== undefined) : Names.filesFor(word, counts);
      return { files, size: files.reduce((sum, file) => sum + counts[file], 0) };
    }).sort((a, b) => a.size - b.size);
    const { files, size } = needs[0];
    // a word no name has goes to the full text (letters being typed find nothing yet), and
    // so does one too common to fetch its names
    if (!size) return letters ? Names.answer([]) : null;
    if (size > MOST_NAMES) return null;
    const whole = key(term);
    const seen = new Set();
    const found = [];
    for (const card of (await Promise.all(files.map((file) => this.file(file)))).flat()) {
      const [url, title, type, summary, others, degree] = card;
      if (seen.has(url)) continue;
      seen.add(url);
      const all = [title, ...others].map((name) => {
        const its = words(name);
        return { name, words: its.length > 1 ? [...its, key(name)] : its, length: its.length };
      });
      const theirs = new Set(all.flatMap((name) => name.words));
      const begins = (word, among) => among.some((their) => letters ? their === word : their.startsWith(word));
      if (!asked.every((word) => begins(word, [...theirs]))) continue;
      found.push({
        url, title, type, summary, others, degree,
        exact: all.some(({ name }) => key(name) === whole),
        entire: asked.filter((word) => theirs.has(word)).length,
        // the fewest words of a name that the query's words all begin: "commission"
        // finds the European Commission before an event whose long name has the word
        fit: Math.min(...all.filter((name) => asked.every((word) => begins(word, name.words))).map((name) => name.length), 99),
      });
    }
    if (!found.length) return null;
    const order = (a, b) => a < b ? -1 : a > b ? 1 : 0;
    found.sort((a, b) => b.exact - a.exact || b.entire - a.entire || a.fit - b.fit || b.degree - a.degree
      || order(a.title, b.title) || order(a.url, b.url));
    return Names.answer(found);
  }

  // Found entities as Pagefind's results, in the shape its interface reads.
  static answer(found) {
    const root = new URL("../../", import.meta.url).pathname;
    const results = found.map((card) => {
      const page = {
        url: root + card.url, raw_url: root + card.url, excerpt: "", content: "", word_count: 0,
        meta: { title: card.title, type: card.type, summary: card.summary, names: [card.title, ...card.others].join(" | ") },
        sub_results: [], filters: {}, anchors: [], locations: [], weighted_locations: [], raw_content: "",
      };
      return { id: card.url, score: card.exact ? 2 : 1, words: [], data: async () => page };
    });
    return { results, unfilteredResultCount: results.length, filters: {}, totalFilters: {}, timings: [], fromNames: true };
  }
}

export function createInstance(options = {}) {
  const { names, ...pagefindOptions } = options;
  const byNames = names ? new Names(names) : null;
  const merged = [];  // the other bundles, each merged once into Pagefind's instance
  const merge = async (instance) => {
    for (const bundle of merged) {
      if (bundle.done) continue;
      bundle.done = true;
      await instance.mergeIndex(bundle.path, bundle.options);
    }
  };
  let engine = null;
  const pagefind = () => {
    engine ||= import(PAGEFIND).then(async (module) => {
      const instance = module.createInstance({ ...pagefindOptions, basePath: BUNDLE });
      await merge(instance);
      return instance;
    });
    return engine;
  };
  if (!byNames) pagefind();
  return {
    mergeIndex: async (path, mergeOptions) => {
      merged.push({ path, options: mergeOptions, done: false });
      if (engine) await merge(await engine);
    },
    // The site's pages have no filters: the names need none.
    filters: async () => byNames && !fullText ? {} : (await pagefind()).filters(),
    preload: async (term, searchOptions) => (await pagefind()).preload(term, searchOptions),
    search: async (term, searchOptions) => {
      if (byNames && !fullText) {
        // names that did not load leave the query to Pagefind
        const found = await byNames.search(term).catch((error) => console.error(error));
        if (found) return found;
      }
      return namedFirst(term, await (await pagefind()).search(term, searchOptions));
    },
  };
}
