// The search state lives in the URL hash (#/landing?industry=...&area_m2=2000), so a
// result can be shared. These helpers turn form values into URL parameters and URL
// parameters into request bodies.

/** Form values → URLSearchParams (empty values dropped, lists comma-joined). */
export function toParams(values, extra = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...values, ...extra })) {
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(","));
    } else if (value !== null && value !== undefined && value !== "") {
      params.set(key, String(value));
    }
  }
  return params;
}

export function list(params, name) {
  const raw = params.get(name);
  return raw ? raw.split(",").map((v) => v.trim()).filter(Boolean) : [];
}

/** A number when the text is one; otherwise the text itself, so the API can say what is
 * wrong with it (the console never silently drops an input). */
export function num(text) {
  if (text === null || text === undefined || text === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

export function bool(text) {
  return text === "true" || text === "1";
}

/** Set `body[a][b]` for a dotted name "a.b", skipping undefined values. */
export function assign(body, name, value) {
  if (value === undefined || (Array.isArray(value) && !value.length)) return body;
  const parts = name.split(".");
  let node = body;
  for (const part of parts.slice(0, -1)) {
    node[part] = node[part] || {};
    node = node[part];
  }
  node[parts[parts.length - 1]] = value;
  return body;
}
