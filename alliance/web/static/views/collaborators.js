// Collaborator finder (#/collaborators?skills=...&asker=...) with the trust path drawn,
// and team mode (#/collaborators?mode=team&vertical=...).

import { api, reference } from "../api.js";
import { fmtCny, h } from "../dom.js";
import {
  checkGroup, checkbox, clearErrors, field, formValues, selectField, showErrors, summaryBox,
} from "../forms.js";
import { enumLabel, getLang, nameOf, t } from "../i18n.js";
import { assign, bool, list, num, toParams } from "../params.js";
import { fromPaths, graphView } from "../graph.js";
import {
  chip, contactDetails, dataText, entityLink, errorPanel, fmtScore, loading, roles, scoreBar,
} from "../ui.js";
import { byCorridor } from "./landing.js";
import { entityPicker } from "./search.js";

const ROLES = ["Lawyer", "Accountant", "PatentAgent", "Investor", "Broker", "Consultant", "ParkContact"];
const CERTS = ["junior", "intermediate", "senior"];
const SKILL_CATEGORIES = ["legal", "ip", "finance", "accounting", "tax", "transfer", "landing", "technology"];
const MAX_HOPS = 6;

/** "1 hop" / "3 hops" (the plural is chosen by t()). */
function hops(key, n) {
  return t(key, { n });
}

function searchBody(params) {
  const body = {};
  assign(body, "asker", params.get("asker") || undefined);
  assign(body, "skills", list(params, "skills"));
  if (bool(params.get("require_all_skills"))) body.require_all_skills = true;
  assign(body, "min_level", num(params.get("min_level")));
  assign(body, "verticals", list(params, "verticals"));
  assign(body, "cities", list(params, "cities"));
  assign(body, "roles", list(params, "roles"));
  assign(body, "min_certification", params.get("min_certification") || undefined);
  assign(body, "max_hops", num(params.get("max_hops")));
  assign(body, "top_k", num(params.get("top_k")));
  return body;
}

function teamBody(params) {
  const body = {};
  assign(body, "asker", params.get("asker") || undefined);
  assign(body, "vertical", params.get("vertical") || undefined);
  assign(body, "cities", list(params, "cities"));
  assign(body, "max_hops", num(params.get("max_hops")));
  assign(body, "shortlist", num(params.get("shortlist")));
  return body;
}

function skillPicker(skills, chosen) {
  const groups = SKILL_CATEGORIES.map((category) => [category,
    skills.filter((s) => s.category === category).sort((a, b) => nameOf(a).localeCompare(nameOf(b)))]);
  const group = checkGroup("skills", "collab.skills", [], chosen, { class: "skill-picker" });
  const listNode = group.querySelector(".check-list");
  for (const [category, items] of groups) {
    if (!items.length) continue;
    listNode.append(h("div", { class: "check-group" },
      h("p", { class: "check-group-title" }, enumLabel("skillcat", category)),
      items.map((skill) => h("label", { class: "check" },
        h("input", { type: "checkbox", name: "skills", value: skill.id, checked: chosen.includes(skill.id) }),
        h("span", {}, nameOf(skill))))));
  }
  const filterId = "skills-filter";
  const filter = h("input", { id: filterId, type: "search", class: "filter",
                              placeholder: t("collab.skillsFilter"), "aria-label": t("collab.skillsFilter"),
                              oninput: () => {
                                const text = filter.value.trim().toLowerCase();
                                for (const label of listNode.querySelectorAll("label.check")) {
                                  label.hidden = Boolean(text) && !label.textContent.toLowerCase().includes(text);
                                }
                              } });
  group.querySelector("legend").after(filter);
  return group;
}

function industryOptions(industries) {
  return [...industries].sort((a, b) => nameOf(a).localeCompare(nameOf(b))).map((i) => [i.id, nameOf(i)]);
}

function modeTabs(mode, params) {
  const keep = new URLSearchParams();
  if (params.get("asker")) keep.set("asker", params.get("asker"));
  const teamParams = new URLSearchParams(keep);
  teamParams.set("mode", "team");
  return h("nav", { class: "tabs", "aria-label": t("collab.mode") },
    h("a", { href: `#/collaborators${keep.toString() ? `?${keep}` : ""}`,
             "aria-current": mode === "search" ? "page" : null }, t("collab.mode.search")),
    h("a", { href: `#/collaborators?${teamParams}`, "aria-current": mode === "team" ? "page" : null },
      t("collab.mode.team")));
}

