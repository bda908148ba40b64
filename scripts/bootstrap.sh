#!/usr/bin/env bash
# Installs every tool the build and the tests need, skipping what is already present.
# Idempotent: safe to run on every invocation of scripts/serve.sh and scripts/test.sh.
#   scripts/bootstrap.sh          tools for building and serving the playground
#   scripts/bootstrap.sh --test   additionally the browser (Debian chromium + chromedriver)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
CARGO_DENY_VERSION=0.20.2

log() { printf '\033[1mbootstrap:\033[0m %s\n' "$*" >&2; }

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The standard library's source: both wasm builds rebuild std for size (scripts/wasm-build-env.sh).
if [ ! -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library/std" ]; then
  log "adding rust component rust-src"
  rustup component add rust-src
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (about 7 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # its --locked build fails; the version pin is what matters (it must equal Cargo.lock's wasm-bindgen)
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# wasm-opt from the npm binaryen package (Debian's binaryen 108 cannot read current rustc output),
# terser (minifies dist/'s JavaScript) and playwright-core (drives the system Chromium in end-to-end
# tests), all pinned in tools/package-lock.json.
if [ ! -x tools/node_modules/.bin/wasm-opt ] || [ ! -x tools/node_modules/.bin/terser ] \
   || [ ! -d tools/node_modules/playwright-core ] \
   || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  log "installing npm tools (binaryen, terser, playwright-core)"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "${1:-}" = "--test" ]; then
  if ! cargo deny --version 2>/dev/null | grep -q "$CARGO_DENY_VERSION"; then
    log "installing cargo-deny $CARGO_DENY_VERSION (licence and source checks)"
    cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
  fi
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    log "installing Debian chromium and chromium-driver"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi
