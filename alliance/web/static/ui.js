// Pieces shared by the views: entity links, chips, score bars, contact blocks, the
// loading line and the error panel.

import { ApiError, isStaff } from "./api.js";
import { entityHref, fmtNumber, h } from "./dom.js";
import { statusText } from "./forms.js";
import { enumLabel, getLang, nameOf, t } from "./i18n.js";

export function entityLink(ref, attrs = {}) {
  if (!ref) return "–";
  return h("a", { href: entityHref(ref.id), class: "entity-link", ...attrs }, nameOf(ref));
}

export function chip(text, kind = "") {
  return h("span", { class: ["chip", kind] }, text);
}

export function labelChip(label) {
  return chip(enumLabel("label", label), `chip-${String(label).toLowerCase()}`);
}

/** A labelled bar for a value in [0, 1]. */
export function scoreBar(label, value, note = null, extra = null) {
  const pct = Math.round(Math.max(0, Math.min(1, value || 0)) * 100);
  return h("div", { class: "score-row" },
    h("span", { class: "score-label" }, label),
    h("span", { class: "meter", role: "img", "aria-label": `${label} ${pct}%` },
      h("span", { class: "meter-fill", style: `width:${pct}%` })),
    h("span", { class: "score-value" }, fmtNumber(pct, getLang())),
    extra ? h("span", { class: "score-weight" }, extra) : null,
    note ? h("span", { class: "score-note" }, note) : null);
}

export function loading() {
  return h("p", { class: "loading", role: "status" }, t("common.loading"));
}

export function errorPanel(error, retry) {
  const detail = error instanceof ApiError ? error.problem?.detail : error?.message;
  return h("section", { class: "panel error-panel", role: "alert" },
    h("h2", {}, error instanceof ApiError ? statusText(error) : t("common.error")),
    detail ? h("p", {}, String(detail)) : null,
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
