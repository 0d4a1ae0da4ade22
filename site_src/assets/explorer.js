/* policygraph whole-graph explorer: every entity (above a size, the most connected) at
 * the position computed when the site was built (physics off), with filters by type,
 * predicate and time, a search box that focuses a node, and a switch that hides hub
 * nodes. An entity whose relations are not all drawn offers to add them, from its ego
 * network's file. Text reaches the page through textContent only. */

import { el } from "./dom.js";
import { edgeKey, fetchJson, foreignNodes, keepLabelsApart, loadVis, openOnActivate, revealLabels, state, themed, touchVeil, visEdges, visNodes } from "./network.js";

// The most connected entities labelled on the overview (those whose labels fit apart).
const EXPLORER_LABELS = 15;

class Explorer {
  constructor(root, data) {
    this.root = root;
    this.data = data;
    this.canvas = root.querySelector(".pg-network-canvas");
    this.form = root.querySelector(".pg-explorer-controls");
    this.hidden = new Set();
    this.hubThreshold = data.hub_degree || Infinity;
  }

  start(vis) {
    this.types = new Set(this.data.nodes.map((n) => n.group));
    this.predicates = new Set(this.data.edges.map((e) => e.predicate));
    this.undated = true;
    this.hideHubs = false;
    this.from = "0000";
    this.to = "9999";
    this.nodes = new vis.DataSet(visNodes(this.data));
    this.edges = new vis.DataSet(visEdges(this.data).map((e, i) => ({ id: `e${i}`, ...e })));
    this.nodeView = new vis.DataView(this.nodes, { filter: (node) => this.showNode(node) });
    this.edgeView = new vis.DataView(this.edges, { filter: (edge) => this.showEdge(edge) });
    const options = themed(this.data.options || {}, false);
    touchVeil(this.root, this.canvas);
    this.network = new vis.Network(this.canvas, { nodes: this.nodeView, edges: this.edgeView }, options);
    this.labels = keepLabelsApart(this.network, this.nodes, () => this.visible || new Set(this.nodeView.getIds()),
      EXPLORER_LABELS);
    revealLabels(this.network, this.nodes, this.edges, this.labels.placed);
    openOnActivate(this.network, this.nodes, this.canvas, (id) => this.offer(id));
    this.keys = new Set(this.data.edges.map(edgeKey));
    this.added = 0;
    this.buildControls();
    this.root.setAttribute("data-ready", "true");
    state.explorer = this;
    state.networks = [{ figure: this.root, network: this.network, nodes: this.nodes, edges: this.edges }];
  }

  // -- filters -----------------------------------------------------------------------

  showNode(node) {
    if (!this.types.has(node.group)) return false;
    if (this.hideHubs && node.value >= this.hubThreshold) return false;
    return true;
  }

  showEdge(edge) {
    if (!this.predicates.has(edge.predicate)) return false;
    if (this.visible && !(this.visible.has(edge.from) && this.visible.has(edge.to))) return false;
    if (!edge.t0) return this.undated;
    return edge.t1 >= this.from && edge.t0 <= this.to;
  }

  refresh() {
    this.nodeView.refresh();
    this.visible = new Set(this.nodeView.getIds());  // a hidden entity's relations are hidden with it
    this.edgeView.refresh();
    this.labels.place();
    const shown = this.nodeView.length;
    const links = this.edgeView.length;
    this.root.querySelector(".pg-explorer-count").textContent =
      `${shown.toLocaleString("en")} entities and ${links.toLocaleString("en")} relations shown`;
    this.root.setAttribute("data-visible-nodes", String(shown));
    this.root.setAttribute("data-visible-edges", String(links));
  }

