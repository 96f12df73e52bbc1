// "Path between these two" (#/path?from=<id>&to=<id>): the shortest paths between any
// two entities (POST /v1/paths), drawn as one explorable graph and listed hop by hop.

import { api } from "../api.js";
import { h } from "../dom.js";
import { field, formValues, showErrors, summaryBox } from "../forms.js";
import { fromPaths, graphView } from "../graph.js";
import { enumLabel, t } from "../i18n.js";
import { num, toParams } from "../params.js";
import { entityLink, errorPanel, loading } from "../ui.js";
import { entityPicker } from "./search.js";

function pathList(paths) {
  return h("ol", { class: "path-list" }, paths.map((path) => h("li", {},
    h("span", { class: "muted small" }, `${t("path.hops", { n: path.rel_types.length })}${t("punct.colon")}`),
    path.nodes.flatMap((node, i) => (i
      ? [` ${path.forward[i - 1] ? "—" : "←"} ${enumLabel("rel", path.rel_types[i - 1])} ${path.forward[i - 1] ? "→" : "—"} `, entityLink(node)]
      : [entityLink(node)])))));
}

export async function render(root, { params, navigate }) {
  const from = params.get("from") || "";
  const to = params.get("to") || "";
  const form = h("form", { class: "panel path-form", novalidate: true },
    summaryBox(),
    h("div", { class: "row" },
      entityPicker("source", "path.from", { value: from, placeholderKey: "funnel.filterPlaceholder" }),
      entityPicker("target", "path.to", { value: to, placeholderKey: "funnel.filterPlaceholder" })),
    h("div", { class: "row" },
      field("k", "path.k", { type: "number", min: 1, max: 10, step: 1, value: params.get("k") || "3" }),
      field("max_hops", "path.maxHops", { type: "number", min: 1, max: 6, step: 1,
                                          value: params.get("max_hops") || "4" })),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("path.submit"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = formValues(form);
    navigate("path", toParams({ from: values.source, to: values.target, k: values.k, max_hops: values.max_hops }));
  });
  const results = h("section", { class: "results", "aria-live": "polite" });
  root.append(h("h1", {}, t("path.title")), h("p", { class: "intro" }, t("path.intro")), form, results);
  if (!from || !to) {
    results.append(h("p", { class: "panel muted" }, t("path.start")));
    return;
  }
  results.append(loading());
  const maxHops = num(params.get("max_hops")) ?? 4;
  let found;
  try {
    found = await api.paths({ source: from, target: to, k: num(params.get("k")) ?? 3, max_hops: maxHops });
  } catch (error) {
    if (!showErrors(form, error)) results.replaceChildren(errorPanel(error));
    else results.replaceChildren();
    return;
  }
  if (!found.paths.length) {
    results.replaceChildren(h("p", { class: "panel muted" }, t("path.none", { n: maxHops })));
    return;
  }
  results.replaceChildren(
    h("h2", {}, t("path.found", { n: found.paths.length })),
    graphView(fromPaths(found.paths), { root: from, title: t("path.title"), height: 420 }),
    pathList(found.paths));
}
