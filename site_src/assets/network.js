/* policygraph networks: what every network of the site shares (vis-network loaded on
 * demand, tooltips as text, dark-mode fonts, open a node's page on click or Enter), and
 * the ego and theme networks drawn from their JSON data (`data-src`): an ego network
 * sketched first (sketch.js), interactive when the reader asks. Text reaches the page
 * through textContent only, never innerHTML. */

import { el } from "./dom.js";
import { LABELLED, overlaps, ranked, short, sketch, sketchable } from "./sketch.js";

const VIS = new URL("vendor/vis-network/vis-network.min.js", import.meta.url).href;
const VIS_CSS = new URL("vendor/vis-network/vis-network.css", import.meta.url).href;
let loading = null;

/* vis-network (about 460 KB of script and 200 KB of style) is fetched only by the pages
 * that draw a network, once per visit. */
export function loadVis() {
  if (window.vis) return Promise.resolve(window.vis);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      document.head.append(el("link", { rel: "stylesheet", href: VIS_CSS }));
      const script = el("script", { src: VIS });
      script.addEventListener("load", () => resolve(window.vis));
      script.addEventListener("error", () => { loading = null; reject(new Error("vis-network did not load")); });
      document.head.append(script);
    });
  }
  return loading;
}

export function tooltip(text) {
  return el("div", { className: "pg-tooltip", textContent: text });
}

/* The nodes of a network file as vis-network draws them. A node names its type; the
 * file gives the types' labels (`types`), the options the kinds' colours and shapes
 * (groups). Labels are held apart (`fullLabel`) and drawn where they fit. */
export function visNodes(data) {
  const types = data.types || {};
  return data.nodes.map((node) => {
    const what = `${node.name} (${types[node.type || node.group] || node.group})`;
    return { ...node, label: "", fullLabel: short(node.name),
      title: tooltip(node.summary ? `${what}\n${node.summary}` : what) };
  });
}

/* The edges of a network file as vis-network draws them: labelled by predicate (the
 * file's `predicates`), dashed when their status is not asserted as fact (`dashed`). */
export function visEdges(data) {
  const predicates = data.predicates || {};
  const dashed = new Set(data.dashed || []);
  return data.edges.map((edge) => {
    const label = predicates[edge.predicate] || edge.predicate;
    const dates = edge.dates || edge.t0;
    return { ...edge, label, dashes: dashed.has(edge.status),
      title: tooltip(`${label}${dates ? ` (${dates})` : ""} · ${edge.status}`) };
  });
}

/* One relation, as drawn: the same in every network file that holds it. */
export function edgeKey(edge) {
  return `${edge.from}\u0000${edge.predicate}\u0000${edge.to}\u0000${edge.t0 || ""}`;
}