  buildControls() {
    const predicates = [...new Map(this.data.edges.map((e) => [e.predicate, this.data.predicates[e.predicate]])).entries()].sort();
    const months = this.data.edges.filter((e) => e.t0).flatMap((e) => [e.t0.slice(0, 7), e.t1.slice(0, 7)]).sort();
    this.months = [...new Set(months)];

    const typeBox = this.form.querySelector(".pg-explorer-types");
    for (const item of this.data.legend) {
      const box = el("input", { type: "checkbox", checked: true, value: item.type, name: "type" });
      box.addEventListener("change", () => {
        box.checked ? this.types.add(item.type) : this.types.delete(item.type);
        this.refresh();
      });
      const swatch = el("span", { className: `pg-swatch pg-shape-${item.shape}` });
      swatch.style.background = item.color;
      typeBox.append(el("label", {}, [box, swatch, item.label]));
    }

    const select = this.form.querySelector(".pg-explorer-predicates");
    for (const [id, label] of predicates) select.append(el("option", { value: id, textContent: label, selected: true }));
    select.size = Math.min(8, predicates.length);
    select.addEventListener("change", () => {
      this.predicates = new Set([...select.selectedOptions].map((o) => o.value));
      this.refresh();
    });

    const [start, end] = this.form.querySelectorAll(".pg-explorer-range");
    const label = this.form.querySelector(".pg-explorer-period");
    const last = Math.max(0, this.months.length - 1);
    for (const input of [start, end]) {
      input.min = "0";
      input.max = String(last);
      input.disabled = !this.months.length;
    }
    start.value = "0";
    end.value = String(last);
    const update = () => {
      let a = Number(start.value);
      let b = Number(end.value);
      if (a > b) [a, b] = [b, a];
      const all = a === 0 && b === last;
      this.from = all ? "0000" : this.months[a];
      this.to = all ? "9999" : `${this.months[b]}-31`;
      label.textContent = this.months.length ? `${this.months[a]} → ${this.months[b]}` : "no dated relations";
      this.refresh();
    };
    start.addEventListener("input", update);
    end.addEventListener("input", update);
    label.textContent = this.months.length ? `${this.months[0]} → ${this.months[last]}` : "no dated relations";

    const undated = this.form.querySelector(".pg-explorer-undated");
    undated.addEventListener("change", () => { this.undated = undated.checked; this.refresh(); });
    const hubs = this.form.querySelector(".pg-explorer-hubs");
    hubs.parentElement.title = `Hide entities with ${this.hubThreshold} relations or more`;
    hubs.addEventListener("change", () => { this.hideHubs = hubs.checked; this.refresh(); });

    const search = this.form.querySelector(".pg-explorer-search");
    const list = this.form.querySelector("datalist");
    for (const node of [...this.data.nodes].sort((a, b) => a.name.localeCompare(b.name))) {
      list.append(el("option", { value: node.name }));
    }
    const find = () => {
      const wanted = search.value.trim().toLowerCase();
      if (!wanted) return;
      const node = this.data.nodes.find((n) => n.name.toLowerCase() === wanted)
        || this.data.nodes.find((n) => n.name.toLowerCase().includes(wanted));
      const status = this.form.querySelector(".pg-explorer-found");
      if (!node) {
        status.textContent = this.data.nodes.length < this.data.connected
          ? `No entity by that name among the ${this.data.nodes.length.toLocaleString("en")} shown: `
            + "the site search (press /) finds every entity's page."
          : "No entity by that name.";
        return;
      }
      if (!this.nodeView.get(node.id)) {
        this.types.add(node.group);
        this.hideHubs = false;
        hubs.checked = false;
        typeBox.querySelectorAll("input").forEach((box) => { if (box.value === node.group) box.checked = true; });
        this.refresh();
      }
      this.network.selectNodes([node.id]);
      this.network.focus(node.id, { scale: 1.4, animation: { duration: 300 } });
      this.root.setAttribute("data-focused", node.id);
      if (!this.offer(node.id)) {
        status.textContent = `${node.name}: press Enter on the graph, or click it, to open its page.`;
      }
    };
    search.addEventListener("change", find);
    search.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); find(); } });
    this.form.addEventListener("submit", (event) => { event.preventDefault(); find(); });
    this.refresh();
  }

  // -- relations not drawn ---------------------------------------------------------

  /* For an entity whose relations are not all drawn: select it and offer, in the status
   * line, its page and its missing relations. False for any other entity. */
  offer(id) {
    const node = this.nodes.get(id);
    if (!node || !node.more) return false;
    this.network.selectNodes([id]);
    const status = this.form.querySelector(".pg-explorer-found");
    // The same offer stays (the search field's change event repeats it as the button is clicked).
    if (status.dataset.offer === id && status.querySelector(".pg-explorer-expand")) return true;
    status.dataset.offer = id;
    const add = el("button", { type: "button", className: "md-button pg-explorer-expand",
      textContent: `Add its ${node.more.toLocaleString("en")} relations not drawn` });
    add.addEventListener("click", () => this.expand(id));
    status.replaceChildren(`${node.name}: `,
      el("a", { href: new URL(node.url, document.baseURI).href, textContent: "open its page" }), " or ", add);
    return true;
  }

  /* Add an entity's relations, and the entities at their other end, from its ego network
   * (one hop), around it. */
  async expand(id) {
    const node = this.nodes.get(id);
    const status = this.form.querySelector(".pg-explorer-found");
    let ego;
    try {
      ego = await fetchJson(new URL(node.expand, document.baseURI).href);
    } catch (error) {
      status.textContent = `The relations of ${node.name} could not be loaded (${error.message}).`;
      return;
    }
    const page = new URL(node.url, document.baseURI);  // the ego network's addresses are relative to it
    const centre = this.network.getPositions([id])[id];
    const fresh = ego.nodes.filter((n) => !this.nodes.get(n.id));
    const radius = Math.max(60, 40 / this.network.getScale()) + 6 * fresh.length;
    const items = new Map(foreignNodes(ego, page).map((n) => [n.id, n]));
    this.nodes.add(fresh.map((n, i) => ({
      ...items.get(n.id),
      x: Math.round(centre.x + radius * Math.cos((2 * Math.PI * i) / fresh.length)),
      y: Math.round(centre.y + radius * Math.sin((2 * Math.PI * i) / fresh.length)) })));
    const edges = ego.edges.filter((e) => this.nodes.get(e.from) && this.nodes.get(e.to) && !this.keys.has(edgeKey(e)));
    edges.forEach((e) => this.keys.add(edgeKey(e)));
    this.edges.add(visEdges({ ...ego, edges }).map((e) => ({ ...e, id: `x${this.added++}` })));
    for (const n of fresh) this.types.add(n.group);
    for (const e of edges) this.predicates.add(e.predicate);
    this.nodes.update({ id, more: 0 });
    this.refresh();
    delete status.dataset.offer;
    status.textContent = `Added ${fresh.length.toLocaleString("en")} entities and `
      + `${edges.length.toLocaleString("en")} relations around ${node.name}.`;
    this.root.setAttribute("data-expanded", `${id} ${fresh.length} ${edges.length}`);
  }
}

export async function mount(root) {
  if (root.getAttribute("data-ready")) return;
  const fetched = performance.now();
  const [vis, response] = await Promise.all([loadVis(), fetch(new URL(root.dataset.src, document.baseURI).href)]);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const data = await response.json();
  const started = performance.now();
  root.setAttribute("data-loaded-ms", String(Math.round(started - fetched)));
  const explorer = new Explorer(root, data);
  explorer.start(vis);
  explorer.network.once("afterDrawing", () => {
    root.setAttribute("data-drawn-ms", String(Math.round(performance.now() - started)));
  });
}
