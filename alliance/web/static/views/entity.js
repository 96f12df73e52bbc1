// Entity pages (#/entity/<id>): any park, person, policy, company, city, ... with its
// properties, its neighbours grouped by relationship (links), a small graph of them,
// and the searches that start from it.

import { api, isStaff } from "../api.js";
import { fmtCny, fmtNumber, h } from "../dom.js";
import { enumLabel, getLang, hasKey, nameOf, t } from "../i18n.js";
import { toParams } from "../params.js";
import { graphView, sampleByType } from "../graph.js";
import { chip, contactDetails, dataText, entityLink, labelChip } from "../ui.js";

const HIDDEN = new Set(["id", "label", "labels", "name_zh", "name_en", "name_pinyin", "source",
  "as_of", "estimated", "email", "phone", "wechat", "eligibility"]);
const ENUM_OF = {
  facility_types: "facility", need_facility_types: "facility", benefit_kind: "benefit",
  need_benefit_kinds: "benefit", stage: null, certification_level: "cert", roles: "role",
  category: "skillcat", kind: "orgkind",
};
const MONEY = new Set(["amount_cny", "annual_revenue_cny", "founder_cash_cny"]);
const GRAPH_LIMIT = 14;
const FIRST = ["benefit_kind", "amount_cny", "valid_from", "valid_to", "issuer", "roles",
  "certification_level", "stage", "facility_types", "rent_cny_m2_month", "available_area_m2"];
const LAST = ["description_zh", "description_en", "bio_zh", "bio_en", "amount_note", "lat", "lon"];
/** Text properties that are data in one language: marked in the other interface. */
const LANGUAGE_OF = { description_en: "en", bio_en: "en", amount_note: "en", dropped_reason: "en",
  description_zh: "zh", bio_zh: "zh" };

function order(key) {
  if (FIRST.includes(key)) return FIRST.indexOf(key) - 100;
  if (LAST.includes(key)) return LAST.indexOf(key) + 100;
  return 0;
}

function enumGroup(entity, key) {
  if (key === "stage") return entity.label === "Referral" ? "referral" : "stage";
  return ENUM_OF[key];
}

function showValue(entity, key, value) {
  const lang = getLang();
  const group = enumGroup(entity, key);
  if (Array.isArray(value)) {
    return value.length ? h("span", { class: "chips" },
      value.map((v) => chip(group ? enumLabel(group, v) : String(v)))) : t("common.none");
  }
  if (typeof value === "boolean") return value ? t("common.yes") : t("common.no");
  if (group) return enumLabel(group, value);
  if (MONEY.has(key)) return fmtCny(value, lang);
  if (key.endsWith("_year") || key === "year") return String(value);
  if (typeof value === "number") return fmtNumber(value, lang, 2);
  if (LANGUAGE_OF[key]) return dataText(String(value), LANGUAGE_OF[key]);
  return String(value);
}

/** description_zh / description_en: show the page language's, the other only when alone. */
function otherLanguageCopy(entity, key) {
  const match = /^(.*)_(zh|en)$/.exec(key);
  if (!match || key.startsWith("name_")) return false;
  const mine = getLang();
  return match[2] !== mine && Boolean(entity[`${match[1]}_${mine}`]);
}

function propertyList(entity) {
  const estimated = new Set(entity.estimated || []);
  const rows = Object.entries(entity)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== null && value !== "")
    .filter(([key]) => !otherLanguageCopy(entity, key))
    .sort(([a], [b]) => order(a) - order(b))
    .map(([key, value]) => h("div", {},
      h("dt", {}, hasKey(`prop.${key}`) ? t(`prop.${key}`) : key),
      h("dd", {}, showValue(entity, key, value),
        estimated.has(key) ? h("abbr", { class: "est", title: t("common.estimated") }, "*") : null)));
  return h("dl", { class: "props" }, rows);
}

function eligibility(entity) {
  if (entity.label !== "Policy") return null;
  const rules = entity.eligibility || [];
  return h("section", { class: "panel" },
    h("h2", {}, t("entity.eligibility")),
    rules.length ? h("ul", {}, rules.map((rule) => h("li", {},
      t(`profile.${rule.field}`), " ", enumLabel("op", rule.op), " ",
      Array.isArray(rule.value)
        ? rule.value.map((v) => (rule.field === "stage" ? enumLabel("stage", v) : v)).join(t("punct.list"))
        : rule.field === "stage" ? enumLabel("stage", rule.value)
          : typeof rule.value === "boolean" ? (rule.value ? t("common.yes") : t("common.no"))
            : String(rule.value))))
      : h("p", { class: "muted" }, t("entity.noRules")));
}

function relProps(properties) {
  const entries = Object.entries(properties || {}).filter(([, v]) => v !== null && v !== undefined);
  if (!entries.length) return null;
  return h("span", { class: "muted rel-props" },
    entries.map(([k, v]) => `${hasKey(`prop.${k}`) ? t(`prop.${k}`) : k} ${v}`).join(" · "),
    entries.some(([k]) => k === "deal") ? dataText("", "en") : null);
}

