#!/usr/bin/env bash
# README command 2: install what is missing, then run every test: formatting, lints (native and wasm32),
# the case corpus against engine and CLI, unit and property tests, the built dist/ (size budget and
# end-to-end tests in headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "bootstrap"
scripts/bootstrap.sh --test

step "format"
cargo fmt --all --check

step "supply chain: licences, bans, sources"
cargo deny --all-features check licenses bans sources

step "clippy (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy (wasm32: engine, bindings, app)"
cargo clippy --target wasm32-unknown-unknown --locked -p policy-engine -p policy-wasm -p policy-web -- -D warnings

step "unit, property and corpus tests (engine, CLI, app components)"
cargo test --workspace --locked

step "the corpus through the wasm32 engine in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --locked -p policy-tests --target wasm32-unknown-unknown --test wasm_corpus

step "docs: every example in the docs matches the engine (docs-check)"
cargo run --quiet --locked -p policy-cli -- docs-check docs/ crates/policy-wasm/js/README.md

step "JS package: build pkg/ and run its API tests in Node"
scripts/build-pkg.sh
node --test crates/policy-wasm/tests/api.test.mjs

step "JS package and the docs element in headless Chromium"
node --test --test-concurrency=1 crates/policy-wasm/tests/browser/package.test.mjs crates/policy-wasm/tests/browser/element.test.mjs

step "build dist/ (trunk, release, offline)"
scripts/build-web.sh

step "size budget (dist/, gzipped)"
# The product budget is 300 KB (design.md) and dist/ is over it (BENCHMARKS.md: 529 KB; the engine alone,
# as the JS package's wasm, is 341 KB gzipped). Until the budget is met or changed (issue 9), CI holds a
# ratchet just above the measured size so dist/ cannot grow unnoticed; lower it with every cut.
BUDGET_KB="${BUDGET_KB:-535}" scripts/size-budget.sh dist

step "end-to-end tests on dist/ in headless Chromium"
scripts/e2e.sh

step "the docs page on dist/ in headless Chromium (examples on the app's wasm, links into the app)"
node --test --test-concurrency=1 crates/policy-wasm/tests/browser/docs.test.mjs
