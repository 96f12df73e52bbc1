// Explorable graphs: cytoscape.js with the dagre layered layout (both vendored from npm
// by tools/vendor_web.sh). Path explanations and entity neighbourhoods start small;
// people zoom and pan, click a node to see it, expand its neighbours (GET
// /v1/entities/{id}/neighbours), hide it or pin it where it is. Every action also has a
// button in the node list under the drawing, so the graph works from the keyboard.
//
// Layers: the layout runs on edges oriented away from the root (hop order) so columns
// read left to right from the origin; the arrow drawn is the relationship's real
// direction. Labels are whole names (wrapped), never the same truncated text twice.

import cytoscape from "./vendor/cytoscape.esm.min.js";
import dagre from "./vendor/cytoscape-dagre.esm.min.js";
import { api } from "./api.js";
import { entityHref, h } from "./dom.js";
import { enumLabel, nameOf, t } from "./i18n.js";

cytoscape.use(dagre);

const KIND = {
  City: ["#0b5cad", "round-rectangle"], Park: ["#1f7a4d", "ellipse"],
  Industry: ["#7b3fa0", "diamond"], Policy: ["#a15c00", "round-tag"],
  Person: ["#b3261e", "ellipse"], Organization: ["#5b6575", "hexagon"],
  Company: ["#00707a", "round-rectangle"], Skill: ["#6b5b00", "round-triangle"],
  Referral: ["#37474f", "barrel"],
};
const EXPAND_LIMIT = 16;
const LABEL_CHARS = 34;
const MIN_READABLE_ZOOM = 0.8;
const MAX_FIT_ZOOM = 1.2;

const EDGE_FONT = 12;
const measure = document.createElement("canvas").getContext("2d");

function textWidth(text, size) {
  measure.font = `${size}px system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif`;
  return measure.measureText(text).width;
}

function display(name, max = LABEL_CHARS) {
  const chars = [...name];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : name;
}

/** Nodes and edges of explanation paths ({nodes, rel_types, forward}). */
export function fromPaths(paths) {
  const nodes = new Map();
  const edges = [];
  for (const path of paths) {
    for (const node of path.nodes) if (!nodes.has(node.id)) nodes.set(node.id, node);
    path.rel_types.forEach((type, i) => {
      const a = path.nodes[i].id;
      const b = path.nodes[i + 1].id;
      const [source, target] = path.forward[i] === false ? [b, a] : [a, b];
      edges.push({ source, target, type });
    });
  }
  return { nodes: [...nodes.values()], edges };
}

/** Hop distance of every node from `root`, direction ignored. */
function hops(cy, root) {
  const out = new Map([[root, 0]]);
  const queue = [root];
  while (queue.length) {
    const id = queue.shift();
    for (const edge of cy.getElementById(id).connectedEdges()) {
      const other = edge.data("from") === id ? edge.data("to") : edge.data("from");
      if (!out.has(other)) {
        out.set(other, out.get(id) + 1);
        queue.push(other);
      }
    }
  }
  return out;
}

function style() {
  return [
    { selector: "node", style: {
      "background-color": "data(color)", shape: "data(shape)", width: 22, height: 22,
      label: "data(text)", "text-valign": "bottom", "text-halign": "center", "text-margin-y": 4,
      "text-wrap": "wrap", "text-max-width": 120, "font-size": 14, color: "#1d2430",
      "text-background-color": "#ffffff", "text-background-opacity": 0.85,
      "text-background-padding": 1, "border-width": 2, "border-color": "#ffffff",
      "min-zoomed-font-size": 0,
    } },
    { selector: "node.root", style: { width: 30, height: 30, "border-color": "#1d2430" } },
    { selector: "node.pinned", style: { "border-color": "#ffbf47", "border-width": 4 } },
    { selector: "node:selected", style: { "overlay-color": "#ffbf47", "overlay-opacity": 0.35,
                                          "overlay-padding": 6 } },
    { selector: "edge", style: {
      width: 1.5, "line-color": "#8a94a6", "curve-style": "bezier",
      "target-arrow-shape": "data(targetArrow)", "source-arrow-shape": "data(sourceArrow)",
      "target-arrow-color": "#8a94a6", "source-arrow-color": "#8a94a6", "arrow-scale": 0.9,
      label: "data(text)", "font-size": EDGE_FONT, color: "#3d4757", "text-wrap": "wrap",
      "text-background-color": "#f5f6f8", "text-background-opacity": 1,
      "text-background-padding": 2, "text-background-shape": "round-rectangle",
      "min-zoomed-font-size": 0,
    } },
  ];
}