export async function fetchJson(address) {
  const response = await fetch(address);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/* The nodes of an ego network's file drawn on another page: as visNodes, their pages'
 * addresses resolved against `page` (the file's own page), without the styling of the
 * file's focus nor its `expand` addresses (relative to that page). */
export function foreignNodes(data, page) {
  return visNodes(data).map(({ expand, borderWidth, size, ...node }) => ({ ...node, url: new URL(node.url, page).href }));
}

/* An ego network's second hop, from the network files of the neighbours it walks through
 * (their `expand`): the entities the file names as its second hop (`second`) and every
 * relation those files hold among the entities then shown. Addresses in a neighbour's
 * file are relative to the neighbour's page. */
async function secondHop(data) {
  const wanted = new Set(data.second);
  const shown = new Set([...data.nodes.map((node) => node.id), ...data.second]);
  const files = await Promise.all(data.nodes.filter((node) => node.expand).map(async (node) => ({
    page: new URL(node.url, document.baseURI),
    data: await fetchJson(new URL(node.expand, document.baseURI).href) })));
  const found = new Map();
  const keys = new Set(data.edges.map(edgeKey));
  const edges = [];
  for (const file of files) {
    for (const node of foreignNodes(file.data, file.page)) {
      if (wanted.has(node.id) && !found.has(node.id)) found.set(node.id, { ...node, hop: 2 });
    }
    const fresh = file.data.edges.filter((edge) => shown.has(edge.from) && shown.has(edge.to) && !keys.has(edgeKey(edge)));
    fresh.forEach((edge) => keys.add(edgeKey(edge)));
    edges.push(...visEdges({ ...file.data, edges: fresh }));
  }
  return { nodes: data.second.filter((id) => found.has(id)).map((id) => found.get(id)), edges };
}

export function fontColor() {
  return document.body.getAttribute("data-md-color-scheme") === "slate" ? "#e6e6e6" : "#222222";
}

/* The data's options with the page's font colour on nodes (and edges, when labelled). */
export function themed(options, edgeLabels = true) {
  const color = fontColor();
  const result = { ...options };
  result.nodes = { ...options.nodes, font: { ...(options.nodes || {}).font, color } };
  if (edgeLabels) result.edges = { ...options.edges, font: { ...(options.edges || {}).font, color, strokeWidth: 0 } };
  return result;
}

/* A click on a node, or Enter on the selected node, opens its page (unless `other`,
 * given the node's id, handles it and returns true). */
export function openOnActivate(network, nodes, canvas, other = () => false) {
  const open = (id) => {
    const node = nodes.get(id);
    if (other(id)) return;
    if (node && node.url) window.location.assign(new URL(node.url, document.baseURI).href);
  };
  network.on("click", (params) => { if (params.nodes.length) open(params.nodes[0]); });
  canvas.addEventListener("keydown", (event) => {
    const selected = network.getSelectedNodes();
    if (event.key === "Enter" && selected.length) open(selected[0]);
  });
}

export const state = window.policygraph || (window.policygraph = { networks: [] });

// Labels that never overlap: in rank order (the focus, then the best connected), a node
// keeps its label only if the label, as drawn, overlaps none kept before it; the others
// show theirs while hovered or selected. Labels are drawn at LABEL_PX screen pixels
// whatever the zoom, and placed again after every change of the view.
const LABEL_PX = 14;

/* A node's update that shows or hides its label. */
function relabel(nodes, id, on, size) {
  const node = nodes.get(id);
  return { id, label: on ? node.fullLabel : "", font: { size } };
}

/* Keep the labels of the first `most` of `order` (ids shown now) that fit without overlap;
 * returns the set kept (the `placed` set given, refilled). */
export function placeLabels(network, nodes, order, placed, most = LABELLED) {
  const size = LABEL_PX / network.getScale();
  const candidates = order.slice(0, most * 3);
  nodes.update(candidates.map((id) => relabel(nodes, id, true, size)));
  network.redraw();  // drawn now, so that each bounding box holds its label as drawn
  const kept = [];
  for (const id of candidates) {
    if (kept.length >= most) break;
    const box = network.getBoundingBox(id);
    if (box && !kept.some((other) => overlaps(box, other.box))) kept.push({ id, box });
  }
  const previous = new Set(placed);
  placed.clear();
  kept.forEach(({ id }) => placed.add(id));
  const selected = new Set(network.getSelectedNodes());
  const hide = [...new Set([...candidates, ...previous])].filter((id) => !placed.has(id) && !selected.has(id) && nodes.get(id));
  nodes.update(hide.map((id) => relabel(nodes, id, false, size)));
  nodes.update([...selected].filter((id) => nodes.get(id)).map((id) => relabel(nodes, id, true, size)));
  network.redraw();
  return placed;
}

/* Place the labels now and after every change of the view (zoom, drag, layout). */
export function keepLabelsApart(network, nodes, shownIds, most = LABELLED) {
  const placed = new Set();
  let order = ranked(nodes.get(), []);
  let pending = 0;
  let where = {};  // the nodes' positions when the labels were last placed
  const place = () => {
    pending = 0;
    const shown = order.filter((id) => shownIds().has(id));
    placeLabels(network, nodes, shown, placed, most);
    where = network.getPositions(shown);
  };
  const later = () => { if (!pending) pending = window.setTimeout(place, 120); };
  // A label shown or hidden can restart the layout, which stabilises again: place the
  // labels again only if a node moved by more than a few pixels meanwhile.
  const moved = () => {
    const now = network.getPositions(Object.keys(where));
    const scale = network.getScale();
    return Object.entries(where).some(([id, p]) => now[id] && Math.hypot(now[id].x - p.x, now[id].y - p.y) * scale > 4);
  };
  network.on("zoom", later);
  network.on("dragEnd", later);
  network.on("animationFinished", later);
  network.on("stabilized", () => { if (moved()) place(); });
  const labels = {
    placed,
    place,
    rank(edges) { order = ranked(nodes.get(), edges); },
  };
  return labels;
}

/* Labels on hover and selection for the nodes and edges drawn without one. */
export function revealLabels(network, nodes, edges, placed = new Set()) {
  const show = (set, id, on) => {
    const item = set.get(id);
    if (item && item.fullLabel !== undefined && !(set === nodes && placed.has(id))) {
      set.update(set === nodes ? relabel(nodes, id, on, LABEL_PX / network.getScale()) : { id, label: on ? item.fullLabel : "" });
    }
  };
  network.on("hoverNode", (p) => show(nodes, p.node, true));
  network.on("blurNode", (p) => { if (!network.getSelectedNodes().includes(p.node)) show(nodes, p.node, false); });
  network.on("hoverEdge", (p) => show(edges, p.edge, true));
  network.on("blurEdge", (p) => show(edges, p.edge, false));
  network.on("selectNode", (p) => p.nodes.forEach((id) => show(nodes, id, true)));
  network.on("deselectNode", (p) => p.previousSelection.nodes.forEach((n) => show(nodes, n.id ?? n, false)));
}

/* On a touch screen a network does not capture the page's scrolling: a veil over it
 * lets a swipe scroll the page, and a tap on it hands the gestures to the network until
 * "Done". */
export function touchVeil(figure, canvas) {
  if (!window.matchMedia("(pointer: coarse)").matches) return;
  const veil = el("button", { type: "button", className: "pg-network-veil", textContent: "Tap to move and zoom the network" });
  const done = el("button", { type: "button", className: "md-button pg-network-done", textContent: "Done", hidden: true });
  veil.addEventListener("click", () => { veil.hidden = true; done.hidden = false; figure.setAttribute("data-touch", "on"); });
  done.addEventListener("click", () => { veil.hidden = false; done.hidden = true; figure.setAttribute("data-touch", "off"); });
  const frame = el("div", { className: "pg-network-frame" });
  canvas.parentElement.insertBefore(frame, canvas);
  frame.append(canvas, veil);
  frame.parentElement.insertBefore(done, frame);
  figure.setAttribute("data-touch", "off");
}

/* Fit the view once the layout has settled after a change. */
export function refit(network) {
  network.once("stabilized", () => { network.fit({ animation: false }); network.emit("zoom", {}); });
  network.stabilize(120);
}

/* The interactive view of a figure's network (vis-network) in place of its sketch, if
 * any; what it returns is what the page's scripts and tests reach through `state`. */
function drawInteractive(vis, figure, data) {
  const canvas = figure.querySelector(".pg-network-canvas");
  canvas.querySelector(".pg-sketch")?.remove();
  canvas.setAttribute("tabindex", "0");
  const nodes = new vis.DataSet(visNodes(data));
  const edges = new vis.DataSet(visEdges(data).map((edge, index) => (
    { id: `e${index}`, ...edge, fullLabel: edge.label, label: "" })));
  const wide = { on: false };
  const view = new vis.DataView(nodes, { filter: (node) => wide.on || node.hop !== 2 });
  touchVeil(figure, canvas);
  const network = new vis.Network(canvas, { nodes: view, edges }, themed(data.options || {}));
  const labels = keepLabelsApart(network, nodes, () => new Set(view.getIds()));
  labels.rank(data.edges);
  labels.place();
  revealLabels(network, nodes, edges, labels.placed);
  openOnActivate(network, nodes, canvas);
  figure.setAttribute("data-ready", "true");
  const entry = { figure, network, nodes, edges, view, labels, wide };
  state.networks.push(entry);
  return entry;
}

/* A figure's controls, above its canvas: "Move and zoom" if it shows its sketch, and
 * "Show two hops" when its file names a second hop. Each control brings the interactive
 * view first (`interactive`, a promise made once). */
function controls(figure, data, interactive, sketched) {
  const canvas = figure.querySelector(".pg-network-canvas");
  const status = el("span", { className: "pg-network-status", role: "status" });
  const place = (node) => figure.insertBefore(node, canvas.closest(".pg-network-frame") || canvas);
  const unavailable = (error) => { status.textContent = `The interactive view could not be loaded (${error.message}).`; };
  let move = null;
  if (sketched) {
    const button = el("button", { type: "button", className: "md-button pg-network-interact", textContent: "Move and zoom" });
    button.addEventListener("click", async () => {
      button.setAttribute("aria-busy", "true");
      button.textContent = "Loading the interactive view…";
      status.textContent = "";
      try {
        await interactive();
      } catch (error) {
        unavailable(error);
      } finally {
        button.removeAttribute("aria-busy");
        button.textContent = "Move and zoom";
      }
    });
    move = button;
    place(button);
  }
  const done = () => {
    if (!move) return;
    const focused = document.activeElement === move;
    move.remove();
    move = null;
    if (focused) canvas.focus();
  };
  if (data.second && data.second.length) {
    const button = el("button", { type: "button", className: "md-button pg-network-widen", textContent: "Show two hops" });
    button.setAttribute("aria-pressed", "false");
    let added = null;  // the second hop, fetched on the first request
    let loading = false;  // the button stays focusable while it loads (a disabled one loses the focus)
    let entry = null;
    button.addEventListener("click", async () => {
      if (loading) return;
      loading = true;
      button.setAttribute("aria-busy", "true");
      status.textContent = "";
      try {
        try {
          if (!entry) button.textContent = "Loading the interactive view…";
          entry = await interactive();
        } catch (error) {
          unavailable(error);
          return;
        }
        if (!added) {
          button.textContent = "Loading the second hop…";
          try {
            added = await secondHop(data);
          } catch (error) {
            status.textContent = `The second hop could not be loaded (${error.message}).`;
            return;
          }
          entry.nodes.add(added.nodes);
          entry.edges.add(added.edges.map((edge, index) => ({ id: `h${index}`, ...edge, fullLabel: edge.label, label: "" })));
          entry.labels.rank([...data.edges, ...added.edges]);
          status.textContent = `Added ${added.nodes.length} entities two relations away and ${added.edges.length} relations.`;
        }
        entry.wide.on = !entry.wide.on;
        entry.view.refresh();
        button.setAttribute("aria-pressed", String(entry.wide.on));
        figure.setAttribute("data-hops", entry.wide.on ? "2" : "1");
        refit(entry.network);
      } finally {
        loading = false;
        button.removeAttribute("aria-busy");
        button.textContent = entry && entry.wide.on ? "Show one hop" : "Show two hops";
      }
    });
    place(button);
  }
  place(status);
  return done;
}

function fail(figure, message) {
  figure.append(el("p", { className: "pg-network-error", textContent: message }));
  figure.setAttribute("data-ready", "error");
}

/* A figure's network once its file is here: an ego network sketched at once, vis-network
 * fetched when the reader asks for it; any other network drawn by vis-network now. */
async function show(figure) {
  let data;
  try {
    data = await fetchJson(new URL(figure.dataset.src, document.baseURI).href);
  } catch (error) {
    fail(figure, `The network could not be loaded (${error.message}).`);
    return;
  }
  const canvas = figure.querySelector(".pg-network-canvas");
  let drawing = null;
  let done = () => {};  // the controls' own tidying once the interactive view is drawn
  const interactive = () => {
    if (!drawing) {
      drawing = loadVis().then((vis) => {
        const entry = drawInteractive(vis, figure, data);
        done();
        return entry;
      });
      drawing.catch(() => { drawing = null; });
    }
    return drawing;
  };
  const sketched = sketchable(data);
  if (sketched) {
    sketch(canvas, data, (url) => window.location.assign(new URL(url, document.baseURI).href));
    canvas.removeAttribute("tabindex");  // nothing to do there by keyboard: its buttons are the stops
    figure.setAttribute("data-ready", "static");
  }
  done = controls(figure, data, interactive, sketched);
  if (sketched) return;
  try {
    await interactive();
  } catch (error) {
    fail(figure, `The network could not be loaded (${error.message}).`);
  }
}

let watching = null;

/* Every ego or theme network of the page not drawn yet, each once it comes within a
 * screen of the view: a reader who does not scroll to it does not fetch its data. */
export function drawFigures() {
  state.networks = [];
  if (watching) watching.disconnect();
  const figures = [...document.querySelectorAll("figure.pg-network[data-src]:not([data-ready])")];
  if (!figures.length) return;
  if (!("IntersectionObserver" in window)) {
    figures.forEach(show);
    return;
  }
  watching = new IntersectionObserver((entries) => {
    const near = entries.filter((entry) => entry.isIntersecting).map((entry) => entry.target);
    near.forEach((figure) => { watching.unobserve(figure); figure.setAttribute("data-ready", "loading"); show(figure); });
  }, { rootMargin: "100% 0px" });
  figures.forEach((figure) => watching.observe(figure));
}
