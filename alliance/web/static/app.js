// The console shell: hash router (the whole search state is in the URL), language
// toggle, staff sign-in, and the safety net that keeps the page from ever going blank.

import { ApiError, isStaff, signIn, signOut, staffInfo } from "./api.js";
import { h } from "./dom.js";
import { statusText } from "./forms.js";
import { applyStatic, getLang, setLang, t } from "./i18n.js";
import { errorPanel } from "./ui.js";
import * as admin from "./views/admin.js";
import * as collaborators from "./views/collaborators.js";
import * as entity from "./views/entity.js";
import * as funnel from "./views/funnel.js";
import * as landing from "./views/landing.js";
import * as path from "./views/path.js";
import * as search from "./views/search.js";

/** A page the console does not have: said in the page language, with a way back. */
const notFound = {
  async render(root) {
    root.append(h("section", { class: "panel not-found" },
      h("h1", {}, t("notFound.title")),
      h("p", {}, t("notFound.text", { p: location.hash || "/" })),
      h("p", {}, h("a", { href: "#/landing", class: "button" }, t("notFound.home")))));
  },
};

const ROUTES = { landing, collaborators, entity, funnel, search, path, admin };
const DEFAULT_ROUTE = "landing";

const view = document.getElementById("view");
const banner = document.getElementById("banner");
const toastBox = document.getElementById("toast");

/** The current route: #/name/rest?params */
export function currentRoute() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [pathPart, queryPart = ""] = raw.split("?");
  const [name, ...rest] = pathPart.split("/");
  return {
    name: !name ? DEFAULT_ROUTE : ROUTES[name] ? name : "notFound",
    rest: rest.map(decodeURIComponent).join("/"),
    params: new URLSearchParams(queryPart),
  };
}

/** Go to a route; with the same URL, render again (a re-submitted search runs again). */
export function navigate(name, params = new URLSearchParams(), rest = "") {
  const query = params.toString();
  const hash = `#/${name}${rest ? `/${encodeURIComponent(rest)}` : ""}${query ? `?${query}` : ""}`;
  if (location.hash === hash) render();
  else location.hash = hash;
}

export function toast(message) {
  toastBox.textContent = message;
  toastBox.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => toastBox.classList.remove("show"), 2600);
}

function showBanner(message) {
  banner.replaceChildren(h("span", {}, message),
    h("button", { type: "button", class: "ghost", onclick: () => { banner.hidden = true; } },
      t("common.close")));
  banner.hidden = false;
}

let renderCount = 0;

export async function render() {
  const route = currentRoute();
  const ticket = ++renderCount;
  for (const link of document.querySelectorAll("nav a[data-route]")) {
    if (link.dataset.route === route.name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const root = h("div", { class: `view view-${route.name}` });
  view.replaceChildren(root);
  try {
    await (ROUTES[route.name] || notFound).render(root, {
      params: route.params, rest: route.rest, navigate, toast,
      stale: () => ticket !== renderCount,
    });
  } catch (error) {
    if (error?.name === "AbortError") return;
    console.error(error);
    root.append(errorPanel(error, () => render()));
  }
}

// ------------------------------------------------------------------ shell controls

function renderShell() {
  applyStatic(document);
  document.title = t("app.title");
  const status = document.getElementById("staff-status");
  const button = document.getElementById("staff-button");
  if (isStaff()) {
    status.textContent = t("staff.signedIn", { name: staffInfo().name });
    status.hidden = false;
    button.textContent = t("staff.signOut");
    document.body.classList.add("staff");
  } else {
    status.hidden = true;
    button.textContent = t("staff.button");
    document.body.classList.remove("staff");
  }
}

function setupStaffDialog() {
  const dialog = document.getElementById("staff-dialog");
  const form = document.getElementById("staff-form");
  const input = document.getElementById("staff-key");
  const error = document.getElementById("staff-key-error");
  document.getElementById("staff-button").addEventListener("click", () => {
    if (isStaff()) {
      signOut();
      return;
    }
    input.value = "";
    error.hidden = true;
    dialog.showModal();
    input.focus();
  });
  document.getElementById("staff-cancel").addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.textContent = t("error.required");
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      return;
    }
    try {
      await signIn(key);
      input.removeAttribute("aria-invalid");
      dialog.close();
    } catch (problem) {
      error.textContent = problem instanceof ApiError && problem.status === 401
        ? t("staff.invalid") : statusText(problem);
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  });
}

function setup() {
  document.getElementById("lang-toggle").addEventListener("click", () => {
    setLang(getLang() === "zh" ? "en" : "zh");
  });
  window.addEventListener("langchange", () => {
    banner.hidden = true;
    renderShell();
    render();
  });
  window.addEventListener("staffchange", () => {
    renderShell();
    render();
  });
  window.addEventListener("hashchange", () => {
    render();
    view.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  });
  window.addEventListener("error", (event) => {
    // A browser notice, not a failure of the page.
    if (String(event.message).startsWith("ResizeObserver loop")) return;
    console.error(event.error || event.message);
    showBanner(t("error.page"));
    if (!view.firstElementChild?.childElementCount) render();
  });
  window.addEventListener("unhandledrejection", (event) => {
    console.error(event.reason);
    showBanner(event.reason instanceof ApiError ? statusText(event.reason) : t("error.page"));
  });
  setupStaffDialog();
  search.setupQuickSearch(document.getElementById("quick-search"), navigate);
  renderShell();
  render();
}

setup();
