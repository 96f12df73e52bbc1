// Referral funnel (#/funnel?by=city&park=...&broker=...): a board with one column per
// stage (staff can advance or drop a referral, or create one), and funnel charts
// overall and per city or broker.

import { ApiError, api, canWrite, isStaff } from "../api.js";
import { entityHref, h, today } from "../dom.js";
import { clearErrors, field, formValues, showErrors, statusText, summaryBox } from "../forms.js";
import { enumLabel, nameOf, t } from "../i18n.js";
import { toParams } from "../params.js";
import { FUNNEL_STAGES, funnelChart } from "../svg.js";
import { fill, loading } from "../ui.js";
import { entityPicker } from "./search.js";

const BOARD_STAGES = [...FUNNEL_STAGES, "dropped"];
const COLUMN_LIMIT = 8;
const GROUP_LIMIT = 12;

/** The date of the referral's latest stage: what the board sorts by. */
function lastDate(referral) {
  return ["dropped", ...FUNNEL_STAGES.slice().reverse()]
    .map((stage) => referral[`${stage}_on`]).find(Boolean) || "";
}

function lastStep(referral) {
  const stage = ["dropped", ...FUNNEL_STAGES.slice().reverse()].find((st) => referral[`${st}_on`]);
  return stage ? t("funnel.stageOn", { s: enumLabel("referral", stage), d: referral[`${stage}_on`] }) : "";
}

function referralCard(referral, reload, toast) {
  const next = FUNNEL_STAGES[FUNNEL_STAGES.indexOf(referral.stage) + 1];
  const open = !["landed", "dropped"].includes(referral.stage);
  const message = h("p", { class: "card-error", role: "alert", hidden: true });
  const fail = (error) => {
    message.textContent = `${statusText(error)}${error instanceof ApiError && error.problem?.detail
      ? `${t("punct.colon")}${error.problem.detail}` : ""}`;
    message.hidden = false;
  };
  const controls = [];
  if (isStaff() && canWrite() && open) {
    if (next) {
      controls.push(h("button", { type: "button", class: "small", onclick: async (event) => {
        event.currentTarget.disabled = true;
        try {
          const after = await api.advance(referral.id, today());
          toast(t("funnel.advanced", { n: nameOf(after) }));
          reload();
        } catch (error) {
          event.target.disabled = false;
          fail(error);
        }
      } }, t("funnel.advance", { s: enumLabel("referral", next) })));
    }
    const reasonId = `reason-${referral.id.replace(/\W+/g, "-")}`;
    const dropForm = h("form", { class: "drop-form", novalidate: true, hidden: true },
      h("label", { for: reasonId }, t("funnel.dropReason")),
      h("input", { id: reasonId, name: "reason", maxlength: 2000, required: true }),
      h("button", { type: "submit", class: "small danger" }, t("funnel.dropConfirm")));
    dropForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const after = await api.drop(referral.id, dropForm.elements.reason.value.trim(), today());
        toast(t("funnel.dropped", { n: nameOf(after) }));
        reload();
      } catch (error) {
        fail(error);
      }
    });
    controls.push(h("button", { type: "button", class: "small ghost", "aria-expanded": "false",
                                onclick: (event) => {
                                  dropForm.hidden = !dropForm.hidden;
                                  event.currentTarget.setAttribute("aria-expanded", String(!dropForm.hidden));
                                  if (!dropForm.hidden) dropForm.elements.reason.focus();
                                } }, t("funnel.drop")), dropForm);
  }
  return h("li", { class: "referral", dataset: { referral: referral.id } },
    h("a", { href: entityHref(referral.id), class: "entity-link" }, nameOf(referral)),
    h("p", { class: "muted small" }, lastStep(referral)),
    referral.dropped_reason ? h("p", { class: "small" }, t("funnel.reason", { r: referral.dropped_reason })) : null,
    h("p", { class: "small links" },
      referral.company ? h("a", { href: entityHref(referral.company) }, t("funnel.company")) : null,
      referral.park ? h("a", { href: entityHref(referral.park) }, t("funnel.park")) : null,
      referral.broker ? h("a", { href: entityHref(referral.broker) }, t("funnel.broker")) : null),
    controls.length ? h("div", { class: "referral-actions" }, controls) : null,
    message);
}

async function board(node, params, toast) {
  const filters = { park: params.get("park") || undefined, broker: params.get("broker") || undefined };
  const reload = () => fill(node, () => boardColumns(filters, reload, toast));
  await fill(node, () => boardColumns(filters, reload, toast));
}

