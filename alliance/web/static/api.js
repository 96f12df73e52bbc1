// The one place the console talks to the API (/v1, same origin).
//
// - The staff key lives in sessionStorage (this tab only) and goes out as X-API-Key.
// - Errors are RFC 9457 problem+json; ApiError carries the status, the problem and its
//   field errors (`errors[].field` such as "body.area_m2").
// - Public mode (no key) strips every contact field from every answer, whatever the
//   API sent (people who opted in included): the console shows no contact data at all.
// - Reference data (cities, industries, skills, parks, taxonomy and rail links) is
//   public and changes rarely: kept in localStorage for an hour.
// - Recommendation answers come compact (each path's nodes as ids, named once in
//   `names`; what a policy's matches share written once in `policies`); `withNames`
//   puts both back, so the views read the verbose form (`explain=full`) without the
//   network carrying it.

const KEY_STORAGE = "alliance.apiKey";
const WHO_STORAGE = "alliance.staff";
const REF_PREFIX = "alliance.ref.v1.";
const REF_TTL_MS = 60 * 60 * 1000;
const CONTACT_FIELDS = ["email", "phone", "wechat"];

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    const listed = Array.isArray(this.problem.errors) ? this.problem.errors : [];
    this.fieldErrors = listed.length
      ? listed.map((e) => ({ field: e.field || null, message: e.message || "" }))
      : this.problem.field
        ? [{ field: this.problem.field, message: this.problem.detail || "" }]
        : [];
  }
}

// --------------------------------------------------------------------- staff key

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function getKey() {
  return storage()?.getItem(KEY_STORAGE) || null;
}

/** Who the key belongs to ({name, scopes}), as found when it was entered. */
export function staffInfo() {
  const raw = storage()?.getItem(WHO_STORAGE);
  if (!raw || !getKey()) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

export function isStaff() {
  return Boolean(getKey() && staffInfo());
}

export function canWrite() {
  const info = staffInfo();
  return Boolean(info && (info.scopes || []).some((s) => s === "staff:write" || s === "admin"));
}

export function signOut() {
  storage()?.removeItem(KEY_STORAGE);
  storage()?.removeItem(WHO_STORAGE);
  resultCache.clear();
  window.dispatchEvent(new CustomEvent("staffchange"));
}

/**
 * Check a key and keep it, with its name and scopes from GET /v1/me: the console shows
 * a write control only to a key whose scopes allow it (canWrite).
 */
export async function signIn(key) {
  const headers = { "X-API-Key": key, Accept: "application/json" };
  const me = await fetch("/v1/me", { headers });
  if (!me.ok) throw new ApiError(me.status, await problemOf(me));
  const body = await me.json();
  if (body.anonymous) throw new ApiError(401, { title: "unknown key" });
  const info = { name: body.name || "staff", scopes: body.scopes || [] };
  const store = storage();
  store?.setItem(KEY_STORAGE, key);
  store?.setItem(WHO_STORAGE, JSON.stringify(info));
  resultCache.clear();
  window.dispatchEvent(new CustomEvent("staffchange"));
  return info;
}

// --------------------------------------------------------------------- requests

async function problemOf(response) {
  try {
    const text = await response.text();
    return text ? JSON.parse(text) : { status: response.status };
  } catch {
    return { status: response.status, detail: response.statusText };
  }
}

/** Remove contact data everywhere in `value` (public mode). */
export function redactContacts(value) {
  if (Array.isArray(value)) return value.map(redactContacts);
  if (value && typeof value === "object") {
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      if (CONTACT_FIELDS.includes(key)) continue;
      out[key] = key === "contact" ? null : redactContacts(item);
    }
    return out;
  }
  return value;
}

function isPath(value) {
  return Array.isArray(value.nodes) && Array.isArray(value.rel_types) && Array.isArray(value.forward);
}

const POLICY_LISTS = new Set(["eligible_policies", "near_miss_policies", "founding_team_policies",
  "broker_side"]);

