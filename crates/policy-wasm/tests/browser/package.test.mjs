// The JS package (crates/policy-wasm/pkg, built by scripts/build-pkg.sh) in headless Chromium,
// under the playground's strict CSP: the same scenarios as the Node tests (../scenarios.mjs), run
// in the page, checked here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { scenarios } from '../scenarios.mjs';
import { ROOT, launch, newPage, serve } from './harness.mjs';

const PKG = join(ROOT, 'crates/policy-wasm/pkg');
const seeds = {
  gitReview: readFileSync(join(ROOT, 'examples/seed-git-review.requirements.toml'), 'utf8'),
  standardRollout: readFileSync(join(ROOT, 'examples/seed-standard-rollout.requirements.toml'), 'utf8'),
};

let server;
let browser;
let session;

before(async () => {
  if (!existsSync(join(PKG, 'codex_policy_bg.wasm'))) throw new Error('pkg/ is missing: run scripts/build-pkg.sh first');
  server = await serve({
    '/pkg/': PKG,
    '/tests/': join(ROOT, 'crates/policy-wasm/tests'),
  });
  browser = await launch();
  session = await newPage(browser);
  await session.page.goto(`${server.origin}/tests/browser/package.html`);
  await session.page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('calls before initialize are tagged errors in the browser too', async () => {
  const results = await session.page.evaluate(() => window.codexPolicyTests.beforeInitialize());
  assert.equal(results.length, 6);
  for (const r of results) {
    assert.equal(r.threw, false, r.fn);
    assert.equal(r.kind, 'error', r.fn);
    assert.equal(r.version, null);
  }
});

test('initialize fetches the wasm next to the glue, once', async () => {
  const { shared, version } = await session.page.evaluate(() => window.codexPolicyTests.initialize());
  assert.equal(shared, true);
  assert.match(version, /Codex/);
  const wasm = session.log.requests.filter((url) => url.endsWith('/pkg/codex_policy_bg.wasm'));
  assert.equal(wasm.length, 1);
});

test('every scenario gives the same answer in Chromium as in Node', async () => {
  const results = await session.page.evaluate((s) => window.codexPolicyTests.scenarios(s), seeds);
  const expected = scenarios(seeds);
  assert.equal(results.length, expected.length);
  for (const [i, scenario] of expected.entries()) {
    assert.equal(results[i].name, scenario.name);
    scenario.verify(results[i].result, assert);
  }
  const fns = new Set(expected.map((s) => s.fn));
  assert.deepEqual([...fns].sort(), ['check', 'diff', 'explain', 'grid', 'lint', 'test']);
});

test('hostile input never throws in the browser', async () => {
  const results = await session.page.evaluate(() => window.codexPolicyTests.hostile());
  assert.ok(results.length >= 6 * 10);
  for (const r of results) {
    assert.equal(r.threw, false, `${r.fn}(${r.label}): ${r.message}`);
    assert.equal(r.kind, 'error', `${r.fn}(${r.label})`);
    assert.ok(r.diagnostics > 0, `${r.fn}(${r.label})`);
  }
});

test('no CSP violation, console error or uncaught exception', () => {
  assert.deepEqual(session.log.violations, []);
  assert.deepEqual(session.log.errors, []);
  assert.deepEqual(session.log.console, []);
});
