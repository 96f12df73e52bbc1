// Search: the instant-results box in the header, the full results page (#/search?q=),
// and the entity picker (a typeahead filling a hidden id field) used by the forms.

import { api, reference } from "../api.js";
import { debounce, entityHref, fmtNumber, h } from "../dom.js";
import { toParams } from "../params.js";
import { enumLabel, getLang, nameOf, t } from "../i18n.js";
import { fill, labelChip } from "../ui.js";

const DEBOUNCE_MS = 180;
const LABELS = ["City", "Park", "Industry", "Policy", "Person", "Organization", "Company", "Skill"];

function secondaryName(entity) {
  const other = nameOf(entity) === entity.name_zh ? entity.name_en : entity.name_zh;
  return other && other !== nameOf(entity) ? other : "";
}

/**
 * A combobox: typing searches (debounced, previous request aborted); arrows move through
 * the list; Enter picks; Escape closes. `onPick(entity)`; `onEnter(text)` when Enter is
 * pressed with nothing highlighted.
 */
function combobox(input, list, { labels, onPick, onEnter, limit = 8 }) {
  let items = [];
  let active = -1;
  let controller = null;
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    active = index;
    [...list.children].forEach((node, i) => node.setAttribute("aria-selected", String(i === index)));
    if (index >= 0 && list.children[index]) {
      input.setAttribute("aria-activedescendant", list.children[index].id);
      list.children[index].scrollIntoView({ block: "nearest" });
    }
  };
  const show = (found, text) => {
    items = found;
    list.replaceChildren(...(found.length ? found.map((hit, i) => h("li", {
      id: `${list.id}-opt-${i}`, role: "option", "aria-selected": "false", class: "suggestion",
      onmousedown: (event) => { event.preventDefault(); pick(i); },
    }, labelChip(hit.entity.label), h("span", { class: "s-name" }, nameOf(hit.entity)),
      h("span", { class: "s-other data" }, secondaryName(hit.entity))))
      : [h("li", { class: "suggestion empty", role: "option", "aria-disabled": "true" },
        t("search.none"))]));
    if (onEnter && found.length) {
      list.append(h("li", { class: "suggestion all", role: "option", id: `${list.id}-all`,
                            onmousedown: (event) => { event.preventDefault(); close(); onEnter(text); } },
        t("search.all")));
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  };
  const pick = (index) => {
    const hit = items[index];
    close();
    if (hit) onPick(hit.entity);
  };
  const lookup = debounce(async () => {
    const text = input.value.trim();
    controller?.abort();
    if (!text) {
      close();
      return;
    }
    controller = new AbortController();
    try {
      const found = await api.search(text, labels, limit, controller.signal);
      if (input.value.trim() === text) show(found.items, text);
    } catch (error) {
      if (error.name !== "AbortError") {
        list.replaceChildren(h("li", { class: "suggestion empty" }, t("common.error")));
        list.hidden = false;
      }
    }
  }, DEBOUNCE_MS);
  input.addEventListener("input", lookup);
  input.addEventListener("keydown", (event) => {
    const count = items.length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      if (list.hidden) list.hidden = false;
      highlight((active + 1) % count);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      highlight((active - 1 + count) % count);
    } else if (event.key === "Enter") {
      if (!list.hidden && active >= 0) {
        event.preventDefault();
        pick(active);
      } else if (onEnter) {
        event.preventDefault();
        close();
        onEnter(input.value.trim());
      } else {
        close();
      }
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 120));
  return { close };
}

/** The header search box. */
export function setupQuickSearch(form, navigate) {
  const input = form.querySelector("input");
  const list = form.querySelector("ul");
  combobox(input, list, {
    onPick: (entity) => {
      input.value = "";
      navigate("entity", new URLSearchParams(), entity.id);
    },
    onEnter: (text) => {
      if (text) navigate("search", toParams({ q: text }));
    },
  });
  form.addEventListener("submit", (event) => event.preventDefault());
}

/**
 * A typeahead that fills a hidden input `name` with an entity id: for forms (asker,
 * park, broker...). `value` is the initial id (its name is looked up).
 */
