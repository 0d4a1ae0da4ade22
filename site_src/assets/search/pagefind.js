/* Pagefind's search API (the site's pagefind/pagefind.js), with one rule of the site's
 * own: a result named exactly as the query (one of its names or aliases, whatever the
 * case, accents, spaces, hyphens or punctuation) comes first. Pagefind ranks words, not
 * names: for "Warner Bros." it cannot tell Warner Bros. from Warner Bros. Discovery, whose
 * alias "Warner" weighs more. The search field loads this module in Pagefind's place
 * (assets/search.js gives its folder as the bundle path); the tests search through it.
 *
 * The names come from each page's `names` field (its fragment, which the results list
 * loads anyway): only the first NAMED results are looked at. */
import * as pagefind from "../../pagefind/pagefind.js";

const BUNDLE = new URL("../../pagefind/", import.meta.url).pathname;
const NAMED = 5;

export const key = (text) =>
  text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

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

export function createInstance(options = {}) {
  const instance = pagefind.createInstance({ ...options, basePath: BUNDLE });
  return { ...instance, search: async (term, searchOptions) => namedFirst(term, await instance.search(term, searchOptions)) };
}
