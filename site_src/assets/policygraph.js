/* policygraph: draws the networks of a page with vis-network.
 * Network data sits in the page as inert JSON (<script type="application/json">) or is
 * fetched from data-src; all text reaches the page through textContent, never innerHTML.
 * Runs on every page change of mkdocs-material's instant navigation (document$). */
(function () {
  "use strict";

  var state = { networks: [] };
  window.policygraph = state;

  function tooltip(text) {
    var element = document.createElement("div");
    element.className = "pg-tooltip";
    element.textContent = text;
    return element;
  }

  function isDark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  function draw(figure, data) {
    var canvas = figure.querySelector(".pg-network-canvas");
    var nodes = new vis.DataSet(data.nodes.map(function (node) {
      return Object.assign({}, node, { title: tooltip(node.title || node.label) });
    }));
    var edges = new vis.DataSet(data.edges.map(function (edge, index) {
      return Object.assign({ id: "e" + index }, edge, { title: tooltip(edge.title || edge.label) });
    }));
    var options = Object.assign({}, data.options || {});
    var fontColor = isDark() ? "#e6e6e6" : "#222222";
    options.nodes = Object.assign({}, options.nodes, { font: Object.assign({}, (options.nodes || {}).font, { color: fontColor }) });
    options.edges = Object.assign({}, options.edges, {
      font: Object.assign({}, (options.edges || {}).font, { color: fontColor, strokeWidth: 0 })
    });
    var network = new vis.Network(canvas, { nodes: nodes, edges: edges }, options);
    network.on("click", function (params) {
      if (!params.nodes.length) return;
      var node = nodes.get(params.nodes[0]);
      if (node && node.url) window.location.assign(new URL(node.url, document.baseURI).href);
    });
    canvas.addEventListener("keydown", function (event) {
      var selected = network.getSelectedNodes();
      if (event.key === "Enter" && selected.length) {
        var node = nodes.get(selected[0]);
        if (node && node.url) window.location.assign(new URL(node.url, document.baseURI).href);
      }
    });
    figure.setAttribute("data-ready", "true");
    state.networks.push({ figure: figure, network: network, nodes: nodes, edges: edges });
  }

  function fail(figure, message) {
    var note = document.createElement("p");
    note.className = "pg-network-error";
    note.textContent = message;
    figure.appendChild(note);
    figure.setAttribute("data-ready", "error");
  }

  function mountModule(id, what) {
    var root = document.getElementById(id);
    if (!root || root.getAttribute("data-ready")) return;
    import(new URL(root.dataset.script, document.baseURI).href)
      .then(function (module) { return module.mount(root); })
      .catch(function (error) {
        var note = document.createElement("p");
        note.className = "pg-network-error";
        note.setAttribute("role", "alert");
        note.textContent = "The " + what + " could not start: " + error.message;
        root.appendChild(note);
        root.setAttribute("data-ready", "error");
      });
  }

  function init() {
    mountModule("pg-query", "query page");
    mountModule("pg-explorer", "explorer");
    mountModule("pg-timeline", "timeline");
    state.networks = [];
    if (typeof vis === "undefined") return;
    document.querySelectorAll("figure.pg-network").forEach(function (figure) {
      if (figure.getAttribute("data-ready")) return;
      var inline = figure.querySelector("script.pg-network-data");
      if (inline) {
        draw(figure, JSON.parse(inline.textContent));
      } else if (figure.dataset.src) {
        fetch(new URL(figure.dataset.src, document.baseURI).href)
          .then(function (response) {
            if (!response.ok) throw new Error("HTTP " + response.status);
            return response.json();
          })
          .then(function (data) { draw(figure, data); })
          .catch(function (error) { fail(figure, "The network could not be loaded (" + error.message + ")."); });
      }
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
