// Drawings: explanation path graphs laid out by hop, the corridor map placed by
// longitude and latitude, and funnel charts. Plain SVG built with s(); every text goes
// through i18n; nodes link to entity pages.

import { entityHref, fmtNumber, s } from "./dom.js";
import { enumLabel, getLang, nameOf, t } from "./i18n.js";

const LABEL_CLASS = {
  City: "n-city", Park: "n-park", Industry: "n-industry", Policy: "n-policy",
  Person: "n-person", Skill: "n-skill", Organization: "n-org", Company: "n-company",
  Referral: "n-referral",
};
const LABEL_ORDER = ["City", "Park", "Industry", "Policy", "Person", "Organization",
                     "Company", "Skill", "Referral"];

function textWidth(text, size) {
  let width = 0;
  for (const ch of text) width += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? size : size * 0.56;
  return width;
}

function truncate(text, size, max) {
  if (textWidth(text, size) <= max) return text;
  let out = "";
  for (const ch of text) {
    if (textWidth(`${out + ch}…`, size) > max) break;
    out += ch;
  }
  return `${out}…`;
}

let markerCount = 0;

function arrowMarker(id) {
  return s("marker", { id, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7,
                       markerHeight: 7, orient: "auto-start-reverse" },
    s("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow" }));
}

/**
 * A graph of explanation paths (each {nodes: [{id, label, name_zh, name_en}],
 * rel_types, forward}), laid out in columns by hop distance from `root` (default: the
 * first node of the first path). Returns an <svg> sized to its content.
 * `edgeNote(source, target, type)` may add text under an edge label (e.g. minutes).
 */
export function pathGraph(paths, { root, title, edgeNote, colWidth = 130, rowHeight = 58 } = {}) {
  const nodes = new Map();
  const edges = new Map();
  const adjacent = new Map();
  for (const path of paths) {
    path.nodes.forEach((node) => {
      if (!nodes.has(node.id)) nodes.set(node.id, node);
      if (!adjacent.has(node.id)) adjacent.set(node.id, new Set());
    });
    path.rel_types.forEach((type, i) => {
      const a = path.nodes[i].id;
      const b = path.nodes[i + 1].id;
      const [source, target] = path.forward[i] === false ? [b, a] : [a, b];
      const key = `${source}|${target}|${type}`;
      if (!edges.has(key)) edges.set(key, { source, target, type });
      adjacent.get(a).add(b);
      adjacent.get(b).add(a);
    });
  }
  const start = root && nodes.has(root) ? root : paths[0]?.nodes[0]?.id;
  const hop = new Map([[start, 0]]);
  const queue = [start];
  while (queue.length) {
    const current = queue.shift();
    for (const next of adjacent.get(current) || []) {
      if (!hop.has(next)) {
        hop.set(next, hop.get(current) + 1);
        queue.push(next);
      }
    }
  }
  const columns = [];
  for (const [id, node] of nodes) {
    const column = hop.get(id) ?? 0;
    (columns[column] = columns[column] || []).push(node);
  }
  const rank = (node) => LABEL_ORDER.indexOf(node.label);
  columns.forEach((column) => column?.sort((a, b) => rank(a) - rank(b)
    || nameOf(a).localeCompare(nameOf(b))));
  const rows = Math.max(1, ...columns.map((c) => c?.length || 0));
  const pad = 16;
  const width = pad * 2 + Math.max(1, columns.length) * colWidth;
  const height = pad * 2 + rows * rowHeight;
  const place = new Map();
  columns.forEach((column, x) => {
    (column || []).forEach((node, y) => {
      const offset = (rows - column.length) * rowHeight / 2;
      place.set(node.id, { x: pad + x * colWidth + colWidth / 2,
                           y: pad + offset + y * rowHeight + rowHeight / 2 - 8 });
    });
  });
  const markerId = `arrow-${++markerCount}`;
  const svg = s("svg", { class: "graph", viewBox: `0 0 ${width} ${height}`, width,
                         height, role: "img", "aria-label": title || t("landing.why"),
                         style: `min-width:${Math.round(width * 0.72)}px` },
    s("title", {}, title || t("landing.why")),
    s("defs", {}, arrowMarker(markerId)));
  const r = 9;
  for (const edge of edges.values()) {
    const a = place.get(edge.source);
    const b = place.get(edge.target);
    if (!a || !b) continue;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const length = Math.hypot(dx, dy) || 1;
    const x1 = a.x + (dx / length) * r;
    const y1 = a.y + (dy / length) * r;
    const x2 = b.x - (dx / length) * (r + 2);
    const y2 = b.y - (dy / length) * (r + 2);
    const mx = (a.x + b.x) / 2;
    const my = (a.y + b.y) / 2;
    const note = edgeNote ? edgeNote(edge.source, edge.target, edge.type) : null;
    svg.append(s("g", { class: "edge", dataset: { type: edge.type } },
      s("line", { x1, y1, x2, y2, "marker-end": `url(#${markerId})` }),
      s("text", { x: mx, y: my - 4, class: "edge-label", "text-anchor": "middle" },
        enumLabel("rel", edge.type)),
      note ? s("text", { x: mx, y: my + 9, class: "edge-note", "text-anchor": "middle" }, note)
        : null));
  }
  for (const [id, node] of nodes) {
    const p = place.get(id);
    const name = nameOf(node);
    const kind = enumLabel("label", node.label);
    svg.append(s("a", { href: entityHref(id), class: ["node", LABEL_CLASS[node.label]],
                        "aria-label": `${kind}: ${name}` },
      s("title", {}, `${kind}: ${name}`),
      s("circle", { cx: p.x, cy: p.y, r: id === start ? r + 2 : r }),
      s("text", { x: p.x, y: p.y + r + 13, "text-anchor": "middle", class: "node-label" },
        truncate(name, 12, colWidth - 12)),
      s("text", { x: p.x, y: p.y + r + 25, "text-anchor": "middle", class: "node-kind" }, kind)));
  }
  return svg;
}