async function allAtStage(stage, filters) {
  const items = [];
  let cursor;
  do {
    const page = await api.referrals({ stage, limit: 500, cursor, ...filters });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items.sort((a, b) => lastDate(b).localeCompare(lastDate(a)) || a.id.localeCompare(b.id));
}

function column(stage, items, reload, toast) {
  const list = h("ul", {}, items.slice(0, COLUMN_LIMIT).map((r) => referralCard(r, reload, toast)));
  const more = items.length > COLUMN_LIMIT ? h("button", { type: "button", class: "small ghost", onclick: () => {
    list.append(...items.slice(COLUMN_LIMIT).map((r) => referralCard(r, reload, toast)));
    more.remove();
  } }, t("common.showMore", { n: items.length })) : null;
  return h("section", { class: `column stage-${stage}`, "aria-label": enumLabel("referral", stage),
                        dataset: { stage } },
    h("h3", {}, enumLabel("referral", stage), " ", h("span", { class: "count" }, String(items.length))),
    items.length ? list : h("p", { class: "muted small" }, t("funnel.emptyColumn")),
    more);
}

async function boardColumns(filters, reload, toast) {
  const columns = await Promise.all(BOARD_STAGES.map((stage) => allAtStage(stage, filters)));
  return h("div", { class: "board" }, BOARD_STAGES.map((stage, i) => column(stage, columns[i], reload, toast)));
}

function filterForm(params, navigate) {
  const form = h("form", { class: "panel filter-form", novalidate: true },
    entityPicker("park", "funnel.filterPark", { labels: ["Park"], value: params.get("park"),
                                                placeholderKey: "funnel.filterPlaceholder" }),
    entityPicker("broker", "funnel.filterBroker", { labels: ["Broker"], value: params.get("broker"),
                                                    placeholderKey: "funnel.filterPlaceholder" }),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, t("funnel.applyFilter")),
      h("button", { type: "button", onclick: () => navigate("funnel", toParams({ by: params.get("by") })) },
        t("common.reset"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate("funnel", toParams({ ...formValues(form), by: params.get("by") }));
  });
  return form;
}

function createForm(toast, onCreated) {
  const form = h("form", { class: "panel create-form", novalidate: true },
    h("h3", {}, t("funnel.new")),
    summaryBox(),
    entityPicker("company", "funnel.company", { labels: ["Company"], placeholderKey: "funnel.filterPlaceholder" }),
    entityPicker("park", "funnel.park", { labels: ["Park"], placeholderKey: "funnel.filterPlaceholder" }),
    entityPicker("broker", "funnel.broker", { labels: ["Broker"], placeholderKey: "funnel.filterPlaceholder" }),
    field("proposed_on", "funnel.proposedOnField", { type: "date", value: today() }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, t("funnel.create"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const values = formValues(form);
    const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
    try {
      const created = await api.createReferral(body);
      toast(t("funnel.created", { n: nameOf(created) }));
      onCreated();
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

function groupCharts(report) {
  const groups = [...report.groups].sort((a, b) => b.total - a.total).slice(0, GROUP_LIMIT);
  return h("div", { class: "small-multiples" }, groups.map((group) => {
    const name = group.key ? nameOf(group) || group.key : t("funnel.unknownGroup");
    return h("figure", { class: "group-funnel" },
      h("figcaption", {}, group.key ? h("a", { href: entityHref(group.key) }, name) : name,
        h("span", { class: "muted" }, ` · ${t("funnel.total", { n: group.total })}`)),
      funnelChart(group, { compact: true, title: `${t("funnel.chart")}: ${name}` }));
  }));
}

async function charts(node, by, navigate, params) {
  await fill(node, async () => {
    const report = await api.funnel(by);
    const tabs = h("nav", { class: "tabs", "aria-label": t("funnel.by") }, ["city", "broker"].map((option) => {
      const next = new URLSearchParams(params);
      next.set("by", option);
      return h("a", { href: `#/funnel?${next}`, "aria-current": option === by ? "page" : null },
        t(`funnel.by.${option}`));
    }));
    return [
      tabs,
      h("div", { class: "funnel-overall" },
        h("figure", {},
          h("figcaption", {}, t("funnel.overall"), h("span", { class: "muted" },
            ` · ${t("funnel.total", { n: report.overall.total })}`)),
          funnelChart(report.overall, { title: t("funnel.overall") }))),
      h("h3", {}, t("funnel.groups", { n: Math.min(GROUP_LIMIT, report.groups.length) })),
      groupCharts(report),
    ];
  });
}

export async function render(root, { params, navigate, toast }) {
  const by = params.get("by") === "broker" ? "broker" : "city";
  const boardNode = h("div", {}, loading());
  const chartNode = h("div", {}, loading());
  root.append(
    h("h1", {}, t("funnel.title")),
    h("p", { class: "intro" }, t("funnel.intro")),
    h("section", { class: "funnel-charts", "aria-labelledby": "chart-title" },
      h("h2", { id: "chart-title" }, t("funnel.chart")), chartNode),
    h("section", { class: "funnel-board", "aria-labelledby": "board-title" },
      h("h2", { id: "board-title" }, t("funnel.board")),
      filterForm(params, navigate),
      isStaff() && canWrite() ? createForm(toast, () => board(boardNode, params, toast))
        : h("p", { class: "muted" }, t("funnel.staffHint")),
      boardNode));
  await Promise.all([charts(chartNode, by, navigate, params), board(boardNode, params, toast)]);
}
