// Landing finder (#/landing?industry=...&area_m2=...): the need form, ranked park cards
// with score bars, policies and (staff) contacts, each explained by a path graph; and
// the corridor view: the map and the city-by-city comparison.

import { api, isStaff, reference } from "../api.js";
import { fmtCny, fmtNumber, h } from "../dom.js";
import {
  checkGroup, checkbox, clearErrors, field, formValues, selectField, showErrors, summaryBox,
} from "../forms.js";
import { enumLabel, getLang, nameOf, t } from "../i18n.js";
import { assign, bool, list, num, toParams } from "../params.js";
import { corridorMap, pathGraph } from "../svg.js";
import { chip, contactDetails, entityLink, errorPanel, loading, roles, scoreBar } from "../ui.js";

export const FACILITIES = ["gmp_cleanroom", "cleanroom", "standard_factory", "rd_lab", "wet_lab",
  "office", "heavy_industrial_land", "warehouse", "incubator", "test_field"];
export const BENEFITS = ["rent_subsidy", "equipment_subsidy", "rd_subsidy", "talent_programme",
  "tax", "certification_reward", "loan_interest_subsidy", "financing", "tech_transfer_reward",
  "broker_reward"];
export const STAGES = ["idea", "seed", "angel", "series_a", "series_b", "growth", "mature"];

const NUMBER_FIELDS = ["area_m2", "max_rent_cny_m2_month", "max_rail_minutes", "top_k",
  "profile.founded_year", "profile.headcount", "profile.annual_revenue_cny",
  "profile.rd_staff_pct", "profile.founder_equity_pct", "profile.founder_cash_cny"];
const TEXT_FIELDS = ["industry", "origin_city", "profile.stage", "as_of"];
const LIST_FIELDS = ["facility_types", "benefit_kinds"];
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
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, t("landing.submit")),
      h("button", { type: "button", onclick: () => navigate("landing") }, t("common.reset"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    navigate("landing", toParams(formValues(form)));
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
    case "policy_value":
      return t("explain.policy", { n: park.eligible_policies.length, v: fmtCny(park.policy_total_cny, lang) });
    case "cost":
      return t("explain.cost", { r: rent });
    case "travel":
      return t("explain.travel", { m: park.rail_minutes });
    case "space":
      return t("explain.space", { a: t("common.area", { n: fmtNumber(park.summary.available_area_m2, lang) }),
                                  n: t("common.area", { n: fmtNumber(body.area_m2 || 0, lang) }) });
    case "contacts": {
      const brokers = park.contacts.filter((c) => c.kind === "broker").length;
      return t("explain.contacts", { b: brokers, p: park.contacts.length - brokers });
    }
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
    policy.valid_to ? h("span", { class: "muted" }, t("landing.validTo", { d: policy.valid_to })) : null,
    missing.length
      ? h("div", { class: "missing" }, h("strong", {}, t("landing.missing")), " ",
        missing.join(t("punct.semi")))
      : null);
}

