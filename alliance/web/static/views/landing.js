// Landing finder (#/landing?industry=...&area_m2=...): the need form, weight sliders that
// re-rank in place (w.<part>=… in the URL), ranked park cards with score bars, policies
// and (staff) contacts, each explained by an explorable graph; parks pinned for a
// side-by-side comparison (pin=…); the corridor map and the sortable city comparison;
// Excel export and a print layout (one page per park).

import { api, isStaff, reference } from "../api.js";
import { debounce, fmtCny, fmtNumber, h, today } from "../dom.js";
import {
  checkGroup, checkbox, clearErrors, field, formValues, selectField, showErrors, statusText,
  summaryBox,
} from "../forms.js";
import { enumLabel, getLang, nameOf, t } from "../i18n.js";
import { assign, bool, list, num, toParams } from "../params.js";
import { exportWorkbook } from "../export.js";
import { fromPaths, graphView } from "../graph.js";
import { entityPicker } from "./search.js";
import { cityOutlines, corridorMap } from "../map.js";
import {
  chip, contactDetails, dataText, entityLink, errorPanel, fmtScore, loading, roles, scoreBar,
  sortableTable,
} from "../ui.js";

export const FACILITIES = ["gmp_cleanroom", "cleanroom", "standard_factory", "rd_lab", "wet_lab",
  "office", "heavy_industrial_land", "warehouse", "incubator", "test_field"];
export const BENEFITS = ["rent_subsidy", "equipment_subsidy", "rd_subsidy", "talent_programme",
  "tax", "certification_reward", "loan_interest_subsidy", "financing", "tech_transfer_reward",
  "broker_reward"];
export const STAGES = ["idea", "seed", "angel", "series_a", "series_b", "growth", "mature"];

const NUMBER_FIELDS = ["area_m2", "max_rent_cny_m2_month", "max_rail_minutes", "top_k", "policies_per_list",
  "profile.founded_year", "profile.headcount", "profile.annual_revenue_cny",
  "profile.rd_staff_pct", "profile.founder_equity_pct", "profile.founder_cash_cny"];
const TEXT_FIELDS = ["industry", "origin_city", "profile.stage", "as_of", "why_not"];
const LIST_FIELDS = ["facility_types", "benefit_kinds"];
/** The score parts of a result, in the API's order (the API decides which there are). */
export function partNames(result) {
  return (result.parks[0]?.parts || []).map((part) => part.name);
}
const MAX_PINS = 4;
/** Name of the request field for the net-cost horizon when the API has one (found in its
 * OpenAPI schema, so the control appears when the server offers it). */
let horizonField = null;
/** Years the shown result's money is counted over (from the answer). */
let horizonYears = null;
const RELAXABLE = {
  facility_types: "landing.facilities", max_rent_cny_m2_month: "landing.maxRent",
  area_m2: "landing.area", max_rail_minutes: "landing.maxRail",
};

/** Cities east to west: Shanghai first, Nanjing last, as the corridor runs. */
export function byCorridor(cities) {
  return [...cities].sort((a, b) => b.lon - a.lon);
}

/** The landing request a URL describes. */
export function requestBody(params) {
  const body = {};
  for (const name of TEXT_FIELDS) assign(body, name, params.get(name) || undefined);
  for (const name of NUMBER_FIELDS) assign(body, name, num(params.get(name)));
  for (const name of LIST_FIELDS) assign(body, name, list(params, name));
  if (bool(params.get("profile.high_tech_certified"))) {
    assign(body, "profile.high_tech_certified", true);
  }
  for (const [key, value] of params) {
    if (key.startsWith("w.")) assign(body, `weights.${key.slice(2)}`, num(value));
  }
  const horizon = num(params.get("horizon"));
  if (horizon !== undefined && horizonField) assign(body, horizonField, horizon);
  return body;
}

/** Industries in taxonomy order with their depth: [[id, label]] for a <select>. */
function industryOptions(industries, taxonomy) {
  const parentOf = new Map(taxonomy.map((e) => [e.child, e.parent]));
  const children = new Map();
  for (const industry of industries) {
    const parent = parentOf.get(industry.id) || "";
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(industry);
  }
  const out = [];
  const walk = (parent, depth) => {
    const kids = (children.get(parent) || []).sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
    for (const industry of kids) {
      const indent = depth ? `${"\u00a0\u00a0\u00a0".repeat(depth)}└ ` : "";
      out.push([industry.id, indent + nameOf(industry)]);
      walk(industry.id, depth + 1);
    }
  };
  walk("", 0);
  return out;
}

