#!/usr/bin/env bash
# README command 1: install what is missing, build the playground, serve it on http://127.0.0.1:${PORT:-8080}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/build-web.sh
cargo build --quiet --profile native -p policy-cli
exec "${CARGO_TARGET_DIR:-target}/native/codex-policy" serve --dir dist --port "${PORT:-8080}"
