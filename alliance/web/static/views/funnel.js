// Referral funnel (#/funnel?by=city&park=...&broker=...): a board with one column per
// stage (staff can advance or drop a referral, or create one), and funnel charts
// overall and per city or broker.

import { ApiError, api, canWrite } from "../api.js";
import { entityHref, fmtNumber, h, today } from "../dom.js";
import { clearErrors, field, formValues, showErrors, statusText, summaryBox } from "../forms.js";
import { apiMessage, enumLabel, getLang, nameOf, t } from "../i18n.js";
import { toParams } from "../params.js";
import { FUNNEL_STAGES, funnelChart } from "../svg.js";
import { dataText, entityLink, fill, loading } from "../ui.js";
import { entityPicker } from "./search.js";

const BOARD_STAGES = [...FUNNEL_STAGES, "dropped"];
const COLUMN_LIMIT = 8;
const GROUP_LIMIT = 12;
/** Days in one stage after which an open referral is marked stale on the board. */
export const STALE_DAYS = 45;

/** The date of the referral's latest stage: what the board sorts by. */
function lastDate(referral) {
  return ["dropped", ...FUNNEL_STAGES.slice().reverse()]
    .map((stage) => referral[`${stage}_on`]).find(Boolean) || "";
}

function lastStep(referral) {
  const stage = ["dropped", ...FUNNEL_STAGES.slice().reverse()].find((st) => referral[`${st}_on`]);
  return stage ? t("funnel.stageOn", { s: enumLabel("referral", stage), d: referral[`${stage}_on`] }) : "";
}

/** Whole days from an ISO date to today (local calendar). */
export function daysSince(isoDate) {
  const [y, m, d] = isoDate.split("-").map(Number);
  const then = new Date(y, m - 1, d);
  const now = new Date();
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.max(0, Math.round((start - then) / 86400000));
}

function endLink(ref, key) {
  if (!ref) return null;
  return h("span", { class: "end" }, h("span", { class: "muted" }, `${t(key)}${t("punct.colon")}`), entityLink(ref));
}

/** Notes (dated, with the author; free text in whatever language staff wrote) and, for
 * writers, a form to add one and set the follow-up date. */
function notesBlock(referral, reload, toast, fail) {
  const notes = referral.notes || [];
  const list = notes.length ? h("ul", { class: "notes" }, notes.slice().reverse().map((note) => h("li", { class: "data" }, note))) : null;
  let form = null;
  if (canWrite()) {
    const base = `note-${referral.id.replace(/\W+/g, "-")}`;
    form = h("form", { class: "note-form", novalidate: true },
      h("label", { for: `${base}-text` }, t("board.note")),
      h("textarea", { id: `${base}-text`, name: "note", rows: 2, maxlength: 2000 }),
      h("label", { for: `${base}-date` }, t("board.followUp")),
      h("input", { id: `${base}-date`, name: "follow_up_on", type: "date", value: referral.follow_up_on || "" }),
      h("button", { type: "submit", class: "small" }, t("board.save")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = {};
      const note = form.elements.note.value.trim();
      if (note) body.note = note;
      const follow = form.elements.follow_up_on.value;
      if ((follow || null) !== (referral.follow_up_on || null)) body.follow_up_on = follow || null;
      if (!Object.keys(body).length) return;
      try {
        const after = await api.updateReferral(referral.id, body);
        toast(t("board.saved", { n: nameOf(after) }));
        reload();
      } catch (error) {
        fail(error);
      }
    });
  }
  if (!list && !form) return null;
  return h("details", { class: "notes-box" },
    h("summary", {}, t("board.notes", { n: notes.length })), list, form);
}

