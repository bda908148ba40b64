// The JS package exercised from Node's test runner, on the real built pkg/ (scripts/build-pkg.sh).
// The same scenarios run in headless Chromium through tests/browser.test.mjs (shared in ./scenarios.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as api from '../pkg/index.js';
import { scenarios, hostileRequests } from './scenarios.mjs';

const wasm = readFileSync(new URL('../pkg/codex_policy_bg.wasm', import.meta.url));
const example = (name) => readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8');
const seeds = {
  gitReview: example('seed-git-review.requirements.toml'),
  standardRollout: example('seed-standard-rollout.requirements.toml'),
};

test('calls before initialize are tagged errors, not exceptions', () => {
  for (const name of ['check', 'explain', 'lint', 'diff', 'grid', 'test']) {
    const result = api[name]({ command: 'git status' });
    assert.equal(result.kind, 'error', name);
    assert.equal(result.diagnostics[0].code, 'api/not-initialized', name);
  }
  assert.equal(api.codexVersion(), null);
});

test('initialize shares one instance', async () => {
  const a = api.initialize(wasm);
  const b = api.initialize(wasm);
  assert.equal(a, b);
  await a;
  assert.match(api.codexVersion(), /Codex/);
});

for (const scenario of scenarios(seeds)) {
  test(scenario.name, async () => {
    await api.initialize(wasm);
    scenario.verify(api[scenario.fn](scenario.request), assert);
  });
}

test('hostile input gives diagnostics, never a throw', async () => {
  await api.initialize(wasm);
  for (const name of ['check', 'explain', 'lint', 'diff', 'grid', 'test']) {
    for (const [label, hostile] of hostileRequests()) {
      let result;
      assert.doesNotThrow(() => {
        result = api[name](hostile);
      }, `${name}(${label})`);
      assert.equal(result.kind, 'error', `${name}(${label})`);
      assert.ok(result.diagnostics.length > 0, `${name}(${label})`);
      for (const d of result.diagnostics) {
        assert.equal(typeof d.message, 'string');
        assert.ok(['error', 'warning', 'info'].includes(d.severity));
      }
    }
  }
});