function buildForm(params, { cities, industries, taxonomy }, navigate) {
  const value = (name) => params.get(name) || "";
  const form = h("form", { class: "need-form", novalidate: true, "aria-labelledby": "need-title" },
    summaryBox(),
    selectField("industry", "landing.industry",
      [["", t("landing.industryChoose")], ...industryOptions(industries, taxonomy)], value("industry")),
    selectField("origin_city", "landing.origin",
      byCorridor(cities).map((c) => [c.id, nameOf(c)]), value("origin_city") || "city:shanghai"),
    h("div", { class: "row" },
      field("area_m2", "landing.area", { type: "number", inputmode: "decimal", min: 0, step: "any",
                                         value: value("area_m2") }),
      field("max_rent_cny_m2_month", "landing.maxRent", { type: "number", inputmode: "decimal",
                                                           min: 0, step: "any",
                                                           value: value("max_rent_cny_m2_month") })),
    h("div", { class: "row" },
      field("max_rail_minutes", "landing.maxRail", { type: "number", inputmode: "numeric", min: 0,
                                                     step: 1, value: value("max_rail_minutes") }),
      field("as_of", "landing.asOf", { type: "date", value: value("as_of") })),
    checkGroup("facility_types", "landing.facilities",
      FACILITIES.map((f) => [f, enumLabel("facility", f)]), list(params, "facility_types")),
    checkGroup("benefit_kinds", "landing.benefits",
      BENEFITS.map((b) => [b, enumLabel("benefit", b)]), list(params, "benefit_kinds")),
    h("details", { class: "profile", open: [...params.keys()].some((k) => k.startsWith("profile.")) },
      h("summary", {}, t("landing.profile")),
      h("div", { class: "row" },
        selectField("profile.stage", "landing.stage",
          [["", t("common.any")], ...STAGES.map((s) => [s, enumLabel("stage", s)])], value("profile.stage")),
        field("profile.founded_year", "landing.foundedYear", { type: "number", inputmode: "numeric",
                                                               step: 1, value: value("profile.founded_year") })),
      h("div", { class: "row" },
        field("profile.headcount", "landing.headcount", { type: "number", inputmode: "numeric", min: 0,
                                                          step: 1, value: value("profile.headcount") }),
        field("profile.rd_staff_pct", "landing.rdStaff", { type: "number", inputmode: "decimal", min: 0,
                                                           max: 100, step: "any",
                                                           value: value("profile.rd_staff_pct") })),
      h("div", { class: "row" },
        field("profile.annual_revenue_cny", "landing.revenue", { type: "number", inputmode: "decimal",
                                                                 min: 0, step: "any",
                                                                 value: value("profile.annual_revenue_cny") }),
        field("profile.founder_equity_pct", "landing.founderEquity", { type: "number", min: 0, max: 100,
                                                                       step: "any", inputmode: "decimal",
                                                                       value: value("profile.founder_equity_pct") })),
      h("div", { class: "row" },
        field("profile.founder_cash_cny", "landing.founderCash", { type: "number", inputmode: "decimal",
                                                                   min: 0, step: "any",
                                                                   value: value("profile.founder_cash_cny") }),
        field("top_k", "landing.topK", { type: "number", inputmode: "numeric", min: 1, max: 100, step: 1,
                                         placeholder: "10",
                                         value: value("top_k") })),
      checkbox("profile.high_tech_certified", "landing.highTech", bool(value("profile.high_tech_certified")))),
    entityPicker("why_not", "whyNot.field", { labels: ["Park"], value: value("why_not"),
                                              placeholderKey: "funnel.filterPlaceholder" }),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, t("landing.submit")),
      h("button", { type: "button", onclick: () => navigate("landing") }, t("common.reset"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    // the weights, horizon and pinned parks survive a new search
    const keep = Object.fromEntries([...params].filter(([k]) => k.startsWith("w.") || k === "horizon" || k === "pin"));
    navigate("landing", toParams(formValues(form), keep));
  });
  return form;
}

// ------------------------------------------------------------------ park cards


const INDUSTRY_FACTORS = { exact: 1, subfield: 0.9, broader: 0.6 };

function bestIndustry(park) {
  const value = (m) => m.strength * (INDUSTRY_FACTORS[m.relation] || 0) ** Math.max(m.hops, 1);
  return [...park.industries].sort((a, b) => value(b) - value(a))[0];
}

/** The score part's sentence, from the structured result (so it is bilingual). */
function partNote(part, park, body, names) {
  const lang = getLang();
  const rent = t("common.rentUnit", { n: fmtNumber(park.summary.rent_cny_m2_month, lang, 1) });
  switch (part.name) {
    case "industry_fit": {
      const best = bestIndustry(park);
      if (!best) return "";
      return t(`explain.industry.${best.relation}`, { i: nameOf(names.get(best.industry)) || best.industry,
                                                      s: fmtNumber(best.strength, lang, 2) });
    }
    case "net_cost":
      return t("explain.netCost", { y: park.net_cost.horizon_years, v: fmtCny(park.net_cost.net_cost_cny, lang), r: rent });
    case "travel":
      return t("explain.travel", { m: park.rail_minutes });
    case "space":
      return t("explain.space", { a: t("common.area", { n: fmtNumber(park.summary.available_area_m2, lang) }),
                                  n: t("common.area", { n: fmtNumber(body.area_m2 || 0, lang) }) });
    case "contacts":
      // the API's totals, not the length of the (truncated) contact list
      return t("explain.contacts", { b: park.brokers_total, p: park.professionals_total });
    case "track_record":
      return t("explain.track", { r: park.related_landings.length, l: park.referral_stages.landed || 0 });
    default:
      return part.explanation;
  }
}

