// End-to-end: issue 6 flows 7 (share and keep) and 8 (examples gallery): share links (made,
// opened, opened over a draft, hostile), drafts across reloads, import and export of files, copy
// as Markdown, and every example.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import {
  acmeProject,
  example,
  newPage,
  open,
  openTab,
  paste,
  savedDraft,
  screenshot,
  shareFragment,
  startHarness,
  textOf,
  waitForMatch,
  waitForText,
} from './harness.mjs';

let harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

test('7. a share link carries every file and the scenario, and opens in a fresh browser', async () => {
  const { context, page } = await newPage(harness, { permissions: ['clipboard-read', 'clipboard-write'] });
  await open(harness, page);
  await page.getByTestId('scenario-user').fill('raj@acme.example');
  await page.getByTestId('scenario-command').fill('terraform destroy');
  await openTab(page, 'team.rules');
  await paste(page.getByTestId('rules-editor'), example('acme/team.rules') + '\nprefix_rule(pattern = ["terraform"], decision = "forbidden")\n');
  await waitForText(page, 'outcome', 'Codex refuses to run this');

  await page.getByTestId('share-button').click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/codex\/playground\/#v1\.[A-Za-z0-9_-]+$/);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'the link is on the clipboard');
  assert.match(await page.getByTestId('share-box').innerText(), /Link copied/);
  assert.equal(await page.getByTestId('share-warning').count(), link.length > 2000 ? 1 : 0, 'long links, and only they, are warned about');
  await screenshot(page, 'share');

  // A fresh browser (no draft) opens exactly this state, and the fragment leaves the address bar.
  const fresh = await newPage(harness);
  await fresh.page.goto(link);
  // The link is inflated after the default example is on screen, whose outcome is the same: wait
  // for the link's own state first.
  await waitForMatch(fresh.page, '[data-testid="notice"]', /^Opened a shared link\./);
  await waitForText(fresh.page, 'outcome', 'Codex refuses to run this');
  assert.equal(await fresh.page.getByTestId('scenario-user').inputValue(), 'raj@acme.example');
  assert.equal(await fresh.page.getByTestId('scenario-command').inputValue(), 'terraform destroy');
  assert.equal(new URL(fresh.page.url()).hash, '');
  assert.match(await textOf(fresh.page, 'notice'), /^Opened a shared link\./);
  await fresh.context.close();

  // The smallest example makes a short link; a big policy makes a long one, with a warning.
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-seed-git-review').click();
  await page.getByTestId('share-button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="share-link"]')?.value.includes('#v1.'));
  assert.ok((await page.getByTestId('share-link').inputValue()).length < 2000);
  assert.equal(await page.getByTestId('share-warning').count(), 0);
  await page.getByTestId('undo').click();
  await openTab(page, 'platform.requirements.toml');
  const rules = Array.from({ length: 400 }, (_, i) => `  { pattern = [{ token = "tool${i}" }, { any_of = ["run${i * 7}", "exec${i * 13}"] }], decision = "prompt" },`);
  await paste(page.getByTestId('requirements-editor'), `[rules]\nprefix_rules = [\n${rules.join('\n')}\n]\n`);
  await page.getByTestId('share-button').click();
  await waitForMatch(page, '[data-testid="share-warning"]', /^This link is \d+ characters long; chat tools/);
  await context.close();
});

test('7. drafts are saved on every edit and restored after a reload or a crash', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await page.getByTestId('scenario-command').fill('ssh prod');
  await openTab(page, 'baseline.requirements.toml');
  const edited = example('acme/baseline.requirements.toml').replace('# Baseline for most engineers.', '# Edited.');
  await paste(page.getByTestId('requirements-editor'), edited);
  await page.waitForFunction(() => localStorage.getItem('codex-policy-playground/v2/project')?.includes('# Edited.'));
  const draft = await savedDraft(page);
  assert.equal(draft.scenario.command, 'ssh prod');

  // A crash: the page is gone without any unload handler running; a new one restores.
  const crashed = await context.newPage();
  await page.close({ runBeforeUnload: false });
  await crashed.goto(harness.server.url);
  await crashed.getByTestId('decision').waitFor();
  assert.equal(await crashed.getByTestId('scenario-command').inputValue(), 'ssh prod');
  assert.match(await textOf(crashed, 'notice'), /^Restored your draft from this browser\./);
  await openTab(crashed, 'baseline.requirements.toml');
  assert.equal(await crashed.getByTestId('requirements-editor').inputValue(), edited);

  // An emptied file stays empty.
  await paste(crashed.getByTestId('requirements-editor'), '');
  await crashed.reload();
  await crashed.getByTestId('decision').waitFor();
  await openTab(crashed, 'baseline.requirements.toml');
  assert.equal(await crashed.getByTestId('requirements-editor').inputValue(), '');
  await context.close();
});