function buildForm(mode, params, refs, navigate) {
  const value = (name) => params.get(name) || "";
  const cityOptions = byCorridor(refs.cities).map((c) => [c.id, nameOf(c)]);
  const common = [
    summaryBox(),
    entityPicker("asker", "collab.asker", { labels: ["Person"], value: value("asker"),
                                            placeholderKey: "collab.askerPlaceholder" }),
  ];
  const fields = mode === "team" ? [
    selectField("vertical", "collab.vertical",
      [["", t("landing.industryChoose")], ...industryOptions(refs.industries)], value("vertical")),
    checkGroup("cities", "collab.cities", cityOptions, list(params, "cities"), { class: "compact" }),
    h("div", { class: "row" },
      field("max_hops", "collab.maxHops", { type: "number", min: 1, max: MAX_HOPS, step: 1,
                                            inputmode: "numeric", placeholder: "3", value: value("max_hops") }),
      field("shortlist", "collab.shortlist", { type: "number", min: 1, max: 5, step: 1,
                                               inputmode: "numeric", placeholder: "3", value: value("shortlist") })),
  ] : [
    skillPicker(refs.skills, list(params, "skills")),
    checkbox("require_all_skills", "collab.requireAll", bool(value("require_all_skills"))),
    checkGroup("roles", "collab.roles", ROLES.map((r) => [r, enumLabel("role", r)]), list(params, "roles"),
      { class: "compact" }),
    checkGroup("cities", "collab.cities", cityOptions, list(params, "cities"), { class: "compact" }),
    selectField("verticals", "collab.verticals",
      [["", t("common.any")], ...industryOptions(refs.industries)], list(params, "verticals")[0] || ""),
    h("div", { class: "row" },
      selectField("min_level", "collab.minLevel", [["", t("common.any")], ...[1, 2, 3, 4, 5].map((n) => [n, String(n)])],
        value("min_level")),
      selectField("min_certification", "collab.minCert",
        [["", t("common.any")], ...CERTS.map((c) => [c, enumLabel("cert", c)])], value("min_certification"))),
    h("div", { class: "row" },
      field("max_hops", "collab.maxHops", { type: "number", min: 1, max: MAX_HOPS, step: 1,
                                            inputmode: "numeric", placeholder: "3", value: value("max_hops") }),
      field("top_k", "collab.topK", { type: "number", min: 1, max: 100, step: 1, inputmode: "numeric",
                                      placeholder: "10", value: value("top_k") })),
  ];
  const form = h("form", { class: "need-form", novalidate: true },
    ...common, ...fields,
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, t(mode === "team" ? "collab.submitTeam" : "collab.submit")),
      h("button", { type: "button", onclick: () => navigate("collaborators", toParams({ mode: mode === "team" ? "team" : "" })) },
        t("common.reset"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    const values = formValues(form);
    if (mode === "team") values.mode = "team";
    navigate("collaborators", toParams(values));
  });
  return form;
}

// ------------------------------------------------------------------ results

function dealNotes(collaborator) {
  const notes = new Map();
  const path = collaborator.trust_path;
  if (!path) return () => null;
  path.rel_types.forEach((_, i) => {
    const deals = collaborator.trust_steps[i]?.deals || [];
    const text = deals.length ? deals.map(([, year]) => year).join(", ") : t("collab.noDeals");
    notes.set(`${path.nodes[i].id}|${path.nodes[i + 1].id}`, text);
    notes.set(`${path.nodes[i + 1].id}|${path.nodes[i].id}`, text);
  });
  return (a, b) => notes.get(`${a}|${b}`) || null;
}

/** One deal of a tie: its name (data, as entered), year, stage and value. */
function dealText(detail) {
  const bits = [String(detail.year)];
  if (detail.stage) bits.push(enumLabel("referral", detail.stage));
  if (detail.value_cny) bits.push(fmtCny(detail.value_cny, getLang()));
  return [dataText(detail.deal, /[\u3400-\u9fff]/.test(detail.deal) ? "zh" : "en"), ` (${bits.join(" · ")})`];
}

