/* An ego network drawn at once, without vis-network: the focus in the middle, its
 * neighbours around it on up to three rings, kinds side by side (each kind's colour and
 * shape as in the interactive view and the legend), relations as arrows (dashed when not
 * asserted as fact). A click on an entity opens its page. The reader asks for the
 * interactive view (vis-network, most of an entity page's weight) to move, zoom or add
 * the second hop. SVG elements are made from data through attributes and textContent only. */

const SVG = "http://www.w3.org/2000/svg";
const SHORT_LABEL = 28;  // characters of a name drawn beside its node, here and in the interactive view
const ALL_LABELS = 12;  // up to this many neighbours, every one may be named
export const LABELLED = 8;  // beyond, at most this many (in the interactive view too)
const CHAR_PX = 6.6;  // a character's width, roughly, at the drawing's font size
const MARGIN = 24;  // pixels kept free at the edges for the outer ring's shapes
const LABEL_ROOM = 90;  // pixels kept left and right for the names of the outer ring
let drawn = 0;  // drawings on the page, for their arrowheads' ids

function svg(tag, attributes = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

/* A name cut to `most` characters (an ellipsis last). */
export function short(name, most = SHORT_LABEL) {
  const chars = [...name];
  return chars.length <= most ? name : `${chars.slice(0, Math.max(most - 1, 1)).join("").trimEnd()}…`;
}

function isFocus(node) {
  return (node.borderWidth || 0) >= 3;
}

/* Node ids by importance, for the names drawn here and in the interactive view: the focus
 * first, then by value (the explorer's) or degree in `edges`, then by id. */
export function ranked(nodes, edges) {
  const degree = new Map();
  for (const edge of edges) {
    for (const end of [edge.from, edge.to]) degree.set(end, (degree.get(end) || 0) + 1);
  }
  const weight = (node) => (isFocus(node) ? Infinity : (node.value ?? degree.get(node.id) ?? 0));
  return [...nodes].sort((a, b) => weight(b) - weight(a) || String(a.id).localeCompare(String(b.id)))
    .map((node) => node.id);
}

export function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/* Whether a network file is an ego network (one entity drawn as its focus), the kind this
 * module draws. */
export function sketchable(data) {
  return Array.isArray(data.nodes) && data.nodes.filter(isFocus).length === 1;
}

/* The rings: how many neighbours each holds (more on the wider ones) and its radius as a
 * share of the room. */
function rings(count) {
  const shares = count <= 16 ? [1] : count <= 60 ? [0.62, 1] : [0.5, 0.75, 1];
  const total = shares.reduce((a, b) => a + b, 0);
  const sizes = shares.map((share) => Math.floor((count * share) / total));
  sizes[sizes.length - 1] += count - sizes.reduce((a, b) => a + b, 0);
  return shares.map((share, index) => ({ share, size: sizes[index] }));
}

/* Every node's position, in pixels of a width × height drawing. Neighbours in the
 * order of their kind then name round the focus, clockwise from the top, each kind a
 * sector across the rings. */
export function placeEgo(nodes, width, height) {
  const focus = nodes.find(isFocus);
  const others = nodes.filter((node) => node !== focus)
    .sort((a, b) => String(a.group).localeCompare(String(b.group)) || String(a.name).localeCompare(String(b.name)));
  const cx = width / 2;
  const cy = height / 2;
  const rx = Math.max(cx - MARGIN - LABEL_ROOM, 40);
  const ry = Math.max(cy - MARGIN, 40);
  const layout = rings(others.length);
  const members = layout.map(() => []);
  for (const node of others) {  // to the ring least filled for its size
    let best = -1;
    layout.forEach((ring, k) => {
      if (members[k].length < ring.size && (best < 0 || members[k].length / ring.size < members[best].length / layout[best].size)) best = k;
    });
    members[best].push(node);
  }
  const where = new Map([[focus.id, { x: cx, y: cy }]]);
  let spacing = Infinity;
  layout.forEach((ring, k) => {
    const ax = rx * ring.share;
    const ay = ry * ring.share;
    const perimeter = Math.PI * (3 * (ax + ay) - Math.sqrt((3 * ax + ay) * (ax + 3 * ay)));
    if (ring.size) spacing = Math.min(spacing, perimeter / ring.size);
    members[k].forEach((node, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * (i + 0.5 * k / layout.length)) / ring.size;
      where.set(node.id, { x: cx + ax * Math.cos(angle), y: cy + ay * Math.sin(angle) });
    });
  });
  return { where, radius: Math.max(3, Math.min(10, spacing / 2.6)) };
}

