#!/usr/bin/env bash
# Vendor the API docs viewers (Swagger UI, ReDoc) from npm into the package, so /docs and
# /redoc work offline (and from mainland China, where public CDNs are often unreachable).
# Run it to upgrade: bump the versions below, run, commit alliance/api/static/docs/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SWAGGER_UI_VERSION="5.35.0"
REDOC_VERSION="2.5.4"
DEST="alliance/api/static/docs"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "swagger-ui-dist@$SWAGGER_UI_VERSION" "redoc@$REDOC_VERSION" >/dev/null)
mkdir -p "$work/swagger" "$work/redoc"
tar -xzf "$work/swagger-ui-dist-$SWAGGER_UI_VERSION.tgz" -C "$work/swagger"
tar -xzf "$work/redoc-$REDOC_VERSION.tgz" -C "$work/redoc"

rm -rf "$DEST"
mkdir -p "$DEST/swagger-ui" "$DEST/redoc"
for file in swagger-ui-bundle.js swagger-ui.css favicon-32x32.png LICENSE NOTICE; do
  cp "$work/swagger/package/$file" "$DEST/swagger-ui/$file"
done
cp "$work/redoc/package/bundles/redoc.standalone.js" "$DEST/redoc/"
cp "$work/redoc/package/bundles/redoc.standalone.js.LICENSE.txt" "$DEST/redoc/"
cp "$work/redoc/package/LICENSE" "$DEST/redoc/LICENSE"
# The source-map comments point at files we do not ship: drop them, so no browser asks.
sed -i -E '/^\/\/# sourceMappingURL=/d' "$DEST/swagger-ui/swagger-ui-bundle.js" \
  "$DEST/redoc/redoc.standalone.js"
sed -i -E 's#/\*\# sourceMappingURL=[^*]*\*/##' "$DEST/swagger-ui/swagger-ui.css"
# ReDoc's "powered by" badge loads its logo from Redocly's CDN: ship an empty image instead.
sed -i 's#https://cdn.redoc.ly/redoc/logo-mini.svg#data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E#g' \
  "$DEST/redoc/redoc.standalone.js"
if grep -q 'cdn\.redoc\.ly' "$DEST/redoc/redoc.standalone.js"; then
  echo "redoc.standalone.js still names cdn.redoc.ly: patch it" >&2; exit 1
fi
cat > "$DEST/VERSIONS" <<VERSIONS
swagger-ui-dist $SWAGGER_UI_VERSION
redoc $REDOC_VERSION
VERSIONS
echo "vendored swagger-ui-dist $SWAGGER_UI_VERSION and redoc $REDOC_VERSION into $DEST"