function referralCard(referral, reload, toast) {
  const next = FUNNEL_STAGES[FUNNEL_STAGES.indexOf(referral.stage) + 1];
  const open = !["landed", "dropped"].includes(referral.stage);
  const message = h("p", { class: "card-error", role: "alert", hidden: true });
  const fail = (error) => {
    message.textContent = `${statusText(error)}${error instanceof ApiError && error.problem?.detail
      ? `${t("punct.colon")}${apiMessage(error.problem.detail)}` : ""}`;
    message.hidden = false;
  };
  const days = daysSince(referral.stage_since || lastDate(referral));
  const stale = open && days > STALE_DAYS;
  const overdue = open && referral.follow_up_on && referral.follow_up_on < today();
  const controls = [];
  let dropForm = null;
  if (canWrite() && open) {
    if (next) {
      controls.push(h("button", { type: "button", class: "small", dataset: { act: "advance" }, onclick: async (event) => {
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
    dropForm = h("form", { class: "drop-form", novalidate: true, hidden: true },
      h("label", { for: reasonId }, t("funnel.dropReason")),
      h("input", { id: reasonId, name: "reason", maxlength: 2000, required: true }),
      h("button", { type: "submit", class: "small danger" }, t("funnel.dropConfirm")));
    dropForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const reason = dropForm.elements.reason.value.trim();
      if (!reason) {
        fail({ status: 422 });
        dropForm.elements.reason.focus();
        return;
      }
      try {
        const after = await api.drop(referral.id, reason, today());
        toast(t("funnel.dropped", { n: nameOf(after) }));
        reload();
      } catch (error) {
        fail(error);
      }
    });
    controls.push(h("button", { type: "button", class: "small ghost", "aria-expanded": "false", dataset: { act: "drop" },
                                onclick: (event) => {
                                  dropForm.hidden = !dropForm.hidden;
                                  event.currentTarget.setAttribute("aria-expanded", String(!dropForm.hidden));
                                  if (!dropForm.hidden) dropForm.elements.reason.focus();
                                } }, t("funnel.drop")), dropForm);
  }
  const ends = referral.ends || {};
  const card = h("li", { class: ["referral", stale && "stale", overdue && "overdue"],
                         dataset: { referral: referral.id, stage: referral.stage },
                         draggable: canWrite() && open ? "true" : null },
    h("p", { class: "ends" },
      endLink(ends.company, "funnel.company"), endLink(ends.park, "funnel.park"), endLink(ends.broker, "funnel.broker")),
    h("p", { class: "muted small" }, lastStep(referral)),
    open ? h("p", { class: "small in-stage" }, t("board.inStage", { n: days }),
      stale ? h("span", { class: "chip chip-stale" }, t("board.stale")) : null) : null,
    referral.follow_up_on ? h("p", { class: ["small", overdue && "warn"] }, t("board.followUpOn", { d: referral.follow_up_on }),
      overdue ? ` · ${t("board.overdue")}` : null) : null,
    referral.dropped_reason ? h("p", { class: "small" }, `${t("prop.dropped_reason")}${t("punct.colon")}`,
      dataText(referral.dropped_reason, /[\u3400-\u9fff]/.test(referral.dropped_reason) ? "zh" : "en")) : null,
    h("p", { class: "small" }, h("a", { href: entityHref(referral.id) }, t("common.viewEntity"))),
    notesBlock(referral, reload, toast, fail),
    controls.length ? h("div", { class: "referral-actions" }, controls) : null,
    message);
  card.referral = referral;
  card.openDrop = () => {
    if (!dropForm) return;
    dropForm.hidden = false;
    dropForm.elements.reason.focus();
  };
  card.fail = fail;
  return card;
}

/** Drag a card to the next stage (advance) or to "dropped" (asks the reason): the same
 * rules as the API; any other column refuses the card. */
function enableDrag(boardNode, reload, toast) {
  let dragged = null;
  boardNode.addEventListener("dragstart", (event) => {
    const card = event.target.closest?.(".referral[draggable=true]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.referral);
    card.classList.add("dragging");
    const stage = card.dataset.stage;
    const next = FUNNEL_STAGES[FUNNEL_STAGES.indexOf(stage) + 1];
    for (const column of boardNode.querySelectorAll(".column")) {
      column.classList.toggle("can-drop", column.dataset.stage === next || column.dataset.stage === "dropped");
    }
  });
  boardNode.addEventListener("dragend", () => {
    dragged?.classList.remove("dragging");
    dragged = null;
    for (const column of boardNode.querySelectorAll(".column")) column.classList.remove("can-drop", "over");
  });
  boardNode.addEventListener("dragover", (event) => {
    const column = event.target.closest?.(".column");
    if (!dragged || !column) return;
    // every column takes the drop, so a refused move can say why
    event.preventDefault();
    column.classList.toggle("over", column.classList.contains("can-drop"));
  });
  boardNode.addEventListener("dragleave", (event) => {
    event.target.closest?.(".column")?.classList.remove("over");
  });
  boardNode.addEventListener("drop", async (event) => {
    const column = event.target.closest?.(".column");
    const card = dragged;
    if (!card || !column) return;
    event.preventDefault();
    const target = column.dataset.stage;
    const next = FUNNEL_STAGES[FUNNEL_STAGES.indexOf(card.dataset.stage) + 1];
    if (target === card.dataset.stage) return;
    if (target === "dropped") {
      card.openDrop();
      return;
    }
    if (target !== next) {
      toast(t("board.cannotMove"));
      return;
    }
    try {
      const after = await api.advance(card.dataset.referral, today());
      toast(t("funnel.advanced", { n: nameOf(after) }));
      reload();
    } catch (error) {
      card.fail(error);
    }
  });
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
    h("h3", {}, enumLabel("referral", stage), " ", h("span", { class: "count" }, fmtNumber(items.length, getLang()))),
    items.length ? list : h("p", { class: "muted small" }, t("funnel.emptyColumn")),
    more);
}

async function boardColumns(filters, reload, toast) {
  const columns = await Promise.all(BOARD_STAGES.map((stage) => allAtStage(stage, filters)));
  const node = h("div", { class: "board" }, BOARD_STAGES.map((stage, i) => column(stage, columns[i], reload, toast)));
  if (canWrite()) enableDrag(node, reload, toast);
  return node;
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

/** The overall shares, computed from the data (never a fixed sentence). */
function overallSentence(group) {
  const proposed = group.reached?.proposed || 0;
  if (!proposed) return h("p", { class: "muted" }, t("funnel.noData"));
  const share = (stage) => `${fmtNumber((100 * (group.reached?.[stage] || 0)) / proposed, getLang(), 1)}%`;
  return h("p", { class: "funnel-sentence" }, t("funnel.overallShare", { a: share("first_meeting"), b: share("landed") }));
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
    const tabs = h("nav", { class: "tabs", "aria-label": t("funnel.by") }, ["city", "broker", "industry"].map((option) => {
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
          funnelChart(report.overall, { title: t("funnel.overall") })),
        overallSentence(report.overall)),
      h("h3", {}, t("funnel.groups", { n: Math.min(GROUP_LIMIT, report.groups.length) })),
      groupCharts(report),
    ];
  });
}

export async function render(root, { params, navigate, toast }) {
  const by = ["broker", "industry"].includes(params.get("by")) ? params.get("by") : "city";
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
      canWrite() ? createForm(toast, () => board(boardNode, params, toast))
        : h("p", { class: "muted" }, t("funnel.staffHint")),
      canWrite() ? h("p", { class: "muted small" }, t("board.dragHint")) : null,
      h("p", { class: "muted small" }, t("board.staleHint", { n: STALE_DAYS })),
      boardNode));
  await Promise.all([charts(chartNode, by, navigate, params), board(boardNode, params, toast)]);
}
