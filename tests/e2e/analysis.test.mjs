// End-to-end: issue 6 flows 4 (grid), 5 (diff) and 6 (lint) on the built dist/ in headless
// Chromium, driven like a person would.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { newPage, open, openTab, openView, paste, screenshot, startHarness, textOf, waitForMatch, waitForText } from './harness.mjs';

let harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

/** The outcome code of the grid cell for `row` (its header text) and command column `col`. */
async function cell(page, row, col) {
  const tr = page.getByTestId('grid').locator('tbody tr').filter({ has: page.locator('th', { hasText: row }) });
  return tr.getByTestId('grid-cell').nth(col).getAttribute('data-outcome');
}

test('4. grid: every user × command with colour and words; a click opens its trace; it updates live', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await openView(page, 'grid');
  const grid = page.getByTestId('grid');
  await grid.waitFor();
  assert.equal(await grid.getByRole('columnheader').count(), 1 + 9, 'a header for users and one per command');
  assert.equal(await grid.locator('tbody tr').count(), 7, 'six users and (no group)');
  assert.equal(await cell(page, 'kim@acme.example', 1), 'reject');
  assert.equal(await cell(page, 'tia@acme.example', 0), 'denied');
  assert.equal(await cell(page, 'lee@acme.example', 3), 'run-unsandboxed');
  const text = await grid.getByTestId('grid-cell').first().innerText();
  assert.match(text, /^(sandboxed|unsandboxed|asks|rejected|no access|won't start)\n/, 'each cell says its outcome in words');
  await screenshot(page, 'grid');

  // Click-through: raj × terraform apply opens raj's trace for that command.
  const raj = grid.locator('tbody tr').filter({ has: page.locator('th', { hasText: 'raj@acme.example' }) });
  await raj.getByTestId('grid-cell').nth(6).click();
  await waitForText(page, 'outcome', 'Codex asks before running this');
  assert.equal(await page.getByTestId('scenario-user').inputValue(), 'raj@acme.example');
  assert.equal(await page.getByTestId('scenario-command').inputValue(), 'terraform apply');
  assert.equal(await textOf(page, 'policy-name'), 'platform');

  // Live: an edit to a policy shows in the grid at once.
  await openView(page, 'grid');
  await openTab(page, 'platform.requirements.toml');
  const editor = page.getByTestId('requirements-editor');
  const platform = await editor.inputValue();
  await paste(editor, platform.replace('decision = "prompt", justification = "Infrastructure', 'decision = "forbidden", justification = "Infrastructure'));
  await page.waitForFunction(() => {
    const row = [...document.querySelectorAll('[data-testid="grid"] tbody tr')].find((r) => r.querySelector('th').textContent === 'raj@acme.example');
    return row?.querySelectorAll('[data-testid="grid-cell"]')[6]?.dataset.outcome === 'reject';
  });

  // Groups as rows, and a command list typed in.
  await page.getByText('Groups', { exact: true }).last().click();
  await paste(page.getByTestId('grid-commands'), 'ssh prod\ncargo publish\n');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="grid"] thead th').length === 3);
  assert.equal(await page.getByTestId('grid').locator('tbody tr').count(), 6, 'five groups and (no group)');
  assert.equal(await cell(page, 'Contractors', 0), 'reject');
  await context.close();
});