const RULE_SYMBOLS = { eq: "=", gte: "≥", lte: "≤" };

/** A rule's value in the page language: stage labels, plain years, grouped numbers. */
function ruleValue(field, value) {
  if (field === "stage") return enumLabel("stage", value);
  if (field === "founded_year" || typeof value !== "number") return String(value);
  return fmtNumber(value, getLang(), 2);
}

/** One eligibility rule as a sentence in the page language (mirrors services/eligibility.py). */
function ruleText(rule) {
  const name = t(`rule.field.${rule.field}`);
  let text;
  if (rule.field === "high_tech_certified") {
    text = t(rule.value ? "rule.needsHighTech" : "rule.withoutHighTech");
  } else if (rule.field === "founded_year" && (rule.op === "gte" || rule.op === "lte")) {
    text = t(rule.op === "gte" ? "rule.foundedGte" : "rule.foundedLte", { v: rule.value });
  } else if (rule.op === "in") {
    const values = (Array.isArray(rule.value) ? rule.value : [rule.value]).map((v) => ruleValue(rule.field, v));
    text = t("rule.in", { f: name, v: values.join(t("punct.list")) });
  } else {
    text = t("rule.compare", { f: name, op: RULE_SYMBOLS[rule.op] || rule.op, v: ruleValue(rule.field, rule.value) });
  }
  if (rule.actual === null || rule.actual === undefined) return t("rule.unknown", { r: text, f: name });
  if (rule.field === "high_tech_certified") return text;
  return t("rule.is", { r: text, a: ruleValue(rule.field, rule.actual) });
}

/** Why a near miss misses, phrased from `rules`; the API's English sentences as fallback. */
function missingReasons(policy) {
  const unmet = Array.isArray(policy.rules) ? policy.rules.filter((rule) => !rule.met) : [];
  return unmet.length ? unmet.map(ruleText) : policy.missing || [];
}

function policyItem(policy, showMissing) {
  const lang = getLang();
  const missing = showMissing ? missingReasons(policy) : [];
  return h("li", { class: ["policy", policy.wanted && "wanted"] },
    h("a", { href: `#/entity/${encodeURIComponent(policy.id)}`, class: "entity-link" }, nameOf(policy)),
    " ", chip(enumLabel("benefit", policy.benefit_kind), "chip-benefit"),
    policy.amount_cny !== null ? h("span", { class: "amount" }, fmtCny(policy.amount_cny, lang)) : null,
    policy.value_cny !== null && policy.value_cny !== undefined && horizonYears
      ? h("span", { class: "muted" }, t("money.valueOver", { y: horizonYears, v: fmtCny(policy.value_cny, lang) })) : null,
    policy.status && policy.eligible ? chip(enumLabel("status", policy.status), `chip-status status-${policy.status}`) : null,
    policy.valid_to ? h("span", { class: "muted" }, t("landing.validTo", { d: policy.valid_to })) : null,
    missing.length
      ? h("div", { class: "missing" }, h("strong", {}, t("landing.missing")), " ",
        missing.join(t("punct.semi")))
      : null);
}

function contactsSection(park) {
  if (!isStaff()) return null;
  return h("section", { class: "contacts" },
    h("h4", {}, t("landing.contacts", { n: fmtNumber(park.contacts_total, getLang()) })),
    h("ul", { class: "contact-list" }, park.contacts.map((contact) => h("li", {},
      h("div", { class: "contact-head" },
        entityLink(contact.person), " ", roles(contact.person),
        contact.person.certification_level
          ? chip(enumLabel("cert", contact.person.certification_level), "chip-cert") : null,
        h("span", { class: "muted" }, t(`landing.kind.${contact.kind}`))),
      contactDetails(contact.person)))));
}

/** The rail path as one edge from the origin to the park's city (a long path of
 * intermediate stations would push the park off the drawing); the stations are listed
 * in the card instead. */
function railEdge(park) {
  const nodes = park.rail_path.nodes;
  if (nodes.length <= 2) return park.rail_path;
  return { nodes: [nodes[0], nodes[nodes.length - 1]], rel_types: ["HSR_LINK"], forward: [true] };
}

function explanationPaths(park) {
  const { park: node, city } = park.summary;
  const paths = [railEdge(park), { nodes: [node, city], rel_types: ["IN_CITY"], forward: [true] }];
  const best = bestIndustry(park);
  if (best) paths.push(best.path);
  paths.push(...park.eligible_policies.slice(0, 3).map((p) => p.path));
  if (isStaff()) {
    paths.push(...park.contacts.filter((c) => c.kind === "broker").slice(0, 2).map((c) => c.path));
  }
  return paths;
}

function railNote(park) {
  const nodes = park.rail_path.nodes;
  const ends = new Set([`${nodes[0].id}|${nodes[nodes.length - 1].id}`]);
  const stops = nodes.length - 2;
  const text = t("common.minutes", { n: park.rail_minutes })
    + (stops > 0 ? ` · ${t("landing.stops", { n: stops })}` : "");
  return (a, b, type) => (type === "HSR_LINK" && (ends.has(`${a}|${b}`) || ends.has(`${b}|${a}`)) ? text : null);
}

