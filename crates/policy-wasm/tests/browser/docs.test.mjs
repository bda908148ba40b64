// The docs page end to end on the built dist/ (scripts/build-web.sh) in headless Chromium, served
// under a sub-path: its <codex-policy-example> elements run on the playground's own wasm (the only
// wasm in dist/), render the documented result before that wasm arrives, re-evaluate edits, and
// their "Open in playground" links open the same example in the app.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, launch, newPage, serve } from './harness.mjs';
import { assertShowsDocumented, documentedValues, shownValues, typeInto, waitForLive, waitForOutcome } from './site-checks.mjs';

const DIST = process.env.DIST_DIR ?? join(ROOT, 'dist');
const BASE = '/codex/playground/';
let gate = null;
let server;
let browser;

before(async () => {
  if (!existsSync(join(DIST, 'docs/index.html'))) throw new Error(`${DIST}/docs/index.html is missing: run scripts/build-web.sh first`);
  server = await serve({ [BASE]: DIST }, { delay: (path) => (path.endsWith('.wasm') ? gate : null) });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const docsUrl = () => `${server.origin}${BASE}docs/`;

test('dist/ ships one wasm, the docs page and the element module', () => {
  const files = readdirSync(DIST, { recursive: true }).map(String);
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `wasm files in dist/: ${wasm.join(', ')}`);
  assert.ok(files.includes(join('docs', 'index.html')));
  assert.ok(files.includes(join('docs', 'docs.css')));
  assert.ok(files.includes(join('embed', 'codex-policy-example.js')));
});

test('documented results show before the wasm arrives; then every example runs on the app’s wasm', async () => {
  let release;
  gate = new Promise((resolve) => {
    release = resolve;
  });
  const { page, context, log } = await newPage(browser);
  try {
    await page.goto(docsUrl());
    await page.waitForFunction(() => document.querySelector('codex-policy-example')?.dataset.state === 'static');
    const documented = await documentedValues(page);
    assertShowsDocumented(await shownValues(page), documented);
    release();
    for (const s of await waitForLive(page)) assert.deepEqual(s, { id: s.id, state: 'live', matches: 'true' });
    assertShowsDocumented(await shownValues(page), documented);
    const wasm = log.requests.filter((u) => u.endsWith('.wasm'));
    assert.equal(wasm.length, 1);
    assert.match(wasm[0], new RegExp(`${BASE}policy-web-[0-9a-f]+_bg\\.wasm$`));
    // The app's wasm did not mount the playground on the docs page.
    const body = await page.evaluate(() => [...document.body.children].map((c) => c.localName));
    assert.deepEqual(body, ['header', 'main', 'footer']);
    assert.deepEqual(log.violations, []);
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.console, []);
  } finally {
    gate = null;
    release();
    await context.close();
  }
});

test('time from page load to the first live evaluation', async (t) => {
  const times = [];
  for (let i = 0; i < 3; i += 1) {
    const { page, context } = await newPage(browser);
    await page.goto(docsUrl());
    await waitForLive(page);
    times.push(
      await page.evaluate(() => {
        const live = performance.getEntriesByName('codex-policy-example:first-live')[0].startTime;
        const ready = performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd;
        return { live, afterReady: live - ready };
      }),
    );
    await context.close();
  }
  assert.equal(times.length, 3);
  const list = (key) => times.map((x) => x[key].toFixed(0)).join(', ');
  t.diagnostic(`first live evaluation, 3 cold loads of dist/docs/: ${list('live')} ms after navigation start (${list('afterReady')} ms after DOMContentLoaded)`);
});

test('an edit re-evaluates with the app’s engine', async () => {
  const { page, context } = await newPage(browser);
  await page.goto(docsUrl());
  await waitForLive(page);
  await typeInto(page.locator('#shell-splitting input[data-field="command"]'), "bash -lc 'cargo build && cargo test'");
  await waitForOutcome(page, 'shell-splitting', 'run-unsandboxed');
  assert.deepEqual(
    await page.locator('#shell-splitting [data-value="command"]').allInnerTexts(),
    ['cargo build — cargo build: allow', 'cargo test — cargo test: allow'],
  );
  await context.close();
});

for (const id of ['seed-git-review', 'first-match', 'fallback-warnings']) {
  test(`"Open in playground" opens #${id} in the app with the same answer`, async () => {
    const { page, context, log } = await newPage(browser);
    await page.goto(docsUrl());
    await waitForLive(page);
    const example = page.locator(`#${id}`);
    const expected = await page.evaluate((which) => {
      const el = document.getElementById(which);
      const text = (key) => el.querySelector(`[data-expect="${key}"]`)?.textContent.trim() ?? null;
      return { outcome: text('outcome'), decision: text('decision'), policy: text('policy'), command: el.getAttribute('command') };
    }, id);
    await page.waitForFunction((which) => document.getElementById(which).shadowRoot.querySelector('a[href]'), id);
    await example.locator('a[part="playground-link"]').click();
    await page.waitForURL((url) => url.pathname === BASE || url.pathname === `${BASE}index.html`);
    await page.locator('[data-testid="outcome-code"]').waitFor({ timeout: 15000 });
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="outcome-code"]')?.textContent === want,
      expected.outcome,
      { timeout: 5000 },
    );
    assert.equal(await page.locator('[data-testid="scenario-command"]').inputValue(), expected.command);
    if (expected.decision) assert.equal(await page.locator('[data-testid="decision"]').innerText(), expected.decision);
    if (expected.policy) assert.equal(await page.locator('[data-testid="policy-name"]').innerText(), expected.policy);
    assert.deepEqual(log.violations, []);
    assert.deepEqual(log.errors, []);
    await context.close();
  });
}