function trustSteps(collaborator) {
  const path = collaborator.trust_path;
  if (!path) return null;
  return h("ol", { class: "trust-steps" }, path.rel_types.map((type, i) => {
    const step = collaborator.trust_steps[i];
    const details = step?.details || [];
    return h("li", {},
      entityLink(path.nodes[i]), ` — ${enumLabel("rel", type)} → `, entityLink(path.nodes[i + 1]),
      step && typeof step.strength === "number"
        ? h("span", { class: "chip chip-tie" }, t("collab.tie", { s: fmtScore(step.strength) })) : null,
      details.length
        ? h("ul", { class: "deals small" }, details.map((d) => h("li", {}, dealText(d))))
        : step?.deals?.length
          ? [t("punct.colon"), dataText(step.deals.map(([deal, year]) => `${deal} (${year})`).join("; "), "en", "span", { class: "muted" })]
          : h("span", { class: "muted" }, `${t("punct.colon")}${t("collab.noDeals")}`));
  }));
}

/** Who to ask, and the results that prove the expertise, from the structured answer. */
function introAndProof(c) {
  const out = [];
  if (c.introduction?.ask) {
    out.push(h("p", { class: "small intro-ask" }, t("collab.askFirst"), t("punct.colon"), entityLink(c.introduction.ask)));
  }
  if (c.proof && (c.proof.landed || c.proof.signed || c.proof.closed_deals)) {
    out.push(h("p", { class: "small proof" }, t("collab.proof", {
      l: c.proof.landed, s: c.proof.signed, d: c.proof.closed_deals })));
  }
  return out;
}

function collaboratorCard(c, refs, wanted, seat = null) {
  const skillName = (id) => nameOf(refs.skillById.get(id)) || id;
  return h("article", { class: "card person-card", dataset: { person: c.person.id } },
    h("header", { class: "card-head" },
      h("span", { class: "rank" }, seat ? t(`team.seat.${seat}`) : `#${c.rank}`),
      h("div", { class: "card-title" },
        h("h3", {}, entityLink(c.person)),
        h("p", {}, roles(c.person),
          c.person.certification_level ? chip(enumLabel("cert", c.person.certification_level), "chip-cert") : null,
          c.cold ? chip(t("collab.cold"), "chip-cold") : chip(hops("collab.hops", c.hops), "chip-warm"),
          h("span", { class: "muted" }, t("collab.collaborations", { n: c.collaborations })))),
      h("div", { class: "score-big" },
        h("span", { class: "score-num" }, fmtScore(c.score, 3)),
        h("span", { class: "score-cap" }, t("common.score")))),
    h("div", { class: "card-body" },
      h("section", { class: "parts" },
        h("h4", {}, t("collab.parts")),
        Object.entries(c.parts).map(([part, value]) => scoreBar(t(`collab.part.${part}`), value))),
      c.trust_path ? h("figure", { class: "why" },
        h("figcaption", {}, t("collab.trustPath")),
        graphView(fromPaths([c.trust_path]), { root: c.trust_path.nodes[0].id, edgeNote: dealNotes(c),
                                               title: `${t("collab.trustPath")}: ${nameOf(c.person)}`,
                                               height: 240, caption: false }),
        trustSteps(c), introAndProof(c)) : introAndProof(c)),
    h("div", { class: "chips" },
      c.skills.map(([id, level]) => chip(t("collab.skillLevel", { s: skillName(id), l: level }),
        wanted.includes(id) ? "chip-skill wanted" : "chip-skill"))),
    h("div", { class: "chips" },
      c.cities.map((id) => chip(nameOf(refs.cityById.get(id)) || id, "chip-city")),
      c.verticals.map((id) => chip(nameOf(refs.industryById.get(id)) || id, "chip-industry"))),
    contactDetails(c.person));
}

