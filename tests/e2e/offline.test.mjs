// End-to-end: what the page fetches, what its Content Security Policy allows, and how it copes
// with hostile input. dist/ must work as plain files, offline, with nothing sent anywhere.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { BASE, distFiles, newPage, open, paste, startHarness, waitForText } from './harness.mjs';

let harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

test('only same-origin files from dist/ are fetched, each once, and nothing after load', async (t) => {
  const { context, page, log } = await newPage(harness);
  await open(harness, page);
  await page.waitForLoadState('networkidle');

  const origin = harness.server.origin;
  const fetched = log.requests.map((url) => {
    assert.ok(url.startsWith(`${origin}${BASE}`), `request outside the page's origin and path: ${url}`);
    return decodeURIComponent(new URL(url).pathname.slice(BASE.length)) || 'index.html';
  });
  t.diagnostic(`fetched: ${fetched.join(', ')}`);
  const files = new Set(distFiles());
  for (const path of fetched) assert.ok(files.has(path), `${path} is not a file in dist/`);
  assert.equal(new Set(fetched).size, fetched.length, `a file was fetched twice: ${fetched.join(', ')}`);
  assert.ok(fetched.some((p) => p.endsWith('.wasm')), 'the engine runs as WebAssembly');

  const before = log.requests.length;
  await page.getByTestId('scenario-command').fill('git commit --amend');
  await page.getByTestId('requirements-editor').fill('[rules]\nprefix_rules = []\n');
  await waitForText(page, 'decision', 'policy error');
  await page.getByTestId('example-select').selectOption('git-review');
  await waitForText(page, 'decision', 'prompt');
  assert.deepEqual(log.requests.slice(before), [], 'editing sends nothing anywhere');

  assert.deepEqual(log.errors, [], 'no uncaught errors');
  assert.deepEqual(log.console, [], 'no console errors or warnings');
  await context.close();
});

test('the strict Content Security Policy holds: no inline script, no violations', async () => {
  const { context, page, log } = await newPage(harness);
  await open(harness, page);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const directives = Object.fromEntries(
    csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]),
  );
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
  assert.deepEqual(directives['style-src'], ["'self'"]);
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('http'), csp);

  const inline = await page.evaluate(
    () => [...document.scripts].filter((s) => !s.src).length + document.querySelectorAll('[style]').length,
  );
  assert.equal(inline, 0, 'no inline scripts or style attributes');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.app), 'started');
  assert.deepEqual(log.violations, []);
  await context.close();
});

test('a 2 MB garbage paste keeps the page working and the text intact', async (t) => {
  const { context, page, log } = await newPage(harness);
  await open(harness, page);
  // Deterministic pseudo-random printable bytes with newlines, NULs and invalid TOML throughout.
  let seed = 42;
  const chars = [];
  for (let i = 0; i < 2 * 1024 * 1024; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const c = seed % 97;
    chars.push(c === 0 ? '\n' : c === 1 ? '\u0000' : String.fromCharCode(32 + (c % 95)));
  }
  const garbage = chars.join('');
  // A paste delivers the whole text in one input event. (Playwright's fill() types through the
  // editing commands, which takes Chromium minutes for 20,000 lines; the page is not what is slow.)
  const elapsed = await page.getByTestId('requirements-editor').evaluate(async (el, text) => {
    const started = performance.now();
    el.focus();
    el.value = text;
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    const decision = document.querySelector('[data-testid="decision"]');
    while (decision.textContent !== 'policy error') await new Promise((r) => setTimeout(r, 10));
    return performance.now() - started;
  }, garbage);
  t.diagnostic(`2 MB paste evaluated and shown after ${Math.round(elapsed)} ms`);
  assert.equal((await page.getByTestId('requirements-editor').inputValue()).length, garbage.length);
  const problem = await page.getByTestId('diagnostic').first().innerText();
  assert.match(problem, /^requirements\.toml:\d+:\d+/);

  // Still responsive: a command edit is evaluated against the (broken) policy at once.
  await page.getByTestId('scenario-command').fill('ls');
  await waitForText(page, 'decision', 'policy error');
  await page.getByTestId('example-select').selectOption('git-review');
  await waitForText(page, 'decision', 'prompt');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('per-edit evaluation time in the browser (measured, not asserted)', async (t) => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  // 1,000 admin rules, then a command that matches the last one.
  const rules = Array.from(
    { length: 1000 },
    (_, i) => `  { pattern = [{ token = "tool${i}" }, { any_of = ["run", "exec"] }], decision = "prompt" },`,
  );
  const big = `[rules]\nprefix_rules = [\n${rules.join('\n')}\n]\n`;
  await page.getByTestId('scenario-command').fill('tool999 run');
  await waitForText(page, 'decision', 'no rule matched');
  await paste(page.getByTestId('requirements-editor'), big);
  await waitForText(page, 'decision', 'prompt');
  t.diagnostic(`engine time to parse 1,000 rules and check: ${await page.getByTestId('eval-time').innerText()}`);
  const samples = await page.evaluate(async () => {
    const input = document.querySelector('[data-testid="scenario-command"]');
    const decision = document.querySelector('[data-testid="decision"]');
    const out = [];
    for (let i = 0; i < 10; i++) {
      const want = i % 2 ? 'prompt' : 'no rule matched';
      const started = performance.now();
      input.value = i % 2 ? 'tool999 run' : 'tool999 build';
      input.dispatchEvent(new InputEvent('input', { bubbles: true }));
      while (decision.textContent !== want) await new Promise((r) => setTimeout(r, 0));
      out.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 120));
    }
    return out;
  });
  samples.sort((a, b) => a - b);
  t.diagnostic(`engine time for the last command edit, as the page shows it: ${await page.getByTestId('eval-time').innerText()}`);
  t.diagnostic(
    `keystroke to shown result, 1,000 rules: median ${samples[5].toFixed(1)} ms, max ${samples[9].toFixed(1)} ms`,
  );
  assert.equal(samples.length, 10);
  await context.close();
});
