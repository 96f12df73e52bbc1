// Search: the instant-results box in the header, the full results page (#/search?q=),
// and the entity picker (a typeahead filling a hidden id field) used by the forms.

import { api } from "../api.js";
import { debounce, entityHref, h } from "../dom.js";
import { toParams } from "../params.js";
import { enumLabel, nameOf, t } from "../i18n.js";
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
  await fill(results, async () => {
    const found = await api.search(q, label ? [label] : undefined, 50);
    if (!found.items.length) return h("p", { class: "muted" }, t("search.none"));
    return [
      h("p", { class: "muted" }, t("search.count", { n: found.items.length, q })),
      h("ul", { class: "result-list" }, found.items.map((hit) => h("li", {},
        labelChip(hit.entity.label),
        h("a", { href: entityHref(hit.entity.id), class: "entity-link" }, nameOf(hit.entity)),
        h("span", { class: "muted data" }, secondaryName(hit.entity))))),
    ];
  });
}