export function entityPicker(name, labelKey, { labels, value, placeholderKey } = {}) {
  const id = `pick-${name.replace(/\W+/g, "-")}-${Math.random().toString(36).slice(2, 7)}`;
  const hidden = h("input", { type: "hidden", name, value: value || "" });
  const input = h("input", { id, type: "text", autocomplete: "off", role: "combobox",
                             "aria-autocomplete": "list", "aria-expanded": "false",
                             "aria-controls": `${id}-list`, "aria-describedby": `${id}-error`,
                             placeholder: placeholderKey ? t(placeholderKey) : "" });
  const list = h("ul", { id: `${id}-list`, class: "suggestions", role: "listbox", hidden: true });
  const clearButton = h("button", { type: "button", class: "ghost small", hidden: !value,
                                    "aria-label": `${t("common.reset")} ${t(labelKey)}`,
                                    onclick: () => { hidden.value = ""; input.value = "";
                                                     clearButton.hidden = true; input.focus(); } },
    "×");
  if (value) {
    input.value = value;
    api.entity(value).then((entity) => { if (hidden.value === value) input.value = nameOf(entity); })
      .catch(() => {});
  }
  input.addEventListener("input", () => {
    hidden.value = "";
    clearButton.hidden = !input.value;
  });
  input.addEventListener("change", () => {
    // Free text that matches no pick is sent as typed, so the API can say it is unknown.
    if (input.value.trim() && !hidden.value) hidden.value = input.value.trim();
  });
  combobox(input, list, {
    labels,
    onPick: (entity) => {
      hidden.value = entity.id;
      input.value = nameOf(entity);
      clearButton.hidden = false;
    },
  });
  return h("div", { class: "field picker", dataset: { field: name } },
    h("label", { for: id }, t(labelKey)),
    h("div", { class: "picker-box" }, input, clearButton, list),
    hidden,
    h("p", { class: "field-error", id: `${id}-error`, role: "alert", hidden: true }));
}

/** #/search?q=text&label=Park */
export async function render(root, { params, navigate }) {
  const q = params.get("q") || "";
  const label = params.get("label") || "";
  const input = h("input", { id: "search-page-q", name: "q", type: "search", value: q,
                             maxlength: 200 });
  const select = h("select", { id: "search-page-label", name: "label" },
    h("option", { value: "" }, t("search.anyLabel")),
    LABELS.map((l) => h("option", { value: l, selected: l === label }, enumLabel("label", l))));
  const form = h("form", { class: "panel search-form", role: "search",
                           onsubmit: (event) => {
                             event.preventDefault();
                             navigate("search", toParams({ q: input.value.trim(), label: select.value }));
                           } },
    h("div", { class: "field" }, h("label", { for: "search-page-q" }, t("search.label")), input),
    h("div", { class: "field" }, h("label", { for: "search-page-label" }, t("search.filter")), select),
    h("button", { type: "submit", class: "primary" }, t("common.search")));
  const results = h("section", { class: "search-results", "aria-live": "polite" });
  root.append(h("h1", {}, t("search.heading")), form, results);
  if (!q) {
    results.append(h("p", { class: "muted" }, t("search.hint")));
    return;
  }
  const hitItem = (hit) => h("li", {},
    labelChip(hit.entity.label),
    h("a", { href: entityHref(hit.entity.id), class: "entity-link" }, nameOf(hit.entity)),
    h("span", { class: "muted data" }, secondaryName(hit.entity)));
  await fill(results, async () => {
    const found = await api.search(q, label ? [label] : undefined, PAGE);
    if (!found.items.length) return h("p", { class: "muted" }, t("search.none"));
    const list = h("ul", { class: "result-list" }, found.items.map(hitItem));
    let cursor = found.next_cursor;
    const more = h("button", { type: "button", class: "small", hidden: !cursor, onclick: async () => {
      more.disabled = true;
      try {
        const page = await api.search(q, label ? [label] : undefined, PAGE, undefined, cursor);
        list.append(...page.items.map(hitItem));
        cursor = page.next_cursor;
        more.hidden = !cursor;
      } finally {
        more.disabled = false;
      }
    } }, t("search.more"));
    return [
      // the API's total over all pages, not the length of this page
      h("p", { class: "muted" }, t("search.count", { n: fmtNumber(found.total ?? found.items.length, getLang()), q })),
      facetChips(found.facets, q, label),
      list, more,
    ];
  });
}

const PAGE = 50;

/** The API's facet counts: label and role facets filter (label=…); cities inform. */
function facetChips(facets, q, current) {
  if (!facets) return null;
  const lang = getLang();
  const link = (value, text, count) => h("a", {
    class: ["facet", value === current && "active"], href: `#/search?${toParams({ q, label: value === current ? "" : value })}`,
    "aria-current": value === current ? "true" : null }, `${text} (${fmtNumber(count, lang)})`);
  const group = (key, entries, label) => (entries.length
    ? h("p", { class: "facets small" }, h("span", { class: "muted" }, `${t(key)}${t("punct.colon")}`), entries.map(label)) : null);
  return h("div", { class: "facet-box" },
    group("search.facet.label", Object.entries(facets.label || {}), ([v, n]) => link(v, enumLabel("label", v), n)),
    group("search.facet.role", Object.entries(facets.role || {}), ([v, n]) => link(v, enumLabel("role", v), n)),
    group("search.facet.city", Object.entries(facets.city || {}), ([v, n]) => h("span", { class: "facet-city" },
      h("a", { href: entityHref(v) }, cityName(v)), ` (${fmtNumber(n, lang)})`)));
}

function cityName(id) {
  const node = h("span", {}, id);
  reference.cities().then((cities) => {
    const city = cities.find((c) => c.id === id);
    if (city) node.textContent = nameOf(city);
  }).catch(() => {});
  return node;
}
