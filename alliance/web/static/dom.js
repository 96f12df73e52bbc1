// Tiny DOM helpers: build elements without innerHTML (so data can never inject markup),
// format numbers, debounce.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function setProps(node, props, isSvg) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "dataset") {
      Object.assign(node.dataset, value);
    } else if (key === "class") {
      node.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
    } else if (!isSvg && (key === "value" || key === "checked" || key === "selected")) {
      node[key] = value;
    } else {
      node.setAttribute(key, value === true ? "" : String(value));
    }
  }
}

/** An HTML element: h("a", {href: "#/x", class: "link"}, "text", child, [more]). */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  setProps(node, props, false);
  return append(node, children);
}

/** An SVG element, same calling convention as h(). */
export function s(tag, props = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setProps(node, props, true);
  return append(node, children);
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function fmtNumber(value, lang, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "–";
  return Number(value).toLocaleString(lang === "en" ? "en-US" : "zh-CN", {
    maximumFractionDigits: digits,
  });
}

/** Money in CNY: 万 in Chinese (1,450,000 → 145 万元), plain in English. */
export function fmtCny(value, lang) {
  if (value === null || value === undefined) return "–";
  if (lang === "en") return `CNY ${fmtNumber(value, lang)}`;
  if (Math.abs(value) >= 10000) return `${fmtNumber(value / 10000, lang, 1)} 万元`;
  return `${fmtNumber(value, lang)} 元`;
}

export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A link to an entity page. */
export function entityHref(id) {
  return `#/entity/${encodeURIComponent(id)}`;
}
