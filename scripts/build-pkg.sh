#!/usr/bin/env bash
# Builds the npm-ready package crates/policy-wasm/pkg/ (the layout `wasm-pack build --target web` makes):
# cargo (release, wasm32) → wasm-bindgen --target web → wasm-opt -Oz, plus the hand-written JS and types,
# the README and the <codex-policy-example> element (web/embed/, the same file dist/ ships).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"
out=crates/policy-wasm/pkg
# The compiler settings both wasm builds share (see the file).
source scripts/wasm-build-env.sh
cargo build --quiet --locked --release --target wasm32-unknown-unknown -p policy-wasm
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --out-dir "$out" --out-name codex_policy "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/policy_wasm.wasm"
wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$out/codex_policy_bg.wasm" -o "$out/codex_policy_bg.wasm"
cp crates/policy-wasm/js/index.js crates/policy-wasm/js/index.d.ts crates/policy-wasm/js/package.json \
  crates/policy-wasm/js/codex-policy-example.d.ts crates/policy-wasm/js/README.md web/embed/codex-policy-example.js "$out/"
size() { printf '%s bytes (%s gzipped)' "$(stat -c %s "$1")" "$(gzip -9 -c "$1" | wc -c)"; }
printf 'pkg: wasm %s; JS glue + wrapper %s + %s; element %s\n' "$(size "$out/codex_policy_bg.wasm")" \
  "$(size "$out/codex_policy.js")" "$(size "$out/index.js")" "$(size "$out/codex-policy-example.js")"
