#!/usr/bin/env bash
# Render a batch report.html in headless Chromium and save a PNG, to check it reads well.
#   scripts/screenshot_report.sh OUT/report.html [report.png] [WIDTHxHEIGHT]
# Needs Debian's `chromium` (apt-get install -y chromium). Nothing is fetched from the network:
# the report is self-contained, and background networking is switched off.
set -euo pipefail
report=${1:?usage: scripts/screenshot_report.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]}
png=${2:-${report%.html}.png}
size=${3:-1280x1600}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "chromium not found: apt-get install -y chromium" >&2
  exit 3
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$profile" \
  --screenshot="$png" --window-size="${size/x/,}" "file://$abs" >/dev/null 2>&1
test -s "$png"
echo "$png"