function railRoute(park) {
  const nodes = park.rail_path.nodes;
  if (nodes.length < 2) return null;
  return h("p", { class: "route muted small" }, `${t("landing.route")}${t("punct.colon")}`,
    nodes.flatMap((node, i) => (i ? [" → ", entityLink(node)] : [entityLink(node)])));
}

function parkCard(park, body, names, pins) {
  const lang = getLang();
  const summary = park.summary;
  const estimated = new Set(summary.estimated);
  const est = (name) => (estimated.has(name) ? h("abbr", { title: t("common.estimated"), class: "est" }, "*") : null);
  const eligible = park.eligible_policies;
  const near = park.near_miss_policies;
  const pinned = pins.has(summary.park.id);
  return h("article", { class: ["card", "park-card", pinned && "pinned"], dataset: { park: summary.park.id } },
    h("header", { class: "card-head" },
      h("span", { class: "rank", "aria-label": `${t("common.rank")} ${park.rank}` }, `#${park.rank}`),
      h("div", { class: "card-title" },
        h("h3", {}, entityLink(summary.park)),
        h("p", { class: "muted" }, entityLink(summary.city))),
      h("div", { class: "score-big", title: t("common.score") },
        h("span", { class: "score-num" }, fmtScore(park.score, 3)),
        h("span", { class: "score-cap" }, t("common.score")))),
    h("div", { class: "card-actions no-print" },
      h("button", { type: "button", class: "small ghost pin-button", "aria-pressed": String(pinned),
                    onclick: () => pins.toggle(summary.park.id) },
        pinned ? t("rank.unpin") : t("rank.pin"))),
    h("dl", { class: "facts" },
      h("div", {}, h("dt", {}, t("landing.rail")), h("dd", {}, t("common.minutes", { n: park.rail_minutes }))),
      h("div", {}, h("dt", {}, t("landing.rent")),
        h("dd", {}, t("common.rentUnit", { n: fmtNumber(summary.rent_cny_m2_month, lang, 1) }), est("rent_cny_m2_month"))),
      h("div", {}, h("dt", {}, t("landing.available")),
        h("dd", {}, t("common.area", { n: fmtNumber(summary.available_area_m2, lang) }), est("available_area_m2"))),
      h("div", {}, h("dt", {}, t("landing.policyTotal")), h("dd", {}, fmtCny(park.policy_total_cny, lang)))),
    railRoute(park),
    h("div", { class: "chips" }, summary.facility_types.map((f) => chip(enumLabel("facility", f), "chip-facility"))),
    h("div", { class: "card-body" },
      h("section", { class: "parts" },
        h("h4", {}, t("landing.scoreParts")),
        park.parts.map((part) => scoreBar(t(`part.${part.name}`), part.value,
          partNote(part, park, body, names), t("landing.weight", { w: fmtNumber(part.weight, lang, 2) })))),
      h("div", { class: "why no-print" },
        graphView(fromPaths(explanationPaths(park)), {
          root: park.rail_path.nodes[0].id, edgeNote: railNote(park), height: 320,
          title: `${t("landing.why")}: ${nameOf(summary.park)}` }))),
    h("section", { class: "policies" },
      h("h4", {}, t("landing.eligible", { n: listCount(park, "eligible") })),
      eligible.length ? h("ul", {}, eligible.map((p) => policyItem(p, false)))
        : h("p", { class: "muted" }, t("landing.noPolicies")),
      listedNote(park, "eligible", eligible),
      near.length ? h("details", { class: "near-miss" },
        h("summary", {}, t("landing.nearMiss", { n: listCount(park, "near_miss") })),
        h("ul", {}, near.map((p) => policyItem(p, true))), listedNote(park, "near_miss", near)) : null,
      otherPolicies(park, park.founding_team_policies, "founding_team", "landing.founding"),
      otherPolicies(park, park.broker_side, "broker_side", "landing.brokerSide")),
    netCostSection(park),
    gapSection(park),
    contactsSection(park));
}

/** How many matches a policy list holds in full (an answer lists the ones worth the most). */
function listCount(park, list) {
  return park[`${list}_count`] ?? 0;
}

/** Says a policy list was cut: the ones shown are worth the most, the totals count all. */
function listedNote(park, list, shown) {
  const all = listCount(park, list);
  if (all <= shown.length) return null;
  return h("p", { class: "muted small listed-note" }, t("landing.listedOf", { shown: shown.length, n: all }));
}

function otherPolicies(park, items, list, key) {
  if (!items?.length) return null;
  return h("details", { class: "other-policies" }, h("summary", {}, t(key, { n: listCount(park, list) })),
    h("ul", {}, items.map((p) => policyItem(p, false))), listedNote(park, list, items));
}

