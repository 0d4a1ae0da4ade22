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
    var wide = { on: false };
    var view = new vis.DataView(nodes, { filter: function (node) { return wide.on || node.hop !== 2; } });
    var network = new vis.Network(canvas, { nodes: view, edges: edges }, options);
    if (data.nodes.some(function (node) { return node.hop === 2; })) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button pg-network-widen";
      button.textContent = "Show two hops";
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        wide.on = !wide.on;
        view.refresh();
        button.textContent = wide.on ? "Show one hop" : "Show two hops";
        button.setAttribute("aria-pressed", String(wide.on));
        figure.setAttribute("data-hops", wide.on ? "2" : "1");
        network.fit();
      });
      figure.insertBefore(button, canvas);
    }
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
    state.networks.push({ figure: figure, network: network, nodes: nodes, edges: edges, view: view });
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

  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }

  function sortTable(table, index, header) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = rows.every(function (row) { return /^-?[\d,.]*$/.test(cellValue(row, index)); });
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var order = numeric ? (parseFloat(x.replace(/,/g, "")) || 0) - (parseFloat(y.replace(/,/g, "")) || 0)
                          : x.localeCompare(y, undefined, { sensitivity: "base", numeric: true });
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function enhanceTables() {
    document.querySelectorAll(".pg-table-tools:not([data-ready])").forEach(function (tools) {
      var table = tools.nextElementSibling;
      while (table && !table.matches("table")) table = table.querySelector("table") || table.nextElementSibling;
      if (!table || !table.tHead || !table.tBodies.length) return;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "pg-sort";
        button.textContent = th.textContent;
        button.title = "Sort by " + th.textContent;
        th.textContent = "";
        th.appendChild(button);
        button.addEventListener("click", function () { sortTable(table, index, th); });
      });
      var input = document.createElement("input");
      input.type = "search";
      input.className = "pg-filter";
      input.placeholder = "Filter…";
      input.setAttribute("aria-label", "Filter the table");
      var count = document.createElement("span");
      count.className = "pg-filter-count";
      count.setAttribute("role", "status");
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      input.addEventListener("input", function () {
        var wanted = input.value.trim().toLowerCase();
        var shown = 0;
        rows.forEach(function (row) {
          row.hidden = wanted !== "" && row.textContent.toLowerCase().indexOf(wanted) < 0;
          if (!row.hidden) shown += 1;
        });
        count.textContent = shown + " of " + rows.length;
      });
      tools.appendChild(input);
      tools.appendChild(count);
      tools.setAttribute("data-ready", "true");
    });
  }

  function enhanceRelations() {
    var tools = document.querySelector(".pg-relation-sort:not([data-ready])");
    if (!tools) return;
    tools.querySelectorAll("button").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.dataset.key;
        var lists = new Set();
        document.querySelectorAll("span.pg-rel").forEach(function (span) { lists.add(span.closest("ul")); });
        lists.forEach(function (list) {
          var items = Array.prototype.slice.call(list.children);
          items.sort(function (a, b) {
            var x = a.querySelector("span.pg-rel"), y = b.querySelector("span.pg-rel");
            var p = x ? x.dataset[key] : "", q = y ? y.dataset[key] : "";
            return key === "date" ? (q || "").localeCompare(p || "") : (p || "").localeCompare(q || "");
          });
          items.forEach(function (item) { list.appendChild(item); });
        });
        tools.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        tools.setAttribute("data-sorted", key);
      });
    });
    tools.setAttribute("data-ready", "true");
  }

  function init() {
    enhanceTables();
    enhanceRelations();
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