test('7. a full storage quota keeps the text and says so; the next successful save clears it', async () => {
  const { context, page } = await newPage(harness);
  await context.addInitScript(() => {
    const real = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (window.__quotaFull) throw new DOMException('quota', 'QuotaExceededError');
      return real.call(this, key, value);
    };
  });
  await open(harness, page);
  await page.evaluate(() => (window.__quotaFull = true));
  await page.getByTestId('scenario-command').fill('git status');
  await page.getByTestId('storage-warning').waitFor();
  assert.equal(await page.getByTestId('scenario-command').inputValue(), 'git status', 'nothing typed is lost');
  await page.evaluate(() => (window.__quotaFull = false));
  await page.getByTestId('scenario-command').fill('git status --short');
  await page.getByTestId('storage-warning').waitFor({ state: 'detached' });
  await context.close();
});

test('7. a share link opened over unsaved work keeps both', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await page.getByTestId('scenario-command').fill('my own draft command');
  await page.waitForFunction(() => localStorage.getItem('codex-policy-playground/v2/project')?.includes('my own draft command'));

  // Pasting a link into this tab (a fragment change, no reload).
  const shared = acmeProject({ scenario: { mode: 'user', user: 'lee@acme.example', command: 'cargo test' } });
  await page.goto(harness.server.url + shareFragment(shared));
  await waitForText(page, 'outcome', 'Codex runs this without asking, outside the sandbox');
  assert.match(await textOf(page, 'notice'), /Your previous draft is kept in this browser/);
  await page.getByTestId('restore-draft').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="scenario-command"]').value === 'my own draft command');
  await context.close();
});