function nodeData(node, root) {
  const [color, shape] = KIND[node.label] || ["#5b6575", "ellipse"];
  const name = nameOf(node);
  return { group: "nodes", classes: node.id === root ? "root" : "",
           data: { id: node.id, kind: node.label, name, text: display(name), color, shape,
                   name_zh: node.name_zh, name_en: node.name_en } };
}

function edgeKey(edge) {
  return `${edge.source}|${edge.target}|${edge.type}`;
}

/**
 * An explorable graph in a <figure>: `graph` = {nodes, edges} (see fromPaths), `root` the
 * node the layers start from, `edgeNote(source, target, type)` an extra line under an
 * edge label. The drawing starts when the figure first becomes visible.
 */
export function graphView(graph, { root, title, edgeNote, height = 340, expandable = true,
                                   caption = true } = {}) {
  const box = h("div", { class: "cy", style: `height:${height}px`, role: "img",
                         "aria-label": title || t("graph.title") });
  const info = h("div", { class: "graph-info", "aria-live": "polite" },
    h("p", { class: "muted small" }, t("graph.hint")));
  const list = h("ul", { class: "graph-nodes" });
  const hiddenButton = h("button", { type: "button", class: "small ghost", hidden: true },
    t("graph.showHidden", { n: 0 }));
  const legend = h("p", { class: "graph-legend small" });
  const listBox = h("details", { class: "graph-list" },
    h("summary", {}, t("graph.nodeList")), list);
  const tools = h("div", { class: "graph-tools", role: "toolbar", "aria-label": t("graph.tools") });
  const figure = h("figure", { class: "graph-view" },
    title && caption ? h("figcaption", {}, title) : null, tools, box, info, legend, listBox);
  let cy = null;
  const start = root || graph.nodes[0]?.id;

  const addEdges = (edges) => {
    const hop = hops(cy, start);
    for (const edge of edges) {
      const id = edgeKey(edge);
      if (cy.getElementById(id).nonempty()) continue;
      if (cy.getElementById(edge.source).empty() || cy.getElementById(edge.target).empty()) continue;
      // A second relationship between the same two nodes joins the first edge's label.
      const twin = cy.getElementById(edge.source).edgesWith(cy.getElementById(edge.target));
      if (twin.nonempty()) {
        const first = twin[0];
        const types = first.data("types") || [first.data("type")];
        if (!types.includes(edge.type)) {
          first.data({ types: [...types, edge.type],
                       text: [...types, edge.type].map((type) => enumLabel("rel", type)).join(" · ") });
        }
        continue;
      }
      // Lay out away from the root; draw the arrow the way the relationship points.
      const away = (hop.get(edge.source) ?? 99) <= (hop.get(edge.target) ?? 99);
      const note = edgeNote ? edgeNote(edge.source, edge.target, edge.type) : null;
      cy.add({ group: "edges", data: {
        id, type: edge.type, from: edge.source, to: edge.target,
        source: away ? edge.source : edge.target, target: away ? edge.target : edge.source,
        targetArrow: away ? "triangle" : "none", sourceArrow: away ? "none" : "triangle",
        text: note ? `${enumLabel("rel", edge.type)}\n${note}` : enumLabel("rel", edge.type),
      } });
      hop.set(edge.target, Math.min(hop.get(edge.target) ?? 99, (hop.get(edge.source) ?? 98) + 1));
    }
  };

  /** The gap between layers must hold the widest edge label, whichever way the
   * neighbouring columns' labels push the edge's midpoint (dagre knows only nodes). */
  const rankGap = () => {
    const widest = Math.max(0, ...cy.edges(":visible").map((edge) =>
      Math.max(...String(edge.data("text")).split("\n").map((line) => textWidth(line, EDGE_FONT)))));
    return Math.max(60, widest + 64);
  };

  const layout = () => new Promise((resolve) => {
    const run = cy.elements(":visible").layout({
      name: "dagre", rankDir: "LR", nodeSep: 22, rankSep: rankGap(), edgeSep: 10,
      nodeDimensionsIncludeLabels: true, animate: false, fit: false,
    });
    // after the layout is drawn, when edge label positions are known
    run.one("layoutstop", () => requestAnimationFrame(() => { declutter(); resolve(); }));
    run.run();
  });

  /** Move an edge label that lands on a node or another label along the edge's normal
   * (a few tries each side); node positions are never touched. */
  const declutter = () => {
    const box = (ele, opts) => ele.boundingBox({ includeOverlays: false, ...opts });
    const hit = (a, b) => a.x1 < b.x2 - 1 && b.x1 < a.x2 - 1 && a.y1 < b.y2 - 1 && b.y1 < a.y2 - 1;
    const fixed = [];
    cy.nodes(":visible").forEach((node) => {
      fixed.push(box(node, { includeLabels: false }));
      fixed.push(box(node, { includeNodes: false, includeEdges: false, includeLabels: true }));
    });
    const labelOf = (edge) => box(edge, { includeNodes: false, includeEdges: false, includeLabels: true });
    cy.edges(":visible").forEach((edge) => {
      edge.removeStyle("label");
      const tries = [0, -16, 16, -30, 30, -44, 44, -58, 58];
      const free = tries.find((dy) => {
        edge.style("text-margin-y", dy);
        const b = labelOf(edge);
        return !fixed.some((other) => hit(b, other));
      });
      // No free place: the label is left out (the node list and tooltips still name it).
      if (free === undefined) edge.style({ "text-margin-y": 0, label: "" });
      else fixed.push(labelOf(edge));
    });
  };

  /** Fit the drawing, but never below a readable zoom: then show the root's side. */
  const frame = () => {
    cy.fit(cy.elements(":visible"), 16);
    if (cy.zoom() > MAX_FIT_ZOOM) {
      cy.zoom(MAX_FIT_ZOOM);
      cy.center(cy.elements(":visible"));
    } else if (cy.zoom() < MIN_READABLE_ZOOM) {
      cy.zoom(MIN_READABLE_ZOOM);
      const node = cy.getElementById(start);
      const p = node.renderedPosition();
      cy.panBy({ x: 40 - p.x + node.renderedWidth(), y: box.clientHeight / 2 - p.y });
    }
  };

  const hiddenNodes = () => cy.nodes(".gone");

  const refreshList = () => {
    const gone = hiddenNodes().length;
    hiddenButton.hidden = gone === 0;
    hiddenButton.textContent = t("graph.showHidden", { n: gone });
    const kinds = new Set(cy.nodes().map((n) => n.data("kind")));
    legend.replaceChildren(...[...kinds].map((kind) => h("span", { class: "legend-item" },
      h("span", { class: "key", style: `background:${(KIND[kind] || ["#5b6575"])[0]}` }),
      enumLabel("label", kind))));
    list.replaceChildren(...cy.nodes().sort((a, b) => a.data("name").localeCompare(b.data("name")))
      .map((node) => nodeRow(node)));
    listBox.querySelector("summary").textContent = t("graph.nodeList", { n: cy.nodes().length });
  };

  const select = (node) => {
    cy.nodes().unselect();
    node.select();
    info.replaceChildren(h("p", {},
      h("strong", {}, enumLabel("label", node.data("kind"))), t("punct.colon"),
      h("a", { href: entityHref(node.id()), class: "entity-link" }, node.data("name"))),
    h("div", { class: "actions" }, nodeButtons(node)));
  };

  const nodeButtons = (node) => [
    expandable ? h("button", { type: "button", class: "small", dataset: { act: "expand" },
                               onclick: () => expand(node.id()) }, t("graph.expand")) : null,
    h("button", { type: "button", class: "small ghost", dataset: { act: "pin" },
                  "aria-pressed": String(node.locked()),
                  onclick: () => pin(node) }, node.locked() ? t("graph.unpin") : t("graph.pin")),
    node.id() === start ? null
      : h("button", { type: "button", class: "small ghost", dataset: { act: "hide" },
                      onclick: () => hide(node) }, t("graph.hide")),
    h("a", { class: "button small ghost", href: `#/path?${new URLSearchParams({ from: start, to: node.id() })}` },
      t("graph.pathTo")),
  ];

  function nodeRow(node) {
    return h("li", { dataset: { node: node.id() }, class: node.hasClass("gone") ? "gone" : "" },
      h("a", { href: entityHref(node.id()), class: "entity-link" }, node.data("name")),
      h("span", { class: "muted small" }, ` · ${enumLabel("label", node.data("kind"))} `),
      node.hasClass("gone")
        ? h("button", { type: "button", class: "small ghost", onclick: () => unhide(node) }, t("graph.unhide"))
        : nodeButtons(node));
  }

  async function expand(id) {
    const node = cy.getElementById(id);
    info.replaceChildren(h("p", { class: "muted small", role: "status" }, t("common.loading")));
    let found;
    try {
      found = await api.neighbours(id);
    } catch (error) {
      info.replaceChildren(h("p", { class: "card-error", role: "alert" }, t("graph.expandFailed")));
      return;
    }
    const fresh = found.items.filter((item) => cy.getElementById(item.node.id).empty());
    const kept = sampleByType(fresh, EXPAND_LIMIT);
    const near = node.position();
    for (const item of kept) {
      if (cy.getElementById(item.node.id).nonempty()) continue;
      cy.add({ ...nodeData(item.node, start), position: { x: near.x + 60, y: near.y } });
    }
    addEdges(found.items.map((item) => ({ source: item.relationship.source,
                                          target: item.relationship.target,
                                          type: item.relationship.type })));
    await layout();
    frame();
    refreshList();
    select(node);
    const shown = kept.length;
    const more = fresh.length - shown;
    info.append(h("p", { class: "muted small", role: "status" }, shown
      ? t(more > 0 ? "graph.expandedMore" : "graph.expanded", { n: shown, m: more })
      : t("graph.nothingNew")));
  }

  function pin(node) {
    if (node.locked()) node.unlock().removeClass("pinned");
    else node.lock().addClass("pinned");
    refreshList();
    select(node);
  }

  function hide(node) {
    node.addClass("gone").style("display", "none");
    refreshList();
    info.replaceChildren(h("p", { class: "muted small" }, t("graph.hidden", { n: node.data("name") })));
  }

  function unhide(node) {
    node.removeClass("gone").style("display", "element");
    refreshList();
  }

  hiddenButton.addEventListener("click", () => {
    hiddenNodes().forEach((node) => node.removeClass("gone").style("display", "element"));
    refreshList();
  });

  const tool = (key, action) => h("button", { type: "button", class: "small ghost", onclick: action,
                                               "aria-label": t(`${key}Label`) }, t(key));
  tools.append(
    tool("graph.zoomIn", () => cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: centre() })),
    tool("graph.zoomOut", () => cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: centre() })),
    tool("graph.fit", () => cy.fit(cy.elements(":visible"), 16)),
    tool("graph.relayout", async () => { await layout(); frame(); }),
    hiddenButton);
  const centre = () => ({ x: box.clientWidth / 2, y: box.clientHeight / 2 });

  const init = async () => {
    cy = cytoscape({
      container: box, style: style(), minZoom: 0.2, maxZoom: 3,
      boxSelectionEnabled: false, autoungrabify: false,
      elements: graph.nodes.map((node) => nodeData(node, start)),
    });
    box.cy = cy;
    addEdges(graph.edges);
    cy.on("tap", "node", (event) => select(event.target));
    cy.on("dbltap", "node", (event) => { if (expandable) expand(event.target.id()); });
    cy.on("dragfree", "node", (event) => { if (!event.target.locked()) pin(event.target); });
    await layout();
    frame();
    refreshList();
    box.dataset.ready = "true";
  };
  const watcher = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting) && !cy) {
      watcher.disconnect();
      init();
    }
  });
  watcher.observe(box);
  return figure;
}

/** Up to `limit` neighbours taken in turn from each kind of relationship, so a park with
 * forty brokers still shows its city, industries and policies. */
export function sampleByType(items, limit) {
  const groups = new Map();
  for (const item of items) {
    const key = `${item.relationship.type}|${item.direction}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  const out = [];
  for (let round = 0; out.length < limit; round += 1) {
    let added = false;
    for (const members of groups.values()) {
      if (members[round] && out.length < limit) {
        out.push(members[round]);
        added = true;
      }
    }
    if (!added) break;
  }
  return out;
}