// ------------------------------------------------------------------ corridor map

function placeLabel(box, placed) {
  return !placed.some((o) => box.x < o.x + o.w && o.x < box.x + box.w
    && box.y < o.y + o.h && o.y < box.y + box.h);
}

/**
 * The corridor: cities by lon/lat, HSR links with minutes, parks as circles sized by
 * score. `parks` items: {id, name_zh, name_en, lat, lon, score, rank}.
 */
export function corridorMap({ cities, rail, parks = [], origin }) {
  const width = 900;
  const pad = { left: 50, right: 80, top: 40, bottom: 40 };
  const points = [...cities, ...parks].filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
  const lons = points.map((p) => p.lon);
  const lats = points.map((p) => p.lat);
  const [minLon, maxLon] = [Math.min(...lons), Math.max(...lons)];
  const [minLat, maxLat] = [Math.min(...lats), Math.max(...lats)];
  const kx = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const spanX = Math.max(0.01, (maxLon - minLon) * kx);
  const spanY = Math.max(0.01, maxLat - minLat);
  const scale = (width - pad.left - pad.right) / spanX;
  const height = Math.round(pad.top + pad.bottom + spanY * scale);
  const project = (p) => ({ x: pad.left + (p.lon - minLon) * kx * scale,
                            y: pad.top + (maxLat - p.lat) * scale });
  const byId = new Map(cities.map((c) => [c.id, { ...c, ...project(c) }]));
  const svg = s("svg", { class: "map", viewBox: `0 0 ${width} ${height}`, role: "img",
                         "aria-label": t("corridor.map"), preserveAspectRatio: "xMidYMid meet" },
    s("title", {}, t("corridor.map")),
    s("desc", {}, t("corridor.mapDesc")),
    s("rect", { x: 0, y: 0, width, height, class: "map-bg", rx: 8 }));
  // Labels avoid each other and the city marks; parks sit underneath everything.
  const placed = [...byId.values()].map((c) => ({ x: c.x - 6, y: c.y - 6, w: 12, h: 12 }));
  const marks = s("g", { class: "parks" });
  for (const park of [...parks].sort((a, b) => (b.score || 0) - (a.score || 0))) {
    if (!Number.isFinite(park.lat) || !Number.isFinite(park.lon)) continue;
    const p = project(park);
    const radius = 4 + 14 * Math.max(0, Math.min(1, park.score || 0));
    const score = fmtNumber((park.score || 0) * 100, getLang());
    marks.append(s("a", { href: entityHref(park.id), class: "park-mark", dataset: { park: park.id },
                          "aria-label": `${nameOf(park)} · ${t("common.score")} ${score}` },
      s("title", {}, `${park.rank ? `#${park.rank} ` : ""}${nameOf(park)} · ${t("common.score")} ${score}`),
      s("circle", { cx: p.x, cy: p.y, r: radius, class: park.rank && park.rank <= 3 ? "top" : "" }),
      park.rank && park.rank <= 3
        ? s("text", { x: p.x, y: p.y + 4, "text-anchor": "middle", class: "park-rank" }, park.rank)
        : null));
  }
  svg.append(marks);
  const links = s("g", { class: "rail" });
  const minuteLabels = s("g", { class: "rail-labels" });
  for (const link of rail) {
    const a = byId.get(link.a);
    const b = byId.get(link.b);
    if (!a || !b) continue;
    links.append(s("line", { class: "hsr", x1: a.x, y1: a.y, x2: b.x, y2: b.y },
      s("title", {}, `${nameOf(a)} – ${nameOf(b)}: ${t("common.minutes", { n: link.minutes })}`)));
    const text = t("common.minutes", { n: link.minutes });
    const w = textWidth(text, 11) + 4;
    const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const nx = -(b.y - a.y) / length;
    const ny = (b.x - a.x) / length;
    const candidates = [0.5, 0.35, 0.65].flatMap((f) => [10, -10].map((d) => ({
      x: a.x + (b.x - a.x) * f + nx * d, y: a.y + (b.y - a.y) * f + ny * d })));
    const boxOf = (c) => ({ x: c.x - w / 2, y: c.y - 8, w, h: 13 });
    const choice = candidates.find((c) => placeLabel(boxOf(c), placed)) || candidates[0];
    placed.push(boxOf(choice));
    minuteLabels.append(s("text", { x: choice.x, y: choice.y + 4, "text-anchor": "middle", class: "minutes" }, text));
  }
  svg.append(links);
  const labels = s("g", { class: "cities" });
  for (const city of byId.values()) {
    const isOrigin = city.id === origin;
    const name = nameOf(city);
    const size = 14;
    const w = textWidth(name, size) + 4;
    const options = [
      { x: city.x + 9, y: city.y - 7, anchor: "start" },
      { x: city.x + 9, y: city.y + 17, anchor: "start" },
      { x: city.x - 9, y: city.y - 7, anchor: "end" },
      { x: city.x - 9, y: city.y + 17, anchor: "end" },
      { x: city.x, y: city.y - 13, anchor: "middle" },
      { x: city.x, y: city.y + 25, anchor: "middle" },
    ];
    const boxOf = (o) => ({ x: o.anchor === "start" ? o.x : o.anchor === "end" ? o.x - w : o.x - w / 2,
                            y: o.y - size, w, h: size + 3 });
    const choice = options.find((o) => placeLabel(boxOf(o), placed)) || options[0];
    placed.push(boxOf(choice));
    labels.append(s("a", { href: entityHref(city.id), class: ["city", isOrigin && "origin"],
                           dataset: { city: city.id }, "aria-label": name },
      s("title", {}, `${enumLabel("label", "City")}: ${name}`),
      isOrigin ? s("circle", { cx: city.x, cy: city.y, r: 10, class: "origin-ring" }) : null,
      s("rect", { x: city.x - 4.5, y: city.y - 4.5, width: 9, height: 9, class: "city-dot" }),
      s("text", { x: choice.x, y: choice.y, "text-anchor": choice.anchor, class: "city-name" }, name)));
  }
  svg.append(labels, minuteLabels);
  const start = byId.get(origin);
  if (start) svg.dataset.originX = String(start.x / width);
  return svg;
}

// ------------------------------------------------------------------ funnel chart

export const FUNNEL_STAGES = ["proposed", "first_meeting", "second_meeting", "signed", "landed"];

/** A funnel: one centred bar per stage (width ∝ referrals that reached it), with the
 * conversion rate between stages. `compact` draws a small multiple. */
export function funnelChart(group, { compact = false, title } = {}) {
  const width = compact ? 260 : 560;
  const barH = compact ? 16 : 30;
  const gap = compact ? 12 : 20;
  const nameSize = compact ? 11 : 13;
  const labelW = Math.ceil(Math.max(...FUNNEL_STAGES.map((st) => textWidth(enumLabel("referral", st), nameSize)))) + 10;
  const total = Math.max(1, group.reached?.proposed || group.total || 0);
  const height = FUNNEL_STAGES.length * (barH + gap) + 4;
  const svg = s("svg", { class: ["funnel", compact && "compact"], viewBox: `0 0 ${width} ${height}`,
                         role: "img", "aria-label": title || t("funnel.chart") },
    s("title", {}, title || t("funnel.chart")));
  const lang = getLang();
  const area = width - labelW - 8;
  FUNNEL_STAGES.forEach((stage, i) => {
    const count = group.reached?.[stage] || 0;
    const w = count ? Math.max(3, (count / total) * area) : 0;
    const x = labelW + (area - w) / 2;
    const y = i * (barH + gap) + 2;
    const text = fmtNumber(count, lang);
    // A count that does not fit inside its bar sits beside it (readable at 0 and 1).
    const inside = w >= textWidth(text, nameSize) + 10;
    svg.append(s("g", { class: ["stage", `stage-${stage}`, !count && "zero"] },
      s("title", {}, `${enumLabel("referral", stage)}: ${count}`),
      s("text", { x: labelW - 6, y: y + barH / 2 + 4, "text-anchor": "end", class: "stage-name" },
        enumLabel("referral", stage)),
      count ? s("rect", { x, y, width: w, height: barH, rx: 3 })
        : s("line", { x1: labelW + area / 2, x2: labelW + area / 2, y1: y, y2: y + barH, class: "zero-mark" }),
      s("text", { x: inside ? labelW + area / 2 : labelW + area / 2 + w / 2 + 6, y: y + barH / 2 + 4,
                  "text-anchor": inside ? "middle" : "start",
                  class: ["stage-count", !inside && "outside"].filter(Boolean).join(" ") }, text)));
    const conversion = group.conversion?.[i];
    if (conversion && i < FUNNEL_STAGES.length - 1 && !compact) {
      const rate = conversion.rate === null ? "–" : `${fmtNumber(conversion.rate * 100, lang, 1)}%`;
      svg.append(s("text", { x: labelW + area / 2, y: y + barH + gap / 2 + 5, "text-anchor": "middle",
                             class: "stage-rate" }, `↓ ${t("funnel.rate", { r: rate })}`));
    }
  });
  return svg;
}
