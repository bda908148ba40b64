// End-to-end: hostile text is shown as text everywhere and never runs. Policy text,
// justifications, group names, emails, file names, commands and share links all carry
// `<img src=x onerror=…>` and `<script>` payloads; the page must show them literally, execute
// nothing, create no element from them, and stay within its Content Security Policy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { acmeProject, example, newPage, openTab, openView, screenshot, shareFragment, startHarness, waitForMatch } from './harness.mjs';

let harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

const IMG = "<img src=x onerror='window.__pwned=(window.__pwned||0)+1'>";
const SCRIPT = '<script>window.__pwned=(window.__pwned||0)+1</script>';
const toml = (s) => JSON.stringify(s); // a TOML basic string is a JSON string for these payloads

test('XSS payloads in every input are shown as text and never execute', async () => {
  const { context, page, log } = await newPage(harness);
  const workspace = example('acme/workspace.toml')
    .replaceAll('"Contractors"', toml(`Contractors ${IMG}`))
    .replace('"bo@vendor.example"', toml(`bo${SCRIPT}@vendor.example`))
    .replace('name = "Acme"', `name = ${toml(`Acme ${SCRIPT}`)}`)
    .replace('file = "team.rules"', `file = ${toml(`team${IMG}.rules`)}`);
  const contractors = example('acme/contractors.requirements.toml').replace(
    'Contractors open changes through the vendor portal.',
    `Contractors ${IMG} ${SCRIPT} portal.`,
  );
  const files = acmeProject().files.map(([name, text]) => {
    if (name === 'contractors.requirements.toml') return [name, contractors];
    if (name === 'team.rules') return [`team${IMG}.rules`, text + `\nprefix_rule(pattern = ["x"], decision = "prompt", justification = ${toml(IMG)})\n`];
    return [name, text];
  });
  const project = acmeProject({
    workspace,
    files,
    scenario: { mode: 'user', user: `bo${SCRIPT}@vendor.example`, command: `git push ${toml(IMG)}` },
    grid: { rows: 'users', commands: `git push\nx "${IMG}"\n` },
  });
  await page.goto(harness.server.url + shareFragment(project));
  await waitForMatch(page, '[data-testid="reason"]', /rejected: Contractors <img src=x onerror='window\.__pwned=\(window\.__pwned\|\|0\)\+1'> <script>/);
  assert.match(await page.getByTestId('trace').innerText(), /Contractors <img src=x onerror=/);

  // Every view, every tab.
  for (const view of ['grid', 'diff', 'lint', 'trace']) {
    await openView(page, view);
    if (view === 'diff') await page.getByTestId('mark-baseline').click();
  }
  for (const tab of await page.locator('[role="tablist"][aria-label="Files"] [role="tab"]').all()) await tab.click();
  await openTab(page, 'Overview');
  // A lint finding and a problem message that quote the payload (an unknown group in a rule).
  await openTab(page, 'workspace.toml');
  const editor = page.getByTestId('workspace-editor');
  await editor.evaluate((el, extra) => {
    el.value += extra;
    el.dispatchEvent(new InputEvent('input', { bubbles: true }));
  }, `\n[[policy_rules]]\ngroup = ${toml(SCRIPT)}\npolicy = ${toml(IMG)}\n`);
  await waitForMatch(page, '[data-testid="diagnostics"]', /unknown group <script>window/);
  await openView(page, 'lint');
  await screenshot(page, 'xss-as-text', { fullPage: true });

  const report = await page.evaluate(() => ({
    pwned: window.__pwned ?? 0,
    images: document.querySelectorAll('img').length,
    scripts: [...document.scripts].filter((s) => !s.src).length,
    handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
  }));
  assert.deepEqual(report, { pwned: 0, images: 0, scripts: 0, handlers: 0 });
  assert.deepEqual(log.violations, [], 'no CSP violation was even attempted');
  assert.deepEqual(log.errors, []);
  assert.ok(log.requests.every((url) => !url.endsWith('/x')), 'no request for the payload image');
  await context.close();
});