test('7. hostile share links: truncated, corrupted, oversized, garbage, future version — the page opens, explains, keeps the draft', async () => {
  const { context, page, log } = await newPage(harness);
  await open(harness, page);
  await page.getByTestId('scenario-command').fill('keep me');
  await page.waitForFunction(() => localStorage.getItem('codex-policy-playground/v2/project')?.includes('keep me'));
  const good = shareFragment(acmeProject());
  const bomb = shareFragment('{"v":1,"workspace":"' + ' '.repeat(20 * 1024 * 1024) + '"}', { raw: true });
  const cases = [
    ['truncated', good.slice(0, Math.floor(good.length / 2)), /damaged or cut short|not valid JSON|not complete base64url/],
    ['truncated at a base64 boundary', good.slice(0, 4 + 4 * Math.floor((good.length - 4) / 8)), /damaged or cut short|not valid JSON/],
    ['corrupted', good.slice(0, 20) + 'AAAAAAAAAAAAAAAA' + good.slice(36), /damaged|not valid JSON|UTF-8/],
    ['not base64url', '#v1.this*is+not/base64', /characters a share link never has/],
    ['a bomb', bomb, /expands to more than 8 MB/],
    ['valid JSON, not a project', shareFragment('{"v":1,"files":[]}', { raw: true }), /has no workspace file/],
    ['not JSON', shareFragment('<script>alert(1)</script>', { raw: true }), /not valid JSON/],
    ['from the future', '#v2.' + good.slice(4), /newer version of the playground \(format v2\)/],
  ];
  for (const [name, hash, why] of cases) {
    await page.goto('about:blank');
    await page.goto(harness.server.url + hash);
    await page.getByTestId('decision').waitFor();
    const notice = await waitForMatch(page, '[data-testid="notice"]', /could not be opened|newer version/);
    assert.match(notice, why, name);
    assert.match(notice, /Your draft is unchanged\./, name);
    assert.equal(await page.getByTestId('scenario-command').inputValue(), 'keep me', `${name}: the draft is kept`);
    assert.equal(new URL(page.url()).hash, '', `${name}: the fragment is cleared`);
  }
  assert.ok(bomb.length < 200_000, 'the bomb is small compressed');
  await screenshot(page, 'hostile-link');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('7. import and export files; copy the result as Markdown', async () => {
  const { context, page } = await newPage(harness, { permissions: ['clipboard-read', 'clipboard-write'] });
  await open(harness, page);

  // Export: one file, then all of them.
  await page.getByTestId('export-button').click();
  const [one] = await Promise.all([page.waitForEvent('download'), page.locator('.menu-item', { hasText: 'team.rules' }).click()]);
  assert.equal(one.suggestedFilename(), 'team.rules');
  assert.equal(readFileSync(await one.path(), 'utf8'), example('acme/team.rules'));
  const all = [];
  page.on('download', (d) => all.push(d));
  await page.getByTestId('export-all').click();
  await page.waitForFunction(() => true);
  for (let i = 0; i < 50 && all.length < 5; i++) await page.waitForTimeout(50);
  assert.deepEqual(all.map((d) => d.suggestedFilename()).sort(), [
    'baseline.requirements.toml',
    'contractors.requirements.toml',
    'platform.requirements.toml',
    'team.rules',
    'workspace.toml',
  ]);
  assert.equal(readFileSync(await all.find((d) => d.suggestedFilename() === 'workspace.toml').path(), 'utf8'), example('acme/workspace.toml'));

  // Import: a workspace file and a policy it references.
  await page.getByTestId('import-input').setInputFiles([
    { name: 'draft.workspace.toml', mimeType: 'text/plain', buffer: Buffer.from(example('acme/draft.workspace.toml')) },
    { name: 'platform.requirements.toml', mimeType: 'text/plain', buffer: Buffer.from('allowed_sandbox_modes = ["read-only"]\r\n') },
  ]);
  await waitForMatch(page, '[data-testid="notice"]', /^Imported draft\.workspace\.toml, platform\.requirements\.toml\./);
  await waitForText(page, 'policy-name', 'baseline');
  await openTab(page, 'platform.requirements.toml');
  assert.equal(await page.getByTestId('requirements-editor').inputValue(), 'allowed_sandbox_modes = ["read-only"]\n');

  // Copy as Markdown.
  await page.getByTestId('scenario-command').fill('curl https://example.com');
  await waitForText(page, 'outcome', 'Codex refuses to run this');
  await page.getByTestId('copy-markdown').click();
  await page.waitForFunction(async () => (await navigator.clipboard.readText()).startsWith('**Codex refuses to run this**'));
  const markdown = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(markdown, /^\*\*Codex refuses to run this\*\* \(`reject`, decision `forbidden`\)/);
  assert.match(markdown, /\| curl https:\/\/example\.com \| curl \| forbidden \(decides\) \| Downloads go through the artifact proxy\. \| workspace\.toml:\d+:\d+ \|/);
  assert.match(markdown, /^> `curl https:\/\/example\.com` rejected: Downloads go through the artifact proxy\.$/m);
  await context.close();
});

test('8. examples gallery: every example opens (the seeds verbatim), and undo puts the draft back', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await page.getByTestId('scenario-command').fill('draft before examples');
  const expected = {
    acme: 'Codex refuses to run this',
    'acme-change': null,
    'seed-git-review': 'Codex asks before running this',
    'seed-standard-rollout': 'Codex refuses to start with these requirements',
    'first-match': null,
    'strictest-wins': 'Codex asks before running this',
    'shell-splitting': 'Codex asks before running this',
    'fallback-warnings': 'Codex runs this without asking, inside the sandbox',
  };
  for (const [id, outcome] of Object.entries(expected)) {
    await page.getByTestId('examples-button').click();
    await page.locator('dialog#gallery[open]').waitFor();
    if (id === 'acme') await screenshot(page, 'gallery');
    await page.getByTestId(`example-${id}`).click();
    await page.locator('dialog#gallery[open]').waitFor({ state: 'detached' }).catch(() => {});
    if (outcome) {
      await page.getByTestId('view-trace').click();
      await waitForText(page, 'outcome', outcome);
    }
  }

  // The seeds are verbatim, and the rollout seed's error has a one-click fix.
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-seed-git-review').click();
  await openTab(page, 'seed-git-review.requirements.toml');
  assert.equal(await page.getByTestId('requirements-editor').inputValue(), example('seed-git-review.requirements.toml'));
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-seed-standard-rollout').click();
  await page.getByTestId('view-trace').click();
  await waitForText(page, 'outcome', 'Codex refuses to start with these requirements');
  await openTab(page, 'seed-standard-rollout.requirements.toml');
  assert.equal(await page.getByTestId('requirements-editor').inputValue(), example('seed-standard-rollout.requirements.toml'));
  assert.match(await page.getByTestId('diagnostics').innerText(), /must include 'read-only'/);
  await screenshot(page, 'seed-error', { fullPage: true });
  await page.getByTestId('fix').first().click();
  await waitForText(page, 'outcome', 'Codex runs this without asking, inside the sandbox');
  assert.match(await page.getByTestId('requirements-editor').inputValue(), /allowed_sandbox_modes = \["read-only", "workspace-write"\]/);

  // Undo the last example: the draft before it comes back.
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-acme').click();
  await page.getByTestId('undo').click();
  await openTab(page, 'seed-standard-rollout.requirements.toml');
  assert.match(await page.getByTestId('requirements-editor').inputValue(), /"read-only", "workspace-write"/);
  await context.close();
});