/* Which neighbours are named beside their node: the best connected (relations in the
 * file) whose names, as drawn, overlap no name kept before, up to all of a small network
 * and LABELLED of a larger one. The others show theirs on hover. */
function named(data, where, radius, focusId, width) {
  const others = data.nodes.filter((node) => node.id !== focusId);
  const most = others.length <= ALL_LABELS ? ALL_LABELS : LABELLED;
  const byId = new Map(others.map((node) => [node.id, node]));
  const kept = [label(where.get(focusId), data.nodes.find((node) => node.id === focusId).name, radius * 1.8, true, width)];
  const result = new Set();
  for (const id of ranked(others, data.edges)) {
    if (result.size >= most) break;
    const place = label(where.get(id), byId.get(id).name, radius, false, width);
    if (!kept.some((other) => overlaps(place, other))) {
      kept.push(place);
      result.add(id);
    }
  }
  return result;
}

/* Where a node's name goes: below the focus (and any node straight above or below the
 * middle), to the right of a node on the right half, to the left on the left half. */
function side(at, cx, focus) {
  return focus || Math.abs(at.x - cx) < 4 ? "middle" : at.x > cx ? "start" : "end";
}

/* A node's name as drawn, shortened to fit the drawing's width, and the box it takes,
 * roughly (CHAR_PX per character). */
function label(at, name, r, focus, width) {
  const cx = width / 2;
  const anchor = side(at, cx, focus);
  const room = anchor === "start" ? width - (at.x + r + 4) : anchor === "end" ? at.x - r - 4 : 2 * Math.min(at.x, width - at.x);
  const text = short(name, Math.min(SHORT_LABEL, Math.floor(room / CHAR_PX)));
  const size = [...text].length * CHAR_PX;
  const left = anchor === "start" ? at.x + r + 4 : anchor === "end" ? at.x - r - 4 - size : at.x - size / 2;
  const top = anchor === "middle" ? at.y + r + 1 : at.y - 8;
  return { text, anchor, left, right: left + size, top, bottom: top + 16 };
}

/* A node's shape (vis-network's name for it) centred on x, y. */
function shape(kind, x, y, r) {
  const points = (list) => svg("polygon", { points: list.map(([px, py]) => `${(x + px).toFixed(1)},${(y + py).toFixed(1)}`).join(" ") });
  switch (kind) {
    case "square":
    case "box":
      return svg("rect", { x: (x - r).toFixed(1), y: (y - r).toFixed(1), width: (2 * r).toFixed(1), height: (2 * r).toFixed(1) });
    case "diamond":
      return points([[0, -r * 1.3], [r * 1.3, 0], [0, r * 1.3], [-r * 1.3, 0]]);
    case "triangle":
      return points([[0, -r * 1.3], [r * 1.15, r * 0.75], [-r * 1.15, r * 0.75]]);
    case "star": {
      const list = [];
      for (let i = 0; i < 10; i += 1) {
        const a = -Math.PI / 2 + (Math.PI * i) / 5;
        const d = i % 2 ? r * 0.6 : r * 1.4;
        list.push([d * Math.cos(a), d * Math.sin(a)]);
      }
      return points(list);
    }
    default:
      return svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1) });
  }
}

/* An edge's path from one node to the other, bent by `bend` (a share of its length, to
 * the left of the pair's first node looking at the second; the same side whichever way the
 * edge points) and stopped short of the target's shape so that its arrowhead shows. */
function curve(from, to, forward, bend, gap) {
  const [a, b] = forward ? [from, to] : [to, from];
  const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const control = { x: (a.x + b.x) / 2 - ((b.y - a.y) / length) * bend * length,
                    y: (a.y + b.y) / 2 + ((b.x - a.x) / length) * bend * length };
  const back = Math.hypot(control.x - to.x, control.y - to.y) || 1;
  const end = { x: to.x + ((control.x - to.x) / back) * gap, y: to.y + ((control.y - to.y) / back) * gap };
  const f = (n) => n.toFixed(1);
  return `M${f(from.x)},${f(from.y)} Q${f(control.x)},${f(control.y)} ${f(end.x)},${f(end.y)}`;
}