/** Rent over the horizon minus the company's counted benefits, line by line. */
function netCostSection(park) {
  const cost = park.net_cost;
  if (!cost) return null;
  const lang = getLang();
  const names = new Map([...park.eligible_policies, ...park.near_miss_policies].map((p) => [p.id, p]));
  return h("section", { class: "net-cost" },
    h("h4", {}, t("money.title", { y: cost.horizon_years })),
    h("table", { class: "arithmetic" }, h("tbody", {},
      h("tr", {}, h("th", { scope: "row" }, t("money.rentLine", { a: fmtNumber(cost.area_m2, lang),
        r: fmtNumber(cost.rent_cny_m2_month, lang, 1), m: 12 * cost.horizon_years })),
      h("td", { class: "num" }, fmtCny(cost.rent_cny, lang))),
      cost.benefits.map((line) => h("tr", {},
        h("th", { scope: "row" }, "− ", names.get(line.policy) ? nameOf(names.get(line.policy)) : dataText(line.name_en, "en"),
          h("div", { class: "muted small" }, dataText(line.arithmetic, "en"))),
        h("td", { class: "num" }, `− ${fmtCny(line.amount_cny, lang)}`))),
      cost.pending.map((line) => h("tr", { class: "pending" },
        h("th", { scope: "row" }, names.get(line.policy) ? nameOf(names.get(line.policy)) : dataText(line.name_en, "en")),
        h("td", {}, t("money.pending", { f: line.depends_on.map((f) => t(`rule.field.${f}`)).join(t("punct.list")) })))),
      h("tr", { class: "total" }, h("th", { scope: "row" }, t("money.netLine")),
        h("td", { class: "num" }, fmtCny(cost.net_cost_cny, lang))))),
    park.financing_total_cny ? h("p", { class: "muted small" }, t("money.financing", { v: fmtCny(park.financing_total_cny, lang) })) : null);
}

/** What closing each near miss's gap unlocks, how long it takes, who can help. */
function gapSection(park) {
  const closer = park.gap_closer;
  if (!closer?.gaps?.length) return null;
  const lang = getLang();
  return h("section", { class: "gap-closer" },
    h("h4", {}, t("gap.title", { v: fmtCny(closer.unlock_cny, lang) })),
    h("ul", {}, closer.gaps.map((gap) => h("li", {},
      h("strong", {}, t(`rule.field.${gap.field}`)), " · ", enumLabel("closability", gap.closability),
      gap.typical_months ? ` · ${t("gap.months", { n: gap.typical_months })}` : null,
      gap.unlock_cny !== null ? ` · ${t("gap.unlock", { v: fmtCny(gap.unlock_cny, lang) })}` : null,
      gap.helpers?.length ? h("span", { class: "helpers" }, ` · ${t("gap.helpers")}${t("punct.colon")}`,
        gap.helpers.slice(0, 3).flatMap((helper, i) => (i ? [t("punct.list"), entityLink(helper.person)] : [entityLink(helper.person)])))
        : null))));
}

/** How many parks each hard constraint eliminated, and why a named park is (not) here. */
function eliminationSection(result) {
  const elim = result.elimination;
  const out = [];
  if (elim) {
    const given = elim.constraints.filter((c) => c.given);
    out.push(h("details", { class: "elimination" },
      h("summary", {}, t("elim.title", { n: fmtNumber(elim.parks_total, getLang()) })),
      h("ul", {}, given.map((c) => h("li", {}, t("elim.item", {
        c: c.constraint === "industry" ? t("elim.industry") : t(RELAXABLE[c.constraint] || c.constraint),
        e: c.eliminated, o: c.only_this }))))));
  }
  const why = result.why_not;
  if (why) {
    const name = h("a", { href: `#/entity/${encodeURIComponent(why.park)}` }, why.park);
    reference.parks().then((parks) => {
      const park = parks.find((p) => p.id === why.park);
      if (park) name.textContent = nameOf(park);
    }).catch(() => {});
    out.push(h("section", { class: "panel why-not" },
      why.qualifies
        ? h("p", {}, ...fill3(t("whyNot.qualifies", { p: "\u0000", r: why.rank }), name))
        : [h("p", {}, ...fill3(t("whyNot.fails", { p: "\u0000" }), name)),
          h("ul", {}, why.failures.map((f) => h("li", {},
            f.constraint === "industry" ? t("elim.industry") : t(RELAXABLE[f.constraint] || f.constraint),
            t("punct.colon"), dataText(`${f.required} · ${f.actual}`, "en"))))]));
  }
  return out;
}

/** Split a sentence at the \u0000 placeholder and put `node` there. */
function fill3(text, node) {
  const [before, after] = text.split("\u0000");
  return [before, node, after];
}

function emptyState(result) {
  return h("section", { class: "panel empty" },
    h("p", {}, t("landing.empty")),
    result.relaxations.some((r) => r.parks > 0)
      ? h("ul", {}, result.relaxations.filter((r) => r.parks > 0).map((r) =>
        h("li", {}, t("landing.relaxation", { c: t(RELAXABLE[r.constraint] || r.constraint), n: r.parks }))))
      : h("p", { class: "muted" }, t("landing.noRelaxation")));
}

// ------------------------------------------------------------------ weights and horizon

