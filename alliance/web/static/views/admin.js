// Admin (#/admin): upload a spreadsheet, read the row-by-row preview (errors highlighted
// at their column), answer "did you mean", apply all or nothing; download templates and
// exports; work through the re-verification queue. Needs a staff key (staff:write to
// import); every request goes to /v1/import* and /v1/verification.

import { ApiError, canWrite, getKey, isStaff, request } from "../api.js";
import { h } from "../dom.js";
import { enumLabel, getLang, registerStrings, t } from "../i18n.js";

registerStrings({
  "nav.admin": ["数据管理", "Data admin"],
  "admin.title": ["数据管理：导入、导出与核实", "Data admin: import, export, verify"],
  "admin.needStaff": ["请先以员工身份登录（需要 staff:write 权限才能导入）。", "Sign in with a staff key first (importing needs staff:write)."],
  "admin.import": ["导入表格", "Import a spreadsheet"],
  "admin.importHint": ["CSV（UTF-8 或 GBK）、XLSX（每个工作表一种记录）或 JSON；表头可用中文、英文或字段名。", "CSV (UTF-8 or GBK), XLSX (a sheet per label) or JSON; headers in Chinese, English or field names."],
  "admin.file": ["文件", "File"],
  "admin.label": ["记录类型", "Label"],
  "admin.auto": ["按文件名或表名判断", "From the file or sheet name"],
  "admin.preview": ["预览", "Preview"],
  "admin.apply": ["全部导入", "Apply all"],
  "admin.applied": ["已导入 {n} 条记录", "{n} {n|record|records} written"],
  "admin.notOk": ["有错误或待确认的行：修正后才能导入（不会写入任何数据）。", "Some rows have errors or open questions: nothing can be written until they are resolved."],
  "admin.count.new": ["新增", "new"],
  "admin.count.changed": ["修改", "changed"],
  "admin.count.unchanged": ["不变", "unchanged"],
  "admin.count.review": ["待确认", "to review"],
  "admin.count.error": ["错误", "errors"],
  "admin.col.sheet": ["工作表", "Sheet"],
  "admin.col.row": ["行", "Row"],
  "admin.col.id": ["编号", "ID"],
  "admin.col.name": ["名称", "Name"],
  "admin.col.status": ["状态", "Status"],
  "admin.col.detail": ["详情", "Details"],
  "admin.didYouMean": ["是否指：", "Did you mean:"],
  "admin.confirm": ["是", "Yes"],
  "admin.reject": ["不是", "No"],
  "admin.leftOut": ["另有 {n} 行未显示", "{n} more {n|row|rows} not shown"],
  "admin.downloads": ["模板与导出", "Templates and exports"],
  "admin.template": ["下载模板", "Download template"],
  "admin.export": ["导出", "Export"],
  "admin.allLabels": ["全部类型", "All labels"],
  "admin.format": ["格式", "Format"],
  "admin.queue": ["待核实", "Re-verification queue"],
  "admin.queueHint": ["超过核实期限的记录，最旧、使用最多的在前。", "Facts past their freshness horizon, oldest and most used first."],
  "admin.queueEmpty": ["没有过期的记录", "Nothing is stale"],
  "admin.checkedOn": ["上次核实", "Checked on"],
  "admin.verifiers": ["由谁核实", "Who should verify"],
  "admin.verify": ["确认无误", "Confirm"],
  "admin.verified": ["已确认：{id}", "Confirmed: {id}"],
});

const LABELS = ["City", "Park", "Industry", "Policy", "Person", "Skill", "Organization", "Company", "Referral"];
const STATUSES = ["error", "review", "new", "changed", "unchanged"];