function contactsSection(park) {
  if (!isStaff()) return null;
  return h("section", { class: "contacts" },
    h("h4", {}, t("landing.contacts", { n: park.contacts_total })),
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
  const paths = [railEdge(park)];
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

function parkCard(park, body, names) {
  const lang = getLang();
  const summary = park.summary;
  const estimated = new Set(summary.estimated);
  const est = (name) => (estimated.has(name) ? h("abbr", { title: t("common.estimated"), class: "est" }, "*") : null);
  const eligible = park.eligible_policies;
  const near = park.near_miss_policies;
  return h("article", { class: "card park-card", dataset: { park: summary.park.id } },
    h("header", { class: "card-head" },
      h("span", { class: "rank", "aria-label": `${t("common.rank")} ${park.rank}` }, `#${park.rank}`),
      h("div", { class: "card-title" },
        h("h3", {}, entityLink(summary.park)),
        h("p", { class: "muted" }, entityLink(summary.city))),
      h("div", { class: "score-big", title: t("common.score") },
        h("span", { class: "score-num" }, fmtNumber(park.score * 100, lang)),
        h("span", { class: "score-cap" }, t("common.score")))),
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
      h("figure", { class: "why" },
        h("figcaption", {}, t("landing.why")),
        h("div", { class: "graph-scroll" },
          pathGraph(explanationPaths(park), { root: park.rail_path.nodes[0].id,
                                              title: `${t("landing.why")}: ${nameOf(summary.park)}`,
                                              edgeNote: railNote(park) })))),
    h("section", { class: "policies" },
      h("h4", {}, t("landing.eligible", { n: eligible.length })),
      eligible.length ? h("ul", {}, eligible.map((p) => policyItem(p, false)))
        : h("p", { class: "muted" }, t("landing.noPolicies")),
      near.length ? h("details", { class: "near-miss" },
        h("summary", {}, t("landing.nearMiss", { n: near.length })),
        h("ul", {}, near.map((p) => policyItem(p, true)))) : null),
    contactsSection(park));
}

function emptyState(result) {
  return h("section", { class: "panel empty" },
    h("p", {}, t("landing.empty")),
    result.relaxations.some((r) => r.parks > 0)
      ? h("ul", {}, result.relaxations.filter((r) => r.parks > 0).map((r) =>
        h("li", {}, t("landing.relaxation", { c: t(RELAXABLE[r.constraint] || r.constraint), n: r.parks }))))
      : h("p", { class: "muted" }, t("landing.noRelaxation")));
}

// ------------------------------------------------------------------ corridor view

function compareTable(comparison, origin) {
  const lang = getLang();
  return h("div", { class: "table-scroll" }, h("table", { class: "compare" },
    h("caption", {}, t("corridor.compare")),
    h("thead", {}, h("tr", {},
      ["corridor.col.city", "corridor.col.rail", "corridor.col.parks", "corridor.col.best",
        "corridor.col.score", "corridor.col.rent", "corridor.col.policy"].map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, comparison.cities.map((row) => h("tr", {
      class: [!row.best_park && "no-park", row.city.id === origin && "origin"] },
    h("th", { scope: "row" }, entityLink(row.city)),
    h("td", { class: "num" }, row.rail_minutes === null ? t("corridor.unreachable")
      : t("common.minutes", { n: row.rail_minutes })),
    h("td", { class: "num" }, fmtNumber(row.parks_meeting_need, lang)),
    h("td", {}, row.best_park ? entityLink(row.best_park.summary.park) : h("span", { class: "muted" }, t("corridor.noPark"))),
    h("td", { class: "num" }, row.best_park ? fmtNumber(row.best_park.score * 100, lang) : "–"),
    h("td", { class: "num" }, row.rent_cny_m2_month === null ? "–"
      : t("common.rentUnit", { n: fmtNumber(row.rent_cny_m2_month, lang, 1) })),
    h("td", { class: "num" }, fmtCny(row.policy_total_cny, lang)))))));
}

function corridorSection(result, comparison, refs, origin) {
  const where = new Map(refs.parks.map((p) => [p.id, p]));
  const marks = new Map();
  for (const row of comparison.cities) {
    if (row.best_park) marks.set(row.best_park.summary.park.id, { score: row.best_park.score });
  }
  for (const park of result.parks) marks.set(park.summary.park.id, { score: park.score, rank: park.rank });
  const parks = [...marks].map(([id, mark]) => ({ ...where.get(id), id, ...mark }))
    .filter((p) => p.lat !== undefined);
  return h("section", { class: "corridor", "aria-labelledby": "corridor-title" },
    h("h2", { id: "corridor-title" }, t("corridor.title")),
    h("div", { class: "corridor-grid" },
      h("figure", { class: "map-figure" },
        h("div", { class: "map-scroll" }, corridorMap({ cities: refs.cities, rail: refs.rail, parks, origin })),
        h("figcaption", {},
          h("span", { class: "legend-item" }, h("span", { class: "key key-origin" }), t("corridor.origin")),
          h("span", { class: "legend-item" }, h("span", { class: "key key-city" }), t("corridor.city")),
          h("span", { class: "legend-item" }, h("span", { class: "key key-park" }), t("corridor.park")),
          h("span", { class: "legend-item" }, h("span", { class: "key key-hsr" }), t("corridor.hsr")))),
      compareTable(comparison, origin)));
}

// ------------------------------------------------------------------ view

async function showResults(results, form, params, refs, toast) {
  const body = requestBody(params);
  results.replaceChildren(loading());
  let result;
  let comparison;
  try {
    [result, comparison] = await Promise.all([api.landing(body), api.compare(body)]);
  } catch (error) {
    const details = form.closest("details");
    if (details) details.open = true;
    if (error.fieldErrors?.length && showErrors(form, error)) {
      results.replaceChildren(h("p", { class: "panel error-panel" }, t("error.status.422")));
    } else {
      showErrors(form, error);
      results.replaceChildren(errorPanel(error));
    }
    return;
  }
  const [parks, rail] = await Promise.all([reference.parks(), reference.rail()]);
  const names = new Map(refs.industries.map((i) => [i.id, i]));
  const heading = h("h2", { id: "results-title", tabindex: -1 }, t("landing.results"));
  const share = h("button", { type: "button", class: "ghost small", onclick: async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      toast(t("common.linkCopied"));
    } catch {
      toast(location.href);
    }
  } }, t("common.copyLink"));
  results.replaceChildren(
    h("div", { class: "results-head" }, heading, share),
    result.parks.length
      ? h("p", { class: "muted" }, t("landing.candidates", { n: result.candidates, k: result.parks.length }))
      : emptyState(result),
    h("div", { class: "cards" }, result.parks.map((park) => parkCard(park, body, names))),
    corridorSection(result, comparison, { ...refs, parks, rail }, body.origin_city || "city:shanghai"));
  centreOnOrigin(results.querySelector(".map-scroll"));
}

/** On a narrow screen the map scrolls sideways: start with the origin city in view. */
function centreOnOrigin(box) {
  const fraction = Number(box?.querySelector("svg")?.dataset.originX);
  if (!box || !Number.isFinite(fraction) || box.scrollWidth <= box.clientWidth) return;
  box.scrollLeft = fraction * box.scrollWidth - box.clientWidth / 2;
}

export async function render(root, { params, navigate, toast }) {
  root.append(h("h1", {}, t("landing.title")), h("p", { class: "intro" }, t("landing.intro")));
  const holder = h("div", { class: "split" }, loading());
  root.append(holder);
  const [cities, industries, taxonomy] = await Promise.all([
    reference.cities(), reference.industries(), reference.taxonomy()]);
  const refs = { cities, industries, taxonomy };
  const form = buildForm(params, refs, navigate);
  const searched = [...params.keys()].length > 0;
  const narrow = window.matchMedia("(max-width: 820px)").matches;
  const results = h("section", { class: "results", "aria-live": "polite", "aria-labelledby": "results-title" });
  holder.replaceChildren(
    h("aside", { class: "form-pane" },
      h("details", { class: "form-details", open: !(searched && narrow) },
        h("summary", { id: "need-title" }, t("landing.form")), form)),
    results);
  if (!searched) {
    results.append(h("p", { class: "panel muted start" }, t("landing.start")));
    return;
  }
  await showResults(results, form, params, refs, toast);
}