/** Sliders for the score weights (the values the API used are the starting points). */
function weightsPanel(result, params, onChange) {
  const used = new Map((result.parks[0]?.parts || []).map((part) => [part.name, part.weight]));
  const lang = getLang();
  const parts = partNames(result);
  const sliders = parts.map((part) => {
    const value = num(params.get(`w.${part}`)) ?? used.get(part) ?? 0;
    const id = `w-${part}`;
    const output = h("output", { for: id, class: "weight-value" }, fmtNumber(value, lang, 2));
    const input = h("input", { type: "range", id, name: `w.${part}`, min: 0, max: 1, step: 0.05,
                               value: String(value) });
    input.addEventListener("input", () => {
      output.textContent = fmtNumber(Number(input.value), lang, 2);
      onChange({ [`w.${part}`]: input.value });
    });
    return h("div", { class: "weight" }, h("label", { for: id }, t(`part.${part}`)), input, output);
  });
  const horizon = horizonField ? (() => {
    const value = num(params.get("horizon")) ?? result.horizon_years ?? 3;
    const output = h("output", { for: "horizon", class: "weight-value" }, t("rank.horizonYears", { n: value }));
    const input = h("input", { type: "range", id: "horizon", name: "horizon", min: 1, max: 10, step: 1,
                               value: String(value) });
    input.addEventListener("input", () => {
      output.textContent = t("rank.horizonYears", { n: Number(input.value) });
      onChange({ horizon: input.value });
    });
    return h("div", { class: "weight horizon" }, h("label", { for: "horizon" }, t("rank.horizon")), input, output);
  })() : null;
  return h("details", { class: "panel weights no-print", open: [...params.keys()].some((k) => k.startsWith("w.")) },
    h("summary", {}, t("rank.weights")),
    h("p", { class: "muted small" }, t("rank.weightsHint")),
    h("div", { class: "weight-grid" }, sliders, horizon),
    h("button", { type: "button", class: "small ghost",
                  onclick: () => onChange(Object.fromEntries(parts.map((p) => [`w.${p}`, null]))) },
    t("rank.resetWeights")));
}

// ------------------------------------------------------------------ side by side

function p0NetCost(parks) {
  return parks.every((p) => p.net_cost);
}

function policyCell(park, policyId) {
  const lang = getLang();
  const eligible = park.eligible_policies.find((p) => p.id === policyId);
  if (eligible) return eligible.amount_cny !== null ? fmtCny(eligible.amount_cny, lang) : t("common.yes");
  const near = park.near_miss_policies.find((p) => p.id === policyId);
  if (near) return h("span", { class: "warn" }, `${t("landing.missing")} ${missingReasons(near).join(t("punct.semi"))}`);
  return "–";
}

/** 2–4 pinned parks in columns: every score part and every policy in rows. */
function comparePanel(parks) {
  const lang = getLang();
  if (parks.length < 2) {
    return h("section", { class: "panel compare-parks empty no-print" }, h("p", { class: "muted" }, t("rank.pinHint")));
  }
  const policies = new Map();
  for (const park of parks) {
    for (const p of [...park.eligible_policies, ...park.near_miss_policies]) policies.set(p.id, p);
  }
  const row = (label, cells, cls) => h("tr", { class: cls }, h("th", { scope: "row" }, label),
    cells.map((cell) => h("td", {}, cell)));
  const partValue = (park, name) => park.parts.find((p) => p.name === name)?.value;
  return h("section", { class: "panel compare-parks", "aria-labelledby": "compare-title" },
    h("h2", { id: "compare-title" }, t("rank.compareTitle")),
    h("div", { class: "table-scroll" }, h("table", { class: "side-by-side" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, ""),
        parks.map((park) => h("th", { scope: "col" }, entityLink(park.summary.park))))),
      h("tbody", {},
        row(t("rank.row.rank"), parks.map((p) => `#${p.rank}`)),
        row(t("rank.row.score"), parks.map((p) => fmtScore(p.score, 3)), "score"),
        parks[0].parts.map((part) => part.name).map((name) => row(t(`part.${name}`), parks.map((p) => {
          const value = partValue(p, name);
          return value === undefined ? "–" : fmtScore(value);
        }), "part")),
        row(t("rank.row.city"), parks.map((p) => entityLink(p.summary.city))),
        row(t("rank.row.rail"), parks.map((p) => t("common.minutes", { n: p.rail_minutes }))),
        row(t("rank.row.rent"), parks.map((p) => t("common.rentUnit", { n: fmtNumber(p.summary.rent_cny_m2_month, lang, 1) }))),
        row(t("rank.row.area"), parks.map((p) => t("common.area", { n: fmtNumber(p.summary.available_area_m2, lang) }))),
        row(t("rank.row.policyTotal"), parks.map((p) => fmtCny(p.policy_total_cny, lang))),
        p0NetCost(parks) ? row(t("money.title", { y: parks[0].net_cost.horizon_years }),
          parks.map((p) => fmtCny(p.net_cost.net_cost_cny, lang)), "score") : null,
        row(t("rank.row.contacts"), parks.map((p) => t("explain.contacts", { b: p.brokers_total, p: p.professionals_total }))),
        [...policies.values()].map((policy) => row(
          h("a", { href: `#/entity/${encodeURIComponent(policy.id)}` }, nameOf(policy)),
          parks.map((p) => policyCell(p, policy.id)), "policy"))))));
}

