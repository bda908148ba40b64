// The JS package exercised from Node's test runner, on the real built pkg/ (scripts/build-pkg.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as api from '../pkg/index.js';

const seed = readFileSync(new URL('../../../examples/seed-git-review.requirements.toml', import.meta.url), 'utf8');
const wasm = readFileSync(new URL('../pkg/codex_policy_bg.wasm', import.meta.url));

test('calls before initialize are tagged errors, not exceptions', () => {
  const result = api.check({ command: 'git status' });
  assert.equal(result.kind, 'error');
  assert.equal(result.diagnostics[0].code, 'api/not-initialized');
});

test('initialize shares one instance', async () => {
  const a = api.initialize(wasm);
  const b = api.initialize(wasm);
  assert.equal(a, b);
  await a;
  assert.match(api.codexVersion(), /Codex/);
});

test('check evaluates the seed requirements like codex execpolicy check', async () => {
  await api.initialize(wasm);
  const result = api.check({ requirements: [{ name: 'requirements.toml', text: seed }], command: 'git push origin main' });
  assert.deepEqual(result, {
    kind: 'ok',
    matchedRules: [
      {
        prefixRuleMatch: {
          matchedPrefix: ['git', 'push'],
          decision: 'prompt',
          justification: 'Require review before mutating remote history.',
        },
      },
    ],
    decision: 'prompt',
  });
  const none = api.check({ requirements: [{ name: 'requirements.toml', text: seed }], argv: ['git', 'status'] });
  assert.deepEqual(none, { kind: 'ok', matchedRules: [] });
});

test('bad input gives diagnostics with a location, never a throw', async () => {
  await api.initialize(wasm);
  const broken = api.check({ requirements: [{ name: 'r.toml', text: '[rules]\nprefix_rules = [\n  { pattern = [], decision = "prompt" },\n]\n' }], argv: ['ls'] });
  assert.equal(broken.kind, 'error');
  assert.equal(broken.diagnostics[0].message, 'invalid rules in requirements (set by r.toml): rules prefix_rule at index 0 has an empty pattern');
  assert.equal(broken.diagnostics[0].span.line, 3);
  const cyclic = {};
  cyclic.self = cyclic;
  for (const hostile of [null, undefined, 42, 'x', [], cyclic, { argv: 'ls' }, { argv: [1n] }, { rules: [{ text: 7 }], argv: [] }]) {
    const result = api.check(hostile);
    assert.equal(result.kind, 'error', JSON.stringify(String(hostile)));
    assert.ok(result.diagnostics.length > 0);
  }
});
