#!/usr/bin/env bash
# Builds the npm-ready package crates/policy-wasm/pkg/ (the layout `wasm-pack build --target web` makes):
# cargo (release, wasm32) → wasm-bindgen --target web → wasm-opt -Oz, plus the hand-written JS and types.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"
out=crates/policy-wasm/pkg
cargo build --quiet --locked --release --target wasm32-unknown-unknown -p policy-wasm
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --out-dir "$out" --out-name codex_policy target/wasm32-unknown-unknown/release/policy_wasm.wasm
wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$out/codex_policy_bg.wasm" -o "$out/codex_policy_bg.wasm"
cp crates/policy-wasm/js/index.js crates/policy-wasm/js/index.d.ts crates/policy-wasm/js/package.json "$out/"
printf 'pkg: %s bytes wasm (%s gzipped)\n' "$(stat -c %s "$out/codex_policy_bg.wasm")" "$(gzip -9 -c "$out/codex_policy_bg.wasm" | wc -c)"
