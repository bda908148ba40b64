// <codex-policy-example> on the docs page sources (docs/, web/embed/) in headless Chromium, beside a
// stand-in playground page (stand-in/index.html) whose `codex-policy-app` meta names the JS
// package's files: the element's whole path (find the playground, read its meta, load its wasm
// once) runs without a dist/ build. docs.test.mjs repeats the end-to-end checks on the real dist/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, launch, newPage, serve } from './harness.mjs';
import { assertShowsDocumented, decodeShareLink, documentedValues, shownValues, typeInto, waitForLive, waitForOutcome } from './site-checks.mjs';

const PKG = join(ROOT, 'crates/policy-wasm/pkg');
const seed = readFileSync(join(ROOT, 'examples/seed-git-review.requirements.toml'), 'utf8');
let gate = null;
let server;
let browser;

before(async () => {
  if (!existsSync(join(PKG, 'codex_policy_bg.wasm'))) throw new Error('pkg/ is missing: run scripts/build-pkg.sh first');
  server = await serve(
    {
      '/site/docs/': join(ROOT, 'docs'),
      '/site/embed/': join(ROOT, 'web/embed'),
      '/site/pkg/': PKG,
      '/site/': join(ROOT, 'crates/policy-wasm/tests/browser/stand-in'),
      '/pkg/': PKG,
      '/tests/': join(ROOT, 'crates/policy-wasm/tests'),
    },
    { delay: (path) => (path.endsWith('.wasm') ? gate : null) },
  );
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const docsUrl = () => `${server.origin}/site/docs/`;

test('with JavaScript off, every example shows its files, scenario and documented result', async () => {
  const { page, context } = await newPage(browser, { javaScriptEnabled: false });
  await page.goto(docsUrl());
  const first = page.locator('#seed-git-review');
  assert.match(await first.innerText(), /git push origin main/);
  assert.match(await first.innerText(), /Require review before mutating remote history\./);
  assert.equal(await page.locator('#seed-git-review [data-expect="outcome"]').innerText(), 'ask');
  assert.ok(await page.locator('#seed-git-review pre[data-file]').isVisible());
  await context.close();
});

test('the documented result renders before the wasm arrives, then every example goes live', async () => {
  let release;
  gate = new Promise((resolve) => {
    release = resolve;
  });
  const { page, context, log } = await newPage(browser);
  try {
    await page.goto(docsUrl());
    await page.waitForFunction(() => document.querySelector('codex-policy-example')?.dataset.state === 'static');
    const documented = await documentedValues(page);
    const before = await shownValues(page);
    assert.ok(before.every((e) => e.state === 'static'));
    assertShowsDocumented(before, documented);
    assert.equal(await page.locator('#seed-git-review textarea').first().getAttribute('readonly'), '');
    release();
    const states = await waitForLive(page);
    for (const s of states) assert.deepEqual(s, { id: s.id, state: 'live', matches: 'true' });
    assertShowsDocumented(await shownValues(page), documented);
    assert.equal(await page.locator('#seed-git-review textarea').first().getAttribute('readonly'), null);
    // One engine for the whole page: one playground page fetch, one wasm fetch.
    assert.equal(log.requests.filter((u) => u.endsWith('/site/index.html')).length, 1);
    assert.equal(log.requests.filter((u) => u.endsWith('.wasm')).length, 1);
    assert.deepEqual(log.violations, []);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.console, []);
  } finally {
    gate = null;
    release();
    await context.close();
  }
});

test('edits re-evaluate locally: command, user and the policy text', async (t) => {
  const { page, context, log } = await newPage(browser);
  await page.goto(docsUrl());
  await waitForLive(page);
  const firstLive = await page.evaluate(() => performance.getEntriesByName('codex-policy-example:first-live')[0].startTime);
  t.diagnostic(`page load to first live evaluation (stand-in playground, JS package wasm): ${firstLive.toFixed(0)} ms`);
  const example = page.locator('#seed-git-review');
  await typeInto(example.locator('input[data-field="command"]'), 'git status');
  await waitForOutcome(page, 'seed-git-review', 'run-sandboxed');
  assert.equal(await example.getAttribute('data-state'), 'edited');
  assert.equal(await example.getAttribute('data-matches'), 'false');

  await typeInto(example.locator('input[data-field="command"]'), 'git commit -m wip');
  await waitForOutcome(page, 'seed-git-review', 'ask');
  const editor = example.locator('textarea[data-file="requirements.toml"]');
  await editor.evaluate((el) => {
    el.value = el.value.replace('decision = "prompt"', 'decision = "forbidden"');
    el.dispatchEvent(new InputEvent('input', { bubbles: true }));
  });
  await waitForOutcome(page, 'seed-git-review', 'reject');
  assert.match(await example.locator('[data-value="reason"]').innerText(), /^`git commit -m wip` rejected: Require review/);

  const firstMatch = page.locator('#first-match');
  await typeInto(firstMatch.locator('input[data-field="user"]'), 'eli@example.com');
  await waitForOutcome(page, 'first-match', 'ask');
  assert.equal(await firstMatch.locator('[data-value="policy"]').innerText(), 'engineering');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('input the engine rejects shows located diagnostics, and recovers', async () => {
  const { page, context } = await newPage(browser);
  await page.goto(docsUrl());
  await waitForLive(page);
  const example = page.locator('#first-match');
  const editor = example.locator('textarea[data-file="workspace.toml"]');
  const original = await editor.inputValue();
  await editor.evaluate((el) => {
    el.value = `${el.value}\n[surprise]\n`;
    el.dispatchEvent(new InputEvent('input', { bubbles: true }));
  });
  await waitForOutcome(page, 'first-match', 'invalid');
  assert.equal(await example.getAttribute('data-state'), 'error');
  assert.match(await example.locator('[data-value="diagnostic"]').first().innerText(), /^workspace\.toml:\d+:\d+: .*surprise/);
  await editor.evaluate((el, text) => {
    el.value = text;
    el.dispatchEvent(new InputEvent('input', { bubbles: true }));
  }, original);
  await waitForOutcome(page, 'first-match', 'reject');
  await context.close();
});

test('user text is rendered as text, never as markup', async () => {
  const { page, context, log } = await newPage(browser);
  await page.goto(docsUrl());
  await waitForLive(page);
  const hostile = `<img src=x onerror="window.__pwned=1">`;
  const example = page.locator('#seed-git-review');
  await example.locator('textarea').first().evaluate((el, text) => {
    el.value = el.value.replace('Require review before mutating remote history.', text);
    el.dispatchEvent(new InputEvent('input', { bubbles: true }));
  }, hostile.replaceAll('"', "'"));
  await typeInto(example.locator('input[data-field="command"]'), `git push ${hostile}`);
  await page.waitForFunction((h) => document.getElementById('seed-git-review').shadowRoot.textContent.includes(h), hostile.replaceAll('"', "'"));
  const counts = await page.evaluate(() => ({
    images: document.getElementById('seed-git-review').shadowRoot.querySelectorAll('img').length,
    pwned: window.__pwned ?? null,
  }));
  assert.deepEqual(counts, { images: 0, pwned: null });
  assert.deepEqual(log.violations, []);
  await context.close();
});

test('"Open in playground" carries the whole example in the share format', async () => {
  const { page, context } = await newPage(browser);
  await page.goto(docsUrl());
  await waitForLive(page);
  const link = page.locator('#seed-git-review a[part="playground-link"]');
  await page.waitForFunction(() => document.getElementById('seed-git-review').shadowRoot.querySelector('a[href]'));
  const href = await link.getAttribute('href');
  assert.ok(href.startsWith(`${server.origin}/site/index.html#v1.`), href);
  const project = decodeShareLink(href);
  assert.equal(project.v, 1);
  assert.deepEqual(project.files, [['requirements.toml', seed]]);
  assert.match(project.workspace, /system = \{ file = "requirements\.toml", path = "requirements\.toml" \}/);
  assert.equal(project.scenario.command, 'git push origin main');

  // Edits travel too; config values become the playground's pickers.
  await typeInto(page.locator('#seed-git-review input[data-field="command"]'), 'git commit -m x');
  // The link follows every keystroke; wait for the one that carries the whole command.
  let command = null;
  for (const started = Date.now(); command !== 'git commit -m x' && Date.now() - started < 5000; ) {
    command = decodeShareLink(await link.getAttribute('href')).scenario.command;
    if (command !== 'git commit -m x') await page.waitForTimeout(20);
  }
  assert.equal(command, 'git commit -m x');
  const fallback = decodeShareLink(await page.locator('#fallback-warnings a[part="playground-link"]').getAttribute('href'));
  assert.deepEqual(fallback.scenario.config, { approval_policy: 'never', sandbox_mode: 'danger-full-access' });
  const workspace = decodeShareLink(await page.locator('#first-match a[part="playground-link"]').getAttribute('href'));
  assert.equal(workspace.scenario.user, 'sam@example.com');
  assert.deepEqual(
    workspace.files.map(([name]) => name),
    ['locked-down.toml', 'engineering.toml'],
  );
  await context.close();
});

test('the page themes the element through CSS custom properties', async () => {
  const { page, context } = await newPage(browser);
  await page.goto(docsUrl());
  await waitForLive(page);
  const color = () =>
    page.evaluate(() => getComputedStyle(document.getElementById('seed-git-review').shadowRoot.querySelector('a')).color);
  const before = await color();
  await page.evaluate(() => document.getElementById('seed-git-review').style.setProperty('--codex-policy-accent', 'rgb(1, 2, 3)'));
  assert.notEqual(before, 'rgb(1, 2, 3)');
  assert.equal(await color(), 'rgb(1, 2, 3)');
  await context.close();
});

test('with the package as its engine (useEngine), the element needs no playground', async () => {
  const { page, context, log } = await newPage(browser);
  await page.goto(`${server.origin}/tests/browser/package-element.html`);
  const [state] = await waitForLive(page);
  assert.deepEqual(state, { id: 'package-example', state: 'live', matches: 'true' });
  assert.ok(!log.requests.some((u) => u.includes('/site/')), log.requests.join('\n'));
  assert.equal(log.requests.filter((u) => u.endsWith('/pkg/codex_policy_bg.wasm')).length, 1);
  assert.deepEqual(log.violations, []);
  assert.deepEqual(log.errors, []);
  await context.close();
});
