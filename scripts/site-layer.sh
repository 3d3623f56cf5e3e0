#!/usr/bin/env bash
# Lays out the SiteLayer of infra/template.yaml: the site root the functions
# render changed profiles from (content/ and themes/, under site/, mounted
# at /opt/site on Lambda). Run before `sam build`; run again after changing
# the content or the theme (then `sam build && sam deploy`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/target/site-layer"
rm -rf "$out"
mkdir -p "$out/site"
cp -R "$root/content" "$out/site/content"
cp -R "$root/themes" "$out/site/themes"
for extra in static templates; do
  if [ -d "$root/$extra" ]; then cp -R "$root/$extra" "$out/site/$extra"; fi
done
echo "site layer: $out/site ($(find "$out/site" -type f | wc -l) files)"