function searchResults(result, refs, wanted) {
  return [
    h("h2", { id: "results-title", tabindex: -1 }, t("collab.results")),
    h("p", { class: "muted" }, t("collab.candidates", { n: result.candidates })),
    result.collaborators.length
      ? h("div", { class: "cards" }, result.collaborators.map((c) => collaboratorCard(c, refs, wanted)))
      : h("p", { class: "panel muted" }, t("collab.none")),
  ];
}

function teamResults(result, refs) {
  if (!result.seats.length) return [h("h2", { id: "results-title" }, t("team.results")), h("p", { class: "panel muted" }, t("team.none"))];
  const paths = result.links.map((link) => link.path).filter(Boolean);
  const members = new Map(result.seats.map((s) => [s.member.person.id, s.member]));
  return [
    h("h2", { id: "results-title", tabindex: -1 }, t("team.results")),
    h("p", { class: "muted" }, t("team.score", { s: fmtScore(result.score, 3) }),
      result.missing_seats.length
        ? h("span", { class: "warn" }, ` · ${t("team.missing", { s: result.missing_seats.map((s) => t(`team.seat.${s}`)).join(t("punct.list")) })}`)
        : null),
    result.cohesion ? h("p", { class: "cohesion" }, t("team.cohesion", {
      w: result.cohesion.pairs_worked_together, l: result.cohesion.linked_pairs, n: result.cohesion.pairs })) : null,
    paths.length ? h("figure", { class: "why team-graph" },
      h("figcaption", {}, t("team.links")),
      graphView(fromPaths(paths), { root: result.seats[0].member.person.id, title: t("team.links"),
                                    caption: false }),
      h("ul", { class: "team-links" }, result.links.map((link) => h("li", {},
        entityLink(members.get(link.between[0])?.person), " ↔ ", entityLink(members.get(link.between[1])?.person),
        t("punct.colon"), link.worked_together ? t("team.workedTogether")
          : link.path ? hops("team.apart", link.path.rel_types.length) : t("team.noLink"),
        typeof link.strength === "number" && link.strength > 0
          ? h("span", { class: "chip chip-tie" }, t("collab.tie", { s: fmtScore(link.strength) })) : null)))) : null,
    h("div", { class: "cards" }, result.seats.map((seat) => collaboratorCard(seat.member, refs, [], seat.seat))),
  ];
}

export async function render(root, { params, navigate }) {
  const mode = params.get("mode") === "team" ? "team" : "search";
  root.append(h("h1", {}, t("collab.title")), h("p", { class: "intro" }, t("collab.intro")));
  const holder = h("div", { class: "split" }, loading());
  root.append(holder);
  const [cities, industries, skills] = await Promise.all([
    reference.cities(), reference.industries(), reference.skills()]);
  const refs = {
    cities, industries, skills,
    cityById: new Map(cities.map((c) => [c.id, c])),
    industryById: new Map(industries.map((i) => [i.id, i])),
    skillById: new Map(skills.map((s) => [s.id, s])),
  };
  const form = buildForm(mode, params, refs, navigate);
  const searched = [...params.keys()].some((k) => k !== "mode");
  const narrow = window.matchMedia("(max-width: 820px)").matches;
  const results = h("section", { class: "results", "aria-live": "polite", "aria-labelledby": "results-title" });
  holder.replaceChildren(
    h("aside", { class: "form-pane" },
      modeTabs(mode, params),
      h("details", { class: "form-details", open: !(searched && narrow) },
        h("summary", {}, t(mode === "team" ? "collab.mode.team" : "collab.mode.search")), form)),
    results);
  if (!searched) {
    results.append(h("p", { class: "panel muted start" }, t("collab.start")));
    return;
  }
  results.append(loading());
  try {
    if (mode === "team") {
      const result = await api.team(teamBody(params));
      results.replaceChildren(...teamResults(result, refs).filter(Boolean));
    } else {
      const body = searchBody(params);
      const result = await api.collaborators(body);
      results.replaceChildren(...searchResults(result, refs, body.skills || []).filter(Boolean));
    }
  } catch (error) {
    form.closest("details").open = true;
    const placed = showErrors(form, error);
    results.replaceChildren(placed ? h("p", { class: "panel error-panel" }, t("error.status.422")) : errorPanel(error));
  }
}
