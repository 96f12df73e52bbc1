// Pieces shared by the views: entity links, chips, score bars, contact blocks, the
// loading line and the error panel.

import { ApiError, isStaff } from "./api.js";
import { entityHref, fmtNumber, h } from "./dom.js";
import { statusText } from "./forms.js";
import { apiMessage, enumLabel, getLang, nameOf, onlyOtherLanguage, t } from "./i18n.js";

export function entityLink(ref, attrs = {}) {
  if (!ref) return "–";
  const other = onlyOtherLanguage(ref);
  return h("a", { href: entityHref(ref.id), class: "entity-link", ...attrs,
                  lang: other ? (other === "en" ? "en" : "zh-CN") : null },
  nameOf(ref), langMark(other));
}

/** A small marker after text that exists only in the other language ("en" / "zh"). */
export function langMark(other) {
  if (!other) return null;
  return h("abbr", { class: "lang-mark", title: t(other === "en" ? "lang.onlyEn" : "lang.onlyZh") },
    t(other === "en" ? "lang.markEn" : "lang.markZh"));
}

/** Text that is data in one language (an English note, a deal name): marked as such in
 * the other interface language. `language` is "en" or "zh". */
export function dataText(text, language, tag = "span", attrs = {}) {
  const other = language !== getLang() ? language : null;
  return h(tag, { ...attrs, class: ["data", attrs.class], lang: language === "en" ? "en" : "zh-CN" },
    text, other ? " " : null, langMark(other));
}

export function chip(text, kind = "") {
  return h("span", { class: ["chip", kind] }, text);
}

export function labelChip(label) {
  return chip(enumLabel("label", label), `chip-${String(label).toLowerCase()}`);
}

/** A score in [0, 1] as the API and the CLI print it (0.735 → "0.74"). */
export function fmtScore(value, digits = 2) {
  return Number(value || 0).toLocaleString(getLang() === "en" ? "en-US" : "zh-CN",
    { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A labelled bar for a value in [0, 1]. */
export function scoreBar(label, value, note = null, extra = null) {
  const clamped = Math.max(0, Math.min(1, value || 0));
  const pct = Math.round(clamped * 100);
  return h("div", { class: "score-row" },
    h("span", { class: "score-label" }, label),
    h("span", { class: "meter", role: "img", "aria-label": `${label} ${fmtScore(clamped)}` },
      h("span", { class: "meter-fill", style: `width:${pct}%` })),
    h("span", { class: "score-value" }, fmtScore(clamped)),
    extra ? h("span", { class: "score-weight" }, extra) : null,
    note ? h("span", { class: "score-note" }, note) : null);
}

export function loading() {
  return h("p", { class: "loading", role: "status" }, t("common.loading"));
}

/** An API sentence: translated when it is a known phrase, else marked as English. */
function problemText(detail) {
  const translated = apiMessage(detail);
  return translated !== detail ? h("p", {}, translated) : dataText(detail, "en", "p");
}

export function errorPanel(error, retry) {
  const network = error instanceof ApiError && error.status === 0;
  const detail = network ? null : error instanceof ApiError ? error.problem?.detail : null;
  return h("section", { class: "panel error-panel", role: "alert" },
    h("h2", {}, error instanceof ApiError ? statusText(error) : t("common.error")),
    detail ? problemText(String(detail)) : null,
    retry ? h("button", { type: "button", onclick: retry }, t("common.retry")) : null);
}

/**
 * A person's contact details (staff mode only; in public mode nothing at all is
 * rendered, not even an empty section). `person` is a PersonOut (with `contact`) or an
 * entity (with email/phone/wechat).
 */
export function contactDetails(person) {
  if (!isStaff() || !person) return null;
  const source = person.contact || person;
  const rows = ["email", "phone", "wechat"]
    .filter((name) => source[name])
    .map((name) => h("div", { class: "contact-row" },
      h("dt", {}, t(`prop.${name}`)),
      h("dd", {}, name === "email"
        ? h("a", { href: `mailto:${source[name]}` }, source[name])
        : name === "phone" ? h("a", { href: `tel:${source[name]}` }, source[name])
          : source[name])));
  return rows.length ? h("dl", { class: "contact" }, rows) : null;
}

export function roles(person) {
  return (person.roles || []).map((role) => chip(enumLabel("role", role), "chip-role"));
}

/** Replace `node`'s content with the result of `work()`, showing loading and errors. */
export async function fill(node, work, retry) {
  node.replaceChildren(loading());
  try {
    const content = await work();
    node.replaceChildren(...[content].flat().filter(Boolean));
  } catch (error) {
    if (error?.name === "AbortError") return;
    console.error(error);
    node.replaceChildren(errorPanel(error, retry));
  }
}

/**
 * A table whose column headers sort it (click or Enter; again for the other order).
 * `columns`: [{key (i18n), value(row) for sorting, cell(row) to show, num}].
 */
export function sortableTable({ caption, columns, rows, className = "", rowClass = () => null }) {
  let order = { index: -1, dir: 1 };
  const body = h("tbody");
  const heads = columns.map((column, index) => {
    const button = h("button", { type: "button", class: "sort", title: t("rank.sortBy") }, t(column.key));
    const th = h("th", { scope: "col", "aria-sort": "none", class: column.num ? "num" : null }, button);
    button.addEventListener("click", () => {
      order = { index, dir: order.index === index ? -order.dir : 1 };
      heads.forEach((other, i) => other.setAttribute("aria-sort",
        i !== index ? "none" : order.dir > 0 ? "ascending" : "descending"));
      fillBody();
    });
    return th;
  });
  const fillBody = () => {
    const sorted = [...rows];
    if (order.index >= 0) {
      const { value } = columns[order.index];
      sorted.sort((a, b) => {
        const x = value(a);
        const y = value(b);
        const cmp = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return cmp * order.dir;
      });
    }
    body.replaceChildren(...sorted.map((row) => h("tr", { class: rowClass(row) },
      columns.map((column, i) => (i === 0
        ? h("th", { scope: "row" }, column.cell(row))
        : h("td", { class: column.num ? "num" : null }, column.cell(row)))))));
  };
  fillBody();
  return h("div", { class: "table-scroll" }, h("table", { class: ["sortable", className] },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, heads)), body));
}
