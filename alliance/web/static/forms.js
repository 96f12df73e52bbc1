// Form building blocks and the mapping of API problems onto them.
//
// Every input is named after the request body field it fills ("area_m2",
// "profile.founded_year"), and sits in a .field wrapper with data-field set to that
// name and an error slot. A problem's `errors[].field` ("body.area_m2",
// "body.facility_types.0") finds its wrapper by dropping the location prefix and then
// trailing parts until a field matches; what matches nothing goes to the form's
// summary box, so no error is ever lost.

import { h } from "./dom.js";
import { apiMessage, t } from "./i18n.js";

let counter = 0;
const nextId = (name) => `f-${name.replace(/[^a-z0-9]+/gi, "-")}-${++counter}`;

/** A labelled input: field("area_m2", "landing.area", {type: "number", value}). */
export function field(name, labelKey, attrs = {}, hintText = null) {
  const id = nextId(name);
  const errorId = `${id}-error`;
  const input = h("input", { id, name, "aria-describedby": errorId, ...attrs });
  return h("div", { class: "field", dataset: { field: name } },
    h("label", { for: id }, t(labelKey)),
    input,
    hintText ? h("p", { class: "hint" }, hintText) : null,
    h("p", { class: "field-error", id: errorId, role: "alert", hidden: true }));
}

/** A labelled <select>; options are [value, label] pairs. */
export function selectField(name, labelKey, options, value, attrs = {}) {
  const id = nextId(name);
  const errorId = `${id}-error`;
  const select = h("select", { id, name, "aria-describedby": errorId, ...attrs },
    options.map(([v, label]) => h("option", { value: v, selected: String(v) === String(value ?? "") }, label)));
  return h("div", { class: "field", dataset: { field: name } },
    h("label", { for: id }, t(labelKey)),
    select,
    h("p", { class: "field-error", id: errorId, role: "alert", hidden: true }));
}

/** A fieldset of checkboxes sharing one name; `checked` is a list of values. */
export function checkGroup(name, legendKey, options, checked = [], attrs = {}) {
  const errorId = nextId(`${name}-error`);
  return h("fieldset", { class: ["field", "checks", attrs.class], dataset: { field: name },
                         "aria-describedby": errorId },
    h("legend", {}, t(legendKey)),
    h("div", { class: "check-list" },
      options.map(([value, label]) => h("label", { class: "check" },
        h("input", { type: "checkbox", name, value, checked: checked.includes(value) }),
        h("span", {}, label)))),
    h("p", { class: "field-error", id: errorId, role: "alert", hidden: true }));
}

/** A single checkbox with its label. */
export function checkbox(name, labelKey, checked) {
  return h("div", { class: "field field-check", dataset: { field: name } },
    h("label", { class: "check" },
      h("input", { type: "checkbox", name, value: "true", checked: Boolean(checked) }),
      h("span", {}, t(labelKey))),
    h("p", { class: "field-error", role: "alert", hidden: true }));
}

/** The form's own error box (problems not tied to a field it has). */
export function summaryBox() {
  return h("div", { class: "form-summary", role: "alert", hidden: true });
}

export function clearErrors(form) {
  for (const node of form.querySelectorAll(".field-error")) {
    node.hidden = true;
    node.textContent = "";
  }
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  for (const node of form.querySelectorAll(".field.invalid")) node.classList.remove("invalid");
  const summary = form.querySelector(".form-summary");
  if (summary) {
    summary.hidden = true;
    summary.replaceChildren();
  }
}

function findField(form, location) {
  const parts = String(location || "").split(".");
  if (["body", "query", "path", "header"].includes(parts[0])) parts.shift();
  while (parts.length) {
    const name = parts.join(".");
    const found = [...form.querySelectorAll(".field[data-field]")]
      .find((node) => node.dataset.field === name);
    if (found) return found;
    parts.pop();
  }
  return null;
}

/**
 * Show an ApiError's field errors beside their fields; return true when at least one
 * landed on a field (the first such field gets the focus).
 */
export function showErrors(form, error) {
  clearErrors(form);
  const summary = form.querySelector(".form-summary");
  const leftover = [];
  let first = null;
  for (const item of error.fieldErrors || []) {
    const wrapper = findField(form, item.field);
    if (!wrapper) {
      leftover.push(item);
      continue;
    }
    const slot = wrapper.querySelector(".field-error");
    const text = apiMessage(item.message);
    slot.textContent = slot.textContent ? `${slot.textContent}; ${text}` : text;
    slot.hidden = false;
    wrapper.classList.add("invalid");
    for (const input of wrapper.querySelectorAll("input, select, textarea")) {
      input.setAttribute("aria-invalid", "true");
    }
    first = first || wrapper;
  }
  if (summary && (leftover.length || !first)) {
    summary.hidden = false;
    summary.append(h("strong", {}, statusText(error)));
    if (leftover.length) {
      summary.append(h("ul", {}, leftover.map((item) =>
        h("li", {}, item.field ? `${item.field}: ` : "", apiMessage(item.message)))));
    } else if (error.problem?.detail && error.status !== 0) {
      summary.append(h("p", {}, apiMessage(error.problem.detail)));
    }
  }
  const target = first?.querySelector("input:not([type=hidden]), select, textarea");
  if (target) target.focus();
  return Boolean(first);
}

export function statusText(error) {
  if (!error || error.status === 0) return t("error.network");
  const key = `error.status.${error.status}`;
  const text = t(key);
  if (text === key && error.status === 412) {  // If-Match: someone else saved first
    return error.problem?.detail || "已被他人修改，请刷新后重试 / Changed meanwhile: reload";
  }
  return text === key ? t("error.title") : text;
}

/** Form values as {name: value | [values]} (checkbox groups as lists). */
export function formValues(form) {
  const out = {};
  for (const element of form.elements) {
    if (!element.name || element.disabled) continue;
    if (element.type === "checkbox") {
      const group = form.querySelectorAll(`input[type=checkbox][name="${CSS.escape(element.name)}"]`);
      if (group.length > 1 || element.closest(".checks")) {
        out[element.name] = out[element.name] || [];
        if (element.checked) out[element.name].push(element.value);
      } else {
        out[element.name] = element.checked ? "true" : "";
      }
    } else if (element.type === "radio") {
      if (element.checked) out[element.name] = element.value;
    } else if (element.tagName !== "BUTTON" && element.tagName !== "FIELDSET") {
      out[element.name] = element.value.trim();
    }
  }
  return out;
}