function neighbourGroups(items) {
  const groups = new Map();
  for (const item of items) {
    const key = `${item.relationship.type}|${item.direction}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([key, members]) => {
    const [type, direction] = key.split("|");
    return h("section", { class: "neighbour-group" },
      h("h3", {}, `${direction === "out" ? t("entity.out") : t("entity.in")} ${enumLabel("rel", type)} `,
        h("span", { class: "muted" }, `(${members.length})`)),
      h("ul", {}, members.map((item) => h("li", {},
        labelChip(item.node.label), entityLink(item.node), " ", relProps(item.relationship.properties)))));
  });
}

function neighbourGraph(entity, items) {
  const shown = sampleByType(items, GRAPH_LIMIT);
  if (!shown.length) return null;
  const graph = {
    nodes: [entity, ...shown.map((item) => item.node)],
    edges: shown.map((item) => ({ source: item.relationship.source, target: item.relationship.target,
                                  type: item.relationship.type })),
  };
  return h("div", { class: "why entity-graph" },
    graphView(graph, { root: entity.id, title: t("entity.graph"), height: 420 }));
}

function actions(entity, items) {
  const of = (type, direction = "out") => items.find((i) => i.relationship.type === type
    && i.direction === direction)?.node;
  const out = [];
  if (entity.label === "Company") {
    const industry = of("IN_INDUSTRY");
    const city = of("BASED_IN");
    const params = toParams({
      industry: industry?.id, origin_city: city?.id, area_m2: entity.need_area_m2,
      facility_types: entity.need_facility_types, max_rent_cny_m2_month: entity.need_max_rent_cny_m2_month,
      max_rail_minutes: entity.need_max_rail_minutes, benefit_kinds: entity.need_benefit_kinds,
      "profile.stage": entity.stage, "profile.founded_year": entity.founded_year,
      "profile.headcount": entity.headcount, "profile.annual_revenue_cny": entity.annual_revenue_cny,
      "profile.rd_staff_pct": entity.rd_staff_pct, "profile.founder_equity_pct": entity.founder_equity_pct,
      "profile.founder_cash_cny": entity.founder_cash_cny,
      "profile.high_tech_certified": entity.high_tech_certified ? "true" : "",
    });
    if (industry) out.push(h("a", { class: "button", href: `#/landing?${params}` }, t("entity.findLanding")));
  }
  if (entity.label === "City") {
    out.push(h("a", { class: "button", href: `#/landing?${toParams({ origin_city: entity.id })}` }, t("entity.findFrom")));
  }
  if (entity.label === "Industry") {
    out.push(h("a", { class: "button", href: `#/landing?${toParams({ industry: entity.id })}` }, t("entity.findIndustry")));
  }
  if (entity.label === "Person") {
    out.push(h("a", { class: "button", href: `#/collaborators?${toParams({ asker: entity.id })}` }, t("entity.findCollaborators")));
    if ((entity.labels || []).includes("Broker")) {
      out.push(h("a", { class: "button", href: `#/funnel?${toParams({ broker: entity.id })}` }, t("entity.referrals")));
    }
  }
  if (entity.label === "Park") {
    out.push(h("a", { class: "button", href: `#/funnel?${toParams({ park: entity.id })}` }, t("entity.referrals")));
  }
  return out.length ? h("div", { class: "actions" }, out) : null;
}

export async function render(root, { rest }) {
  const id = rest;
  const [entity, neighbours] = await Promise.all([api.entity(id), api.neighbours(id)]);
  const items = neighbours.items;
  const other = nameOf(entity) === entity.name_zh ? entity.name_en : entity.name_zh;
  const contact = entity.label === "Person" && isStaff() ? contactDetails(entity) : null;
  root.append(...[
    h("header", { class: "entity-head" },
      h("p", {}, labelChip(entity.label), (entity.labels || []).filter((l) => l !== entity.label)
        .map((role) => chip(enumLabel("role", role), "chip-role"))),
      h("h1", {}, nameOf(entity)),
      other && other !== nameOf(entity) ? h("p", { class: "other-name" }, other) : null,
      h("p", { class: "muted id" }, entity.id)),
    actions(entity, items),
    h("div", { class: "entity-grid" },
      h("section", { class: "panel" },
        h("h2", {}, t("entity.properties")),
        propertyList(entity),
        contact ? h("section", { class: "contact-section" }, h("h3", {}, t("entity.contact")), contact) : null,
        h("p", { class: "muted small" }, t("entity.provenance", { s: entity.source || "–", d: entity.as_of || "–" }))),
      eligibility(entity),
      neighbourGraph(entity, items)),
    h("section", { class: "panel neighbours" },
      h("h2", {}, t("entity.neighbours", { n: items.length })),
      neighbourGroups(items))].filter(Boolean));
}
