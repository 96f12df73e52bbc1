// Excel export of a landing result: the ranked parks with every score part, their
// policies (eligible and near misses with what is missing) and the city comparison, in
// the page language. SheetJS (vendor/xlsx.mini.min.js, Apache-2.0) is loaded only when
// someone exports; the file is made in the browser, nothing leaves it.

import { nameOf, t, enumLabel } from "./i18n.js";
import { today } from "./dom.js";

let loader = null;

function sheetJs() {
  if (window.XLSX) return Promise.resolve(window.XLSX);
  if (!loader) {
    loader = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL("./vendor/xlsx.mini.min.js", import.meta.url).href;
      script.onload = () => resolve(window.XLSX);
      script.onerror = () => { loader = null; reject(new Error("xlsx")); };
      document.head.append(script);
    });
  }
  return loader;
}

/** The rows of the three sheets (arrays of arrays, header first). */
export function workbookRows({ result, comparison }) {
  const PARTS = (result.parks[0]?.parts || []).map((p) => p.name);
  const parks = [[t("common.rank"), t("rank.col.park"), t("rank.row.city"), t("common.score"),
    ...PARTS.map((p) => t(`part.${p}`)), t("rank.row.rail"), t("prop.rent_cny_m2_month"),
    t("prop.available_area_m2"), t("landing.policyTotal"), t("money.netLine"), t("landing.kind.broker"),
    t("landing.kind.professional")]];
  const policies = [[t("rank.col.park"), t("rank.col.policy"), t("rank.col.kind"),
    t("rank.col.amount"), t("rank.col.eligible"), t("rank.col.missing")]];
  for (const park of result.parks) {
    const part = (name) => park.parts.find((p) => p.name === name)?.value ?? null;
    parks.push([park.rank, nameOf(park.summary.park), nameOf(park.summary.city), park.score,
      ...PARTS.map(part), park.rail_minutes, park.summary.rent_cny_m2_month,
      park.summary.available_area_m2, park.policy_total_cny, park.net_cost?.net_cost_cny ?? null,
      park.brokers_total ?? null,
      park.professionals_total ?? null]);
    for (const policy of [...park.eligible_policies, ...park.near_miss_policies]) {
      policies.push([nameOf(park.summary.park), nameOf(policy), enumLabel("benefit", policy.benefit_kind),
        policy.amount_cny, policy.eligible ? t("common.yes") : t("common.no"),
        (policy.missing || []).join("; ")]);
    }
  }
  const cities = [[t("corridor.col.city"), t("corridor.col.rail"), t("corridor.col.parks"),
    t("corridor.col.best"), t("corridor.col.score"), t("corridor.col.rent"), t("corridor.col.policy")]];
  for (const row of comparison.cities) {
    cities.push([nameOf(row.city), row.rail_minutes, row.parks_meeting_need,
      row.best_park ? nameOf(row.best_park.summary.park) : "", row.best_park?.score ?? null,
      row.rent_cny_m2_month, row.policy_total_cny]);
  }
  return { parks, policies, cities };
}

/** Build the workbook and let the browser save it. */
export async function exportWorkbook(current, refs) {
  const XLSX = await sheetJs();
  const rows = workbookRows(current);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows.parks), t("rank.sheet.parks"));
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows.policies), t("rank.sheet.policies"));
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows.cities), t("rank.sheet.compare"));
  const industry = refs.industries.find((i) => i.id === current.body.industry);
  const slug = (current.body.industry || "landing").replace(/^industry:/, "");
  XLSX.writeFile(book, `landing-${slug}-${today()}.xlsx`, { compression: true });
  return { name: nameOf(industry), rows };
}