// ------------------------------------------------------------------ corridor view

function compareTable(comparison, origin) {
  const lang = getLang();
  const columns = [
    { key: "corridor.col.city", value: (r) => nameOf(r.city), cell: (r) => entityLink(r.city) },
    { key: "corridor.col.rail", num: true, value: (r) => r.rail_minutes ?? Infinity,
      cell: (r) => (r.rail_minutes === null ? t("corridor.unreachable") : t("common.minutes", { n: r.rail_minutes })) },
    { key: "corridor.col.parks", num: true, value: (r) => r.parks_meeting_need, cell: (r) => fmtNumber(r.parks_meeting_need, lang) },
    { key: "corridor.col.best", value: (r) => (r.best_park ? nameOf(r.best_park.summary.park) : ""),
      cell: (r) => (r.best_park ? entityLink(r.best_park.summary.park) : h("span", { class: "muted" }, t("corridor.noPark"))) },
    { key: "corridor.col.score", num: true, value: (r) => r.best_park?.score ?? -1,
      cell: (r) => (r.best_park ? fmtScore(r.best_park.score, 3) : "–") },
    { key: "corridor.col.rent", num: true, value: (r) => r.rent_cny_m2_month ?? Infinity,
      cell: (r) => (r.rent_cny_m2_month === null ? "–" : t("common.rentUnit", { n: fmtNumber(r.rent_cny_m2_month, lang, 1) })) },
    { key: "corridor.col.policy", num: true, value: (r) => r.policy_total_cny ?? 0, cell: (r) => fmtCny(r.policy_total_cny, lang) },
  ];
  return sortableTable({ caption: t("corridor.compare"), columns, rows: comparison.cities, className: "compare",
                         rowClass: (r) => [!r.best_park && "no-park", r.city.id === origin && "origin"] });
}

function corridorSection(result, comparison, refs, origin, geo) {
  const where = new Map(refs.parks.map((p) => [p.id, p]));
  const ranked = new Map();
  for (const row of comparison.cities) {
    if (row.best_park) ranked.set(row.best_park.summary.park.id, { score: row.best_park.score, city: row.city.id });
  }
  for (const park of result.parks) {
    ranked.set(park.summary.park.id, { score: park.score, rank: park.rank, city: park.summary.city.id });
  }
  const parks = refs.parks.map((p) => ({ ...p, ...(ranked.get(p.id) || {}) }))
    .filter((p) => where.has(p.id));
  const minutes = new Map(comparison.cities.map((row) => [row.city.id, row.rail_minutes]));
  minutes.set(origin, 0);
  return h("section", { class: "corridor", "aria-labelledby": "corridor-title" },
    h("h2", { id: "corridor-title" }, t("corridor.title")),
    h("div", { class: "corridor-grid" },
      corridorMap({ cities: refs.cities, rail: refs.rail, minutes, parks, origin, geo }),
      compareTable(comparison, origin)));
}

// ------------------------------------------------------------------ view

/** Parks pinned for comparison, kept in the URL (pin=a,b) without a reload. */
function pinSet(params, onChange) {
  const ids = new Set(list(params, "pin"));
  return {
    has: (id) => ids.has(id),
    ids: () => [...ids],
    toggle(id) {
      if (ids.has(id)) ids.delete(id);
      else if (ids.size >= MAX_PINS) return onChange(ids, t("rank.pinFull"));
      else ids.add(id);
      return onChange(ids);
    },
  };
}

/** Replace the URL's query without a hashchange (no reload, no new history entry). */
function replaceParams(params) {
  const query = params.toString();
  history.replaceState(null, "", `#/landing${query ? `?${query}` : ""}`);
}

function reportHeader(body, refs) {
  const industry = refs.industries.find((i) => i.id === body.industry);
  return h("header", { class: "print-only report-head" },
    h("h2", { class: "report-title" }, t("rank.reportFor", { i: nameOf(industry) || body.industry })),
    h("p", {}, t("rank.generated", { d: today() })));
}

/**
 * Run the search the URL describes and show it. The weights panel stays in place while
 * sliders re-rank (only what is under it is drawn again), so a slider keeps its focus.
 */