function named(value, names, policies) {
  if (Array.isArray(value)) return value.map((item) => named(item, names, policies));
  if (!value || typeof value !== "object") return value;
  const out = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = POLICY_LISTS.has(key) && Array.isArray(item)
      ? item.map((match) => named({ ...(policies[match?.id] || {}), ...match }, names, policies))
      : named(item, names, policies);
  }
  if (isPath(out)) {
    out.nodes = out.nodes.map((node) => (typeof node === "string"
      ? { id: node, ...(names[node] || { label: "", name_zh: node, name_en: node }) }
      : node));
  }
  return out;
}

/** A compact answer in its verbose form: every path node with its label and names,
 * every policy match with the fields its policy shares (from `policies`), and no `names`
 * or `policies` dictionary (what `explain=full` sends). Other answers are returned as
 * they are. */
export function withNames(data) {
  if (!data || typeof data !== "object" || Array.isArray(data)) return data;
  if (!data.names || typeof data.names !== "object") return data;
  const { names, policies, ...rest } = data;
  return named(rest, names, policies && typeof policies === "object" ? policies : {});
}

function queryString(query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value === null || value === undefined || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The version (ETag) of each entity path last read or written here: a write sends it
 * as If-Match, so an edit made meanwhile by someone else is refused (412), not lost. */
const versions = new Map();
const VERSIONED_WRITES = new Set(["PUT", "PATCH", "DELETE"]);

function remember(method, path, response) {
  const tag = response.headers.get("ETag");
  if (method === "DELETE") versions.delete(path);
  else if (tag && !tag.startsWith("W/") && (method === "GET" || VERSIONED_WRITES.has(method))) {
    versions.set(path, tag.replace(/\.partial"$/, '"'));
  }
}

export async function request(method, path, { query, body, signal } = {}) {
  const key = getKey();
  const headers = { Accept: "application/json, application/problem+json" };
  if (key) headers["X-API-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (VERSIONED_WRITES.has(method) && versions.has(path)) headers["If-Match"] = versions.get(path);
  let response;
  try {
    response = await fetch(`/v1${path}${queryString(query)}`, {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, { title: "network", detail: String(error.message || error) });
  }
  remember(method, path, response);
  if (response.status === 204) return null;
  if (!response.ok) {
    const problem = await problemOf(response);
    if (response.status === 401 && key) signOut();
    throw new ApiError(response.status, problem);
  }
  const data = withNames(await response.json());
  return isStaff() ? data : redactContacts(data);
}

const resultCache = new Map();
const RESULT_CACHE_SIZE = 30;

/** A read-only POST (searches) remembered for the session, so re-rendering (language
 * switch, back button) does not ask again. */
function cachedPost(path, body) {
  const cacheKey = `${path} ${JSON.stringify(body)}`;
  if (!resultCache.has(cacheKey)) {
    const promise = request("POST", path, { body });
    promise.catch(() => resultCache.delete(cacheKey));
    resultCache.set(cacheKey, promise);
    if (resultCache.size > RESULT_CACHE_SIZE) {
      resultCache.delete(resultCache.keys().next().value);
    }
  }
  return resultCache.get(cacheKey);
}

// --------------------------------------------------------------------- reference data

const refMemory = new Map();

function referenceData(name, loader) {
  if (refMemory.has(name)) return refMemory.get(name);
  const promise = (async () => {
    try {
      const raw = localStorage.getItem(REF_PREFIX + name);
      if (raw) {
        const { at, data } = JSON.parse(raw);
        if (Date.now() - at < REF_TTL_MS) return data;
      }
    } catch {
      /* no storage: load */
    }
    const data = await loader();
    try {
      localStorage.setItem(REF_PREFIX + name, JSON.stringify({ at: Date.now(), data }));
    } catch {
      /* full or unavailable: memory only */
    }
    return data;
  })();
  promise.catch(() => refMemory.delete(name));
  refMemory.set(name, promise);
  return promise;
}

async function listAll(collection, fields) {
  const items = [];
  let cursor = null;
  do {
    const page = await request("GET", `/${collection}`, {
      query: { limit: 500, cursor, fields },
    });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

async function inPool(items, size, worker) {
  const out = [];
  let next = 0;
  async function run() {
    while (next < items.length) {
      const index = next++;
      out[index] = await worker(items[index]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, run));
  return out;
}

/**
 * Every relationship of `type` among `ids`. The API has no list of relationships by
 * type; this asks GET /v1/relationships?type= when the server offers it, and otherwise
 * reads each node's neighbours of that type.
 */
async function relationshipsOf(type, ids) {
  try {
    const page = await request("GET", "/relationships", { query: { type, limit: 500 } });
    if (page && Array.isArray(page.items)) return page.items;
  } catch {
    /* not offered: fall back */
  }
  const seen = new Map();
  await inPool(ids, 6, async (id) => {
    const found = await request("GET", `/entities/${encodeURIComponent(id)}/neighbours`, {
      query: { type, limit: 500 },
    });
    for (const item of found.items) {
      const rel = item.relationship;
      seen.set(`${rel.source}|${rel.target}`, rel);
    }
  });
  return [...seen.values()];
}

const NAME_FIELDS = "name_zh,name_en";

export const reference = {
  cities: () => referenceData("cities", () => listAll("cities", `${NAME_FIELDS},lat,lon,province`)),
  industries: () => referenceData("industries", () => listAll("industries", NAME_FIELDS)),
  skills: () => referenceData("skills", () => listAll("skills", `${NAME_FIELDS},category`)),
  parks: () => referenceData("parks", () => listAll("parks", `${NAME_FIELDS},lat,lon`)),
  /** Industries as a tree: [{industry, depth}] in display order. */
  taxonomy: () => referenceData("taxonomy", async () => {
    const industries = await reference.industries();
    const rels = await relationshipsOf("SUBFIELD_OF", industries.map((i) => i.id));
    return rels.map((r) => ({ child: r.source, parent: r.target }));
  }),
  /** The API's OpenAPI document: tells which optional request fields this server has. */
  openapi: () => referenceData("openapi", async () => {
    const response = await fetch("/openapi.json", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new ApiError(response.status, await problemOf(response));
    const spec = await response.json();
    return { components: { schemas: { LandingRequest: spec.components?.schemas?.LandingRequest || {} } } };
  }),
  rail: () => referenceData("rail", async () => {
    const cities = await reference.cities();
    const rels = await relationshipsOf("HSR_LINK", cities.map((c) => c.id));
    return rels.map((r) => ({ a: r.source, b: r.target, minutes: r.properties?.minutes,
                              km: r.properties?.km }));
  }),
};

// --------------------------------------------------------------------- operations

export const api = {
  landing: (body) => cachedPost("/landing/search", body),
  compare: (body) => cachedPost("/landing/compare", body),
  collaborators: (body) => cachedPost("/collaborators/search", body),
  team: (body) => cachedPost("/collaborators/team", body),
  search: (q, labels, limit = 20, signal, cursor) =>
    request("GET", "/search", { query: { q, label: labels, limit, cursor }, signal }),
  entity: (id) => request("GET", `/entities/${encodeURIComponent(id)}`),
  neighbours: (id) => request("GET", `/entities/${encodeURIComponent(id)}/neighbours`, {
    query: { limit: 500 },
  }),
  paths: (body) => cachedPost("/paths", body),
  referral: (id) => request("GET", `/referrals/${encodeURIComponent(id)}`),
  // Notes append and a follow-up date is a plain set: no version to match (like advance).
  updateReferral: (id, body) => request("POST", `/referrals/${encodeURIComponent(id)}/notes`, { body }),
  referrals: (query) => request("GET", "/referrals", { query }),
  funnel: (by) => request("GET", "/funnel", { query: { by } }),
  advance: (id, on) => request("POST", `/referrals/${encodeURIComponent(id)}/advance`,
                               { body: { on } }),
  drop: (id, reason, on) => request("POST", `/referrals/${encodeURIComponent(id)}/drop`,
                                    { body: { reason, on } }),
  createReferral: (body) => request("POST", "/referrals", { body }),
  forgetResults: () => resultCache.clear(),
};