/** A POST of the kept file to /v1/import (multipart), as the signed-in staff key. */
async function upload(file, { label, dryRun }) {
  const form = new FormData();
  form.append("file", file, file.name);
  const query = new URLSearchParams({ dry_run: String(dryRun) });
  if (label) query.set("label", label);
  const response = await fetch(`/v1/import?${query}`, {
    method: "POST", body: form, headers: { "X-API-Key": getKey() || "", Accept: "application/json" },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/** Fetch a file with the staff key and hand it to the browser as a download. */
async function download(path, fallbackName) {
  const response = await fetch(path, { headers: { "X-API-Key": getKey() || "" } });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
  const match = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
  const link = h("a", { href: URL.createObjectURL(await response.blob()), download: match ? match[1] : fallbackName });
  document.body.append(link);
  link.click();
  link.remove();
}

function errorText(problem) {
  return getLang() === "zh" ? problem.zh : problem.en;
}

function labelSelect(id, emptyKey) {
  return h("select", { id },
    h("option", { value: "" }, t(emptyKey)),
    ...LABELS.map((label) => h("option", { value: label }, enumLabel("label", label))));
}

function detailCell(row, onDecide) {
  const cell = h("td", { class: "detail" });
  for (const problem of row.errors) {
    cell.append(h("div", { class: "cell-error" },
      problem.column ? h("code", { class: "column" }, problem.column) : null, " ", errorText(problem)));
  }
  if (row.suggestions.length) {
    const list = h("div", { class: "did-you-mean" }, h("span", {}, t("admin.didYouMean")));
    for (const s of row.suggestions) {
      list.append(h("span", { class: "suggestion" },
        `${s.name} (${s.candidate}, ${s.score}) `,
        h("button", { type: "button", class: "confirm", onclick: () => onDecide(s, true) }, t("admin.confirm")),
        h("button", { type: "button", class: "ghost reject", onclick: () => onDecide(s, false) }, t("admin.reject"))));
    }
    cell.append(list);
  }
  for (const [field, change] of Object.entries(row.changes)) {
    cell.append(h("div", { class: "change" }, h("code", {}, field), ": ",
      h("del", {}, change.before === null ? "—" : JSON.stringify(change.before)), " → ",
      h("ins", {}, change.after === null ? "—" : JSON.stringify(change.after))));
  }
  return cell;
}

function previewTable(plan, onDecide) {
  const counts = h("p", { class: "counts" }, ...STATUSES.map((status) =>
    h("span", { class: `chip status-${status}`, "data-status": status },
      `${t(`admin.count.${status}`)} ${plan.counts[status]}`)));
  const notes = plan.notes.map((note) => h("p", { class: "note" }, errorText(note)));
  const rows = plan.rows.map((row) => h("tr", { class: `row-${row.status}`, "data-status": row.status },
    h("td", {}, row.sheet || ""), h("td", { class: "num" }, String(row.row)),
    h("td", {}, h("code", {}, row.id || "")), h("td", {}, row.name || ""),
    h("td", {}, h("span", { class: `chip status-${row.status}` }, t(`admin.count.${row.status}`))),
    detailCell(row, onDecide)));
  const table = h("table", { class: "preview" },
    h("thead", {}, h("tr", {}, ...["sheet", "row", "id", "name", "status", "detail"]
      .map((key) => h("th", { scope: "col" }, t(`admin.col.${key}`))))),
    h("tbody", {}, ...rows));
  const more = plan.rows_left_out ? h("p", {}, t("admin.leftOut", { n: plan.rows_left_out })) : null;
  return [counts, ...notes, table, more];
}

function importPanel(toast) {
  const fileInput = h("input", { type: "file", id: "admin-file", accept: ".csv,.xlsx,.json,.jsonl,.txt" });
  const label = labelSelect("admin-label", "admin.auto");
  const result = h("div", { class: "import-result", "aria-live": "polite" });
  const apply = h("button", { type: "button", id: "admin-apply", disabled: true }, t("admin.apply"));
  let file = null;
  const show = (plan) => {
    apply.disabled = !plan.ok || !canWrite();
    result.replaceChildren(...previewTable(plan, decide).filter(Boolean),
      plan.ok ? "" : h("p", { class: "warning" }, t("admin.notOk")));
  };
  const fail = (error) => result.replaceChildren(h("p", { class: "error" }, String(error.message || error)));
  const run = async () => {
    if (!file) return;
    result.replaceChildren(h("p", {}, "…"));
    try {
      show(await upload(file, { label: label.value, dryRun: true }));
    } catch (error) {
      fail(error);
    }
  };
  async function decide(suggestion, confirm) {
    try {
      await request("POST", "/import/decisions", { body: { text: suggestion.text, candidate: suggestion.candidate, confirm } });
      await run();
    } catch (error) {
      fail(error);
    }
  }
  apply.addEventListener("click", async () => {
    apply.disabled = true;
    try {
      const plan = await upload(file, { label: label.value, dryRun: false });
      toast(t("admin.applied", { n: plan.counts.new + plan.counts.changed }));
      await run();
    } catch (error) {
      fail(error);
    }
  });
  const form = h("form", { class: "import-form", onsubmit: (event) => { event.preventDefault(); file = fileInput.files[0] || null; run(); } },
    h("label", { for: "admin-file" }, t("admin.file")), fileInput,
    h("label", { for: "admin-label" }, t("admin.label")), label,
    h("button", { type: "submit", id: "admin-preview" }, t("admin.preview")), apply);
  return h("section", { class: "panel admin-import" }, h("h2", {}, t("admin.import")),
    h("p", { class: "hint" }, t("admin.importHint")), form, result);
}

function downloadsPanel(toast) {
  const templateLabel = h("select", { id: "admin-template-label" }, ...LABELS.map((l) => h("option", { value: l }, enumLabel("label", l))));
  const exportLabel = labelSelect("admin-export-label", "admin.allLabels");
  const format = h("select", { id: "admin-format" }, ...["xlsx", "csv", "jsonl"].map((f) => h("option", { value: f }, f)));
  const guard = (work) => async () => {
    try {
      await work();
    } catch (error) {
      toast(String(error.message || error));
    }
  };
  return h("section", { class: "panel admin-downloads" }, h("h2", {}, t("admin.downloads")),
    h("p", {}, templateLabel, " ", h("button", { type: "button", id: "admin-template", onclick: guard(() =>
      download(`/v1/import/template/${templateLabel.value}`, `${templateLabel.value}-template.xlsx`)) }, t("admin.template"))),
    h("p", {}, exportLabel, " ", h("label", { for: "admin-format" }, t("admin.format")), " ", format, " ",
      h("button", { type: "button", id: "admin-export", onclick: guard(() => {
        const query = new URLSearchParams({ format: format.value });
        if (exportLabel.value) query.set("label", exportLabel.value);
        return download(`/v1/import/export?${query}`, `alliance.${format.value}`);
      }) }, t("admin.export"))));
}

function queuePanel(toast) {
  const body = h("div", { class: "queue" });
  const load = async () => {
    try {
      const { items } = await request("GET", "/verification", { query: { limit: 20 } });
      if (!items.length) {
        body.replaceChildren(h("p", {}, t("admin.queueEmpty")));
        return;
      }
      body.replaceChildren(h("table", { class: "queue-table" },
        h("thead", {}, h("tr", {}, ...["admin.col.id", "admin.col.name", "admin.checkedOn", "admin.verifiers", "admin.col.detail"]
          .map((key) => h("th", { scope: "col" }, t(key))))),
        h("tbody", {}, ...items.map((item) => h("tr", {},
          h("td", {}, h("code", {}, item.entity.id)), h("td", {}, item.entity.name_zh || item.entity.name_en),
          h("td", {}, `${item.freshness.checked_on} (${item.freshness.age_days})`),
          h("td", {}, item.verifiers.map((v) => `${v.name} (${v.reason})`).join(", ") || "—"),
          h("td", {}, canWrite() ? h("button", { type: "button", class: "verify", onclick: async () => {
            await request("POST", `/verification/${encodeURIComponent(item.entity.id)}`, { body: { corrections: {} } });
            toast(t("admin.verified", { id: item.entity.id }));
            load();
          } }, t("admin.verify")) : ""))))));
    } catch (error) {
      body.replaceChildren(h("p", { class: "error" }, String(error.message || error)));
    }
  };
  load();
  return h("section", { class: "panel admin-queue" }, h("h2", {}, t("admin.queue")),
    h("p", { class: "hint" }, t("admin.queueHint")), body);
}

export async function render(root, { toast }) {
  root.append(h("h1", {}, t("admin.title")));
  if (!isStaff()) {
    root.append(h("section", { class: "panel" }, h("p", {}, t("admin.needStaff"))));
    return;
  }
  root.append(importPanel(toast), downloadsPanel(toast), queuePanel(toast));
}