async function showResults(results, form, params, refs, toast, rerun = false) {
  const body = requestBody(params);
  results.setAttribute("aria-busy", "true");
  if (!rerun) results.replaceChildren(loading());
  let result;
  let comparison;
  try {
    [result, comparison] = await Promise.all([api.landing(body), api.compare(body)]);
  } catch (error) {
    results.removeAttribute("aria-busy");
    const details = form.closest("details");
    if (details) details.open = true;
    const panel = error.fieldErrors?.length && showErrors(form, error)
      ? h("p", { class: "panel error-panel" }, t("error.status.422"))
      : (showErrors(form, error), errorPanel(error));
    if (rerun) results.querySelector(".ranked")?.replaceChildren(panel);
    else results.replaceChildren(panel);
    return;
  }
  const [parks, rail, geo] = await Promise.all([reference.parks(), reference.rail(), cityOutlines()]);
  horizonYears = result.horizon_years ?? null;
  const names = new Map(refs.industries.map((i) => [i.id, i]));
  // Slider moves gather until the user pauses; then one search with all of them.
  const pending = {};
  const search = debounce(() => {
    const change = { ...pending };
    for (const key of Object.keys(pending)) delete pending[key];
    for (const [key, value] of Object.entries(change)) {
      if (value === null) params.delete(key);
      else params.set(key, value);
    }
    replaceParams(params);
    if (Object.values(change).every((v) => v === null)) {
      showResults(results, form, params, refs, toast);
    } else {
      showResults(results, form, params, refs, toast, true);
    }
  }, 250);
  const rerank = (change) => {
    Object.assign(pending, change);
    search();
  };
  const pins = pinSet(params, (ids, message) => {
    if (message) {
      toast(message);
      return;
    }
    if (ids.size) params.set("pin", [...ids].join(","));
    else params.delete("pin");
    replaceParams(params);
    for (const card of results.querySelectorAll(".park-card")) {
      const on = ids.has(card.dataset.park);
      card.classList.toggle("pinned", on);
      const button = card.querySelector(".pin-button");
      button.setAttribute("aria-pressed", String(on));
      button.textContent = on ? t("rank.unpin") : t("rank.pin");
    }
    compareHolder.replaceChildren(comparePanel(pinnedParks()));
    pinLine.textContent = t("rank.pinned", { n: ids.size });
  });
  const pinnedParks = () => pins.ids().map((id) => result.parks.find((p) => p.summary.park.id === id)).filter(Boolean);
  const compareHolder = h("div", {}, comparePanel(pinnedParks()));
  const pinLine = h("p", { class: "muted small no-print" }, t("rank.pinned", { n: pins.ids().length }));
  const share = h("button", { type: "button", class: "ghost small", onclick: async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      toast(t("common.linkCopied"));
    } catch {
      toast(location.href);
    }
  } }, t("common.copyLink"));
  const exportButton = h("button", { type: "button", class: "ghost small", onclick: () =>
    exportWorkbook(results.current, refs).catch((error) => toast(statusText(error))) }, t("rank.export"));
  const printButton = h("button", { type: "button", class: "ghost small", onclick: () => window.print() }, t("rank.print"));
  const ranked = h("div", { class: "ranked" },
    result.parks.length
      ? h("p", { class: "muted candidates" }, t("landing.candidates", { n: fmtNumber(result.candidates, getLang()), k: result.parks.length }))
      : emptyState(result),
    eliminationSection(result),
    pinLine,
    compareHolder,
    h("div", { class: "cards" }, result.parks.map((park) => parkCard(park, body, names, pins))),
    corridorSection(result, comparison, { ...refs, parks, rail }, body.origin_city || "city:shanghai", geo));
  results.removeAttribute("aria-busy");
  results.current = { result, comparison, body };
  if (rerun && results.querySelector(".ranked")) {
    results.querySelector(".ranked").replaceWith(ranked);
    return;
  }
  results.replaceChildren(
    reportHeader(body, refs),
    h("div", { class: "results-head" }, h("h2", { id: "results-title", tabindex: -1 }, t("landing.results")),
      h("div", { class: "actions no-print" }, share, exportButton, printButton)),
    result.parks.length ? weightsPanel(result, params, rerank) : null,
    ranked);
}

/** Whether the API's landing request has a net-cost horizon, and under which name. */
async function findHorizonField() {
  try {
    const spec = await reference.openapi();
    const props = spec?.components?.schemas?.LandingRequest?.properties || {};
    return Object.keys(props).find((name) => name.includes("horizon")) || null;
  } catch {
    return null;
  }
}

export async function render(root, { params, navigate, toast }) {
  root.append(h("h1", { class: "no-print" }, t("landing.title")), h("p", { class: "intro no-print" }, t("landing.intro")));
  const holder = h("div", { class: "split" }, loading());
  root.append(holder);
  const [cities, industries, taxonomy, horizon] = await Promise.all([
    reference.cities(), reference.industries(), reference.taxonomy(), findHorizonField()]);
  horizonField = horizon;
  const refs = { cities, industries, taxonomy };
  const form = buildForm(params, refs, navigate);
  const searched = [...params.keys()].length > 0;
  const narrow = window.matchMedia("(max-width: 820px)").matches;
  const results = h("section", { class: "results", "aria-live": "polite", "aria-labelledby": "results-title" });
  holder.replaceChildren(
    h("aside", { class: "form-pane no-print" },
      h("details", { class: "form-details", open: !(searched && narrow) },
        h("summary", { id: "need-title" }, t("landing.form")), form)),
    results);
  if (!searched) {
    results.append(h("p", { class: "panel muted start" }, t("landing.start")));
    return;
  }
  await showResults(results, form, params, refs, toast);
}
