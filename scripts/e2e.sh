#!/usr/bin/env bash
# Runs the end-to-end tests (tests/e2e/*.test.mjs) against an existing dist/ in headless Chromium.
# Build first with scripts/build-web.sh. Screenshots land in tests/e2e/screenshots/.
#   CHROMIUM=/path/to/chromium  DIST_DIR=/path/to/dist  scripts/e2e.sh [extra node --test args]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f "${DIST_DIR:-dist}/index.html" ]; then
  echo "e2e: ${DIST_DIR:-dist}/index.html is missing; run scripts/build-web.sh first" >&2
  exit 2
fi
if [ ! -d tools/node_modules/playwright-core ]; then
  echo "e2e: tools/node_modules/playwright-core is missing; run scripts/bootstrap.sh --test first" >&2
  exit 2
fi

# One file at a time: each starts its own Chromium, and the machine may have two cores.
exec node --test --test-concurrency=1 "$@" tests/e2e/*.test.mjs