/* Whether the straight line from a to b passes within `near` of c. */
function crosses(a, b, c, near) {
  if (!a || !b) return false;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = Math.max(0, Math.min(1, ((c.x - a.x) * dx + (c.y - a.y) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(a.x + t * dx - c.x, a.y + t * dy - c.y) < near;
}

/* Each edge's bend: none for a single relation with the focus, a slight one between two
 * neighbours (so that it does not cross the focus), and relations between the same two
 * entities spread apart. */
function bends(edges, focusId, where, radius) {
  const pairs = new Map();
  for (const edge of edges) {
    const key = [edge.from, edge.to].sort().join("\u0000");
    if (!pairs.has(key)) pairs.set(key, []);
    pairs.get(key).push(edge);
  }
  const result = new Map();
  for (const group of pairs.values()) {
    const base = group[0].from === focusId || group[0].to === focusId ? 0 : crosses(where.get(group[0].from), where.get(group[0].to), where.get(focusId), radius * 4) ? 0.3 : 0.08;
    group.forEach((edge, index) => result.set(edge, base + (index - (group.length - 1) / 2) * 0.25));
  }
  return result;
}

/* The drawing of an ego network's file (`data`, as published) in `canvas`: an SVG of the
 * canvas's size. A click on an entity calls `open` with its page's address (relative to
 * the focus's page, as in the file). */
export function sketch(canvas, data, open) {
  const width = Math.max(canvas.clientWidth, 240);
  const height = Math.max(canvas.clientHeight, 200);
  const { where, radius } = placeEgo(data.nodes, width, height);
  const groups = (data.options || {}).groups || {};
  const types = data.types || {};
  const predicates = data.predicates || {};
  const dashed = new Set(data.dashed || []);
  const drawing = svg("svg", { class: "pg-sketch", viewBox: `0 0 ${width} ${height}`, width: "100%", height: "100%",
                               "aria-hidden": "true", focusable: "false" });
  drawn += 1;
  const marker = svg("marker", { id: `pg-sketch-arrow-${drawn}`, viewBox: "0 0 10 10",
                                 refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "pg-sketch-arrow" }));
  const defs = svg("defs");
  defs.append(marker);
  drawing.append(defs);
  const focusId = data.nodes.find(isFocus).id;
  const labelled = named(data, where, radius, focusId, width);
  const bent = bends(data.edges, focusId, where, radius);
  const edgeLayer = svg("g", { class: "pg-sketch-edges" });
  for (const edge of data.edges) {
    const from = where.get(edge.from);
    const to = where.get(edge.to);
    if (!from || !to) continue;
    const verb = predicates[edge.predicate] || edge.predicate;
    const dates = edge.dates || edge.t0;
    const gap = edge.to === focusId ? radius * 1.8 + 3 : radius * 1.4 + 2;
    const item = svg("path", { d: curve(from, to, edge.from < edge.to, bent.get(edge), gap),
                               "marker-end": `url(#${marker.id})`, "data-status": edge.status });
    if (dashed.has(edge.status)) item.setAttribute("stroke-dasharray", "5 4");
    item.append(svg("title", {}, `${verb}${dates ? ` (${dates})` : ""} · ${edge.status}`));
    edgeLayer.append(item);
  }
  drawing.append(edgeLayer);
  const nodeLayer = svg("g", { class: "pg-sketch-nodes" });
  for (const node of data.nodes) {
    const at = where.get(node.id);
    const focus = isFocus(node);
    const r = focus ? radius * 1.8 : radius;
    const group = groups[node.group] || {};
    const item = svg("g", { class: focus ? "pg-sketch-node pg-sketch-focus" : "pg-sketch-node", "data-id": node.id });
    const body = shape(group.shape, at.x, at.y, r);
    body.setAttribute("fill", group.color || "#888888");
    item.append(body);
    const what = `${node.name} (${types[node.type || node.group] || node.group})`;
    item.append(svg("title", {}, node.summary ? `${what}\n${node.summary}` : what));
    const name = label(at, node.name, r, focus, width);
    const x = name.anchor === "start" ? name.left : name.anchor === "end" ? name.right : at.x;
    const y = name.anchor === "middle" ? at.y + r + 13 : at.y + 4;
    item.append(svg("text", { x: x.toFixed(1), y: y.toFixed(1), "text-anchor": name.anchor,
                              class: focus || labelled.has(node.id) ? "pg-sketch-label" : "pg-sketch-label pg-sketch-hover" }, name.text));
    if (node.url) item.addEventListener("click", () => open(node.url));
    nodeLayer.append(item);
  }
  drawing.append(nodeLayer);
  canvas.append(drawing);
  return drawing;
}