test('5. diff: mark a baseline, edit, and see whose outcomes and settings change, stricter or looser', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await openView(page, 'diff');
  await page.getByTestId('mark-baseline').click();
  await waitForMatch(page, '[data-testid="diff-summary"]', /^No change/);

  // Engineering's rule moves to the top: kim now gets the baseline policy.
  await openTab(page, 'Overview');
  // Each move is awaited before the next: the second button is found by its label, which the
  // first move renames.
  await page.getByRole('button', { name: 'Move up of rule 3' }).click();
  await waitForMatch(page, '[data-testid="user-changes"]', /raj@acme\.example\s+platform \(group Platform\)\s+baseline \(group Engineering\)/);
  await page.getByRole('button', { name: 'Move up of rule 2' }).click();
  await waitForMatch(page, '[data-testid="user-changes"]', /kim@acme\.example\s+contractors \(group Contractors\)\s+baseline \(group Engineering\)/);
  await waitForMatch(page, '[data-testid="diff-summary"]', /Overall\s+mixed/);
  const changes = page.getByTestId('outcome-change');
  const kimPush = changes.filter({ hasText: 'kim@acme.example' }).filter({ hasText: 'git push origin main' });
  assert.match(await kimPush.innerText(), /rejected\s*→\s*asks[\s\S]*looser/);
  const sandbox = page.getByTestId('policy-change').filter({ hasText: 'contractors → baseline' });
  assert.match(await sandbox.innerText(), /allowed_sandbox_modes\s+\[read-only\] \(cloud requirements\)\s+\[read-only, workspace-write\]/);
  await screenshot(page, 'diff', { fullPage: true });

  // A stricter edit: the baseline forbids curl.
  await openTab(page, 'baseline.requirements.toml');
  const editor = page.getByTestId('requirements-editor');
  await paste(editor, (await editor.inputValue()).replace('{ pattern = [{ token = "curl" }], decision = "prompt" }', '{ pattern = [{ token = "curl" }], decision = "forbidden" }'));
  await waitForMatch(page, '[data-testid="outcome-changes"]', /lee@acme\.example\s+curl https:\/\/example\.com[\s\S]*asks\s*→\s*rejected\s*stricter/);

  // A change line opens its trace.
  await page.getByTestId('outcome-change').filter({ hasText: 'lee@acme.example' }).getByRole('button').first().click();
  await waitForText(page, 'outcome', 'Codex refuses to run this');
  assert.equal(await page.getByTestId('scenario-user').inputValue(), 'lee@acme.example');

  // The proposed-change example opens straight on its diff.
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-acme-change').click();
  await waitForMatch(page, '[data-testid="diff-summary"]', /Overall/);
  await page.getByTestId('clear-baseline').click();
  await page.getByTestId('mark-baseline').waitFor();
  await context.close();
});

test('6. lint: findings listed with codes and help, inline in the editors, and a click goes there', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await openTab(page, 'baseline.requirements.toml');
  const editor = page.getByTestId('requirements-editor');
  const baseline = await editor.inputValue();
  // A typo'd key Codex silently ignores, and `allow` in requirements rules.
  await paste(
    editor,
    baseline
      .replace('allowed_web_search_modes', 'allowed_web_serch_modes')
      .replace('{ pattern = [{ token = "curl" }], decision = "prompt" }', '{ pattern = [{ token = "curl" }], decision = "allow" }'),
  );
  await openView(page, 'lint');
  const lint = page.getByTestId('lint');
  await waitForMatch(page, '[data-testid="lint"]', /requirements\/unknown-key/);
  const text = await lint.innerText();
  assert.match(text, /allowed_web_serch_modes/);
  assert.match(text, /help: .*allowed_web_search_modes/);
  assert.match(text, /decision 'allow', which is not permitted|decision `allow`/);
  assert.match(await page.getByTestId('lint-summary').textContent(), /[1-9]\d* errors?/);
  // The agent-internet finding of the workspace file is there too.
  assert.match(text, /workspace\/internet-unreachable/);
  await screenshot(page, 'lint');

  // Click a finding: the caret lands on it.
  const row = lint.getByTestId('diagnostic').filter({ hasText: 'unknown-key' });
  const location = row.getByRole('button').first();
  const label = await location.innerText();
  await location.click();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'requirements-editor');
  const selected = await editor.evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd));
  assert.equal(selected, 'allowed_web_serch_modes', `${label} selects the key`);
  assert.ok((await page.locator('.highlight .d-warning, .highlight .d-error').count()) >= 2, 'findings are underlined inline');

  // A policy rule that can never match (its group's members all matched earlier).
  await openTab(page, 'Overview');
  await page.getByTestId('add-rule').click();
  await waitForMatch(page, '[data-testid="lint"]', /workspace\/unreachable-policy-rule/);
  await context.close();
});
