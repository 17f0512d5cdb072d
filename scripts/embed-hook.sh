#!/usr/bin/env bash
# Trunk post-build hook (Trunk.toml): writes embed.js into the build from web/embed/embed.js,
# filling in the names Trunk gave the app's wasm-bindgen glue, wasm and stylesheet (they carry
# content hashes). embed.js itself keeps a fixed name: host pages link to it.
set -euo pipefail
staging="${TRUNK_STAGING_DIR:?run by trunk build (Trunk.toml [[hooks]])}"
source_dir="${TRUNK_SOURCE_DIR:-$(pwd)}"

one() { # the single file in the staging dir matching a pattern
  local matches=()
  mapfile -t matches < <(cd "$staging" && compgen -G "$1" || true)
  if [[ ${#matches[@]} -ne 1 ]]; then
    echo "embed-hook: expected one file matching $1 in $staging, found ${#matches[@]}: ${matches[*]}" >&2
    exit 1
  fi
  printf '%s' "${matches[0]}"
}

wasm="$(one 'wanedit-web-*_bg.wasm')"
glue="$(one 'wanedit-web-*.js')"
css="$(one 'style-*.css')"
sed -e "s|__WANEDIT_GLUE__|$glue|g" -e "s|__WANEDIT_WASM__|$wasm|g" -e "s|__WANEDIT_CSS__|$css|g" \
  "$source_dir/web/embed/embed.js" >"$staging/embed.js"
if grep -q '__WANEDIT_' "$staging/embed.js"; then
  echo "embed-hook: a placeholder was left in embed.js" >&2
  exit 1
fi
echo "embed-hook: embed.js -> $glue, $wasm, $css"
