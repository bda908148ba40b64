// End-to-end: the built dist/ in headless Chromium, driven like a person would (type, click,
// reload), reading what the page shows. Issue 6 flows 1 (open), 2 (edit) and 3 (simulate), plus
// keyboard, dark mode and the phone layout. Run with scripts/e2e.sh after scripts/build-web.sh.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  example,
  newPage,
  open,
  openTab,
  openView,
  paste,
  screenshot,
  startHarness,
  textOf,
  waitForMatch,
  waitForText,
} from './harness.mjs';

const CONTRACTORS = example('acme/contractors.requirements.toml');
const TEAM_RULES = example('acme/team.rules');

let harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

const command = (page) => page.getByTestId('scenario-command');
const user = (page) => page.getByTestId('scenario-user');

/** Clears the command field, types `text` key by key, and waits until the page shows its argv. */
async function typeCommand(page, text, argv = text.split(' ')) {
  await command(page).fill('');
  await command(page).pressSequentially(text);
  try {
    await page.waitForFunction(
      (want) => {
        const shown = [...document.querySelectorAll('[data-testid="argv"] li')].map((li) => li.textContent);
        return JSON.stringify(shown) === JSON.stringify(want);
      },
      argv,
      { timeout: 5000 },
    );
  } catch {
    throw new Error(`the page never showed argv ${JSON.stringify(argv)} for ${JSON.stringify(text)}`);
  }
}

test('1. opens with the acme workspace already evaluated, labelled, with a place to start', async (t) => {
  const { context, page, log } = await newPage(harness);
  await open(harness, page);
  const ready = await page.evaluate(() => Number(document.documentElement.dataset.readyMs));
  t.diagnostic(`load to interactive (navigation start to first evaluated render): ${ready} ms`);

  assert.equal(await textOf(page, 'outcome'), 'Codex refuses to run this');
  assert.equal(await textOf(page, 'decision'), 'forbidden');
  assert.equal(await textOf(page, 'policy-name'), 'contractors');
  assert.equal(await textOf(page, 'reason'), '`git push origin main` rejected: Contractors open changes through the vendor portal.');
  assert.equal(await user(page).inputValue(), 'kim@acme.example');
  assert.equal(await command(page).inputValue(), 'git push origin main');
  assert.match(await textOf(page, 'codex-version'), /^Follows Codex CLI released behaviour \(codex-rs core @ [0-9a-f]{8}\)$/);
  assert.equal(await page.getByTestId('policy-rule').count(), 3, 'the overview lists the ordered policy rules');

  // Labelled controls, the outcome in a live region, results as real tables.
  for (const id of ['scenario-user', 'scenario-command', 'default-policy', 'plain-mode']) {
    const labels = await page.getByTestId(id).evaluate((el) => [...el.labels].map((l) => l.textContent.trim()));
    assert.ok(labels.length > 0 && labels[0] !== '', `${id} has a label`);
  }
  const live = await page.getByTestId('outcome').evaluate((el) => el.closest('[aria-live]')?.getAttribute('aria-live'));
  assert.equal(live, 'polite');
  assert.ok((await page.getByTestId('trace').getByRole('table').count()) >= 3, 'requirements, settings and rules are tables');
  assert.deepEqual(log.errors, []);
  await screenshot(page, 'desktop-light', { fullPage: true });
  await context.close();
});

test('2. the structured panel edits the workspace text: moving a policy rule changes who gets what', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  // kim is in Engineering and Contractors; Contractors comes first.
  const rules = page.getByTestId('policy-rule');
  await rules.nth(2).getByRole('button', { name: 'Move up of rule 3' }).click();
  // The first move renders before the second click looks for "rule 2" (now Engineering's).
  await page.waitForFunction(() => document.getElementById('rule-group-2')?.value === 'Engineering');
  await rules.nth(1).getByRole('button', { name: 'Move up of rule 2' }).click();
  await waitForText(page, 'policy-name', 'baseline');
  assert.equal(await textOf(page, 'outcome'), 'Codex asks before running this');
  assert.equal(await textOf(page, 'reason'), '`git push origin main` requires approval: Require review before mutating remote history.');

  // The text is what changed: the Engineering rule now comes first in workspace.toml.
  await openTab(page, 'workspace.toml');
  const text = await page.getByTestId('workspace-editor').inputValue();
  assert.ok(
    text.indexOf('group = "Engineering"') < text.indexOf('group = "Contractors"'),
    'the rules swapped places in the text',
  );
  assert.ok(text.includes('# Order matters: kim is in Engineering and Contractors'), 'comments are kept');

  // Groups and members: kim leaves Engineering.
  await openTab(page, 'Overview');
  const engineering = page.locator('[data-testid="group-row"][data-group="Engineering"]');
  await engineering.getByTestId('group-members').fill('raj@acme.example, lee@acme.example');
  await engineering.getByTestId('group-members').press('Enter');
  await waitForText(page, 'policy-name', 'contractors');

  // Default policy: someone in no group gets it.
  await user(page).fill('nobody@example.com');
  await waitForText(page, 'policy-name', 'baseline');
  await page.getByTestId('default-policy').selectOption('platform');
  await waitForText(page, 'policy-name', 'platform');
  await openTab(page, 'workspace.toml');
  assert.match(await page.getByTestId('workspace-editor').inputValue(), /\[default_policy\]\npolicy = "platform"/);
  await screenshot(page, 'workspace-text');
  await context.close();
});

test('2. editors: a typo is underlined at its span, listed, explained on hover and caret, and fixable', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await openTab(page, 'contractors.requirements.toml');
  const editor = page.getByTestId('requirements-editor');
  assert.equal(await editor.inputValue(), CONTRACTORS);

  // A decision Codex does not know.
  const broken = CONTRACTORS.replace('decision = "forbidden", justification = "No remote shells."', 'decision = "maybe", justification = "No remote shells."');
  await paste(editor, broken);
  await waitForText(page, 'outcome', 'Codex refuses to start with these requirements');
  const line = broken.split('\n').findIndex((l) => l.includes('"maybe"')) + 1;
  const column = broken.split('\n')[line - 1].indexOf('"maybe"') + 1;
  const item = page.getByTestId('editor-problems').locator('li').first();
  const label = `contractors.requirements.toml:${line}:${column}`;
  await waitForMatch(page, '[data-testid="editor-problems"] li', new RegExp(`^${label.replace(/\./g, '\\.')}`));
  assert.match(await item.innerText(), /unknown variant `?maybe`?, expected one of/);
  assert.equal(await editor.getAttribute('aria-invalid'), 'true');
  assert.ok((await page.locator('.gutter .mark.error').allInnerTexts()).includes(String(line)), 'the gutter marks the line');
  assert.equal(await page.locator('.highlight .d-error').first().innerText(), '"maybe"', 'underlined at the exact span');

  // Clicking the location puts the caret on the span; the status line reads the message out.
  await item.getByRole('button', { name: label }).click();
  const selection = await editor.evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd));
  assert.equal(selection, '"maybe"');
  await editor.press('ArrowRight');
  await editor.press('ArrowLeft');
  await waitForMatch(page, '[data-testid="caret-status"]', /unknown variant/);

  // Hovering the underlined text shows the message as a tooltip.
  const box = await page.locator('.highlight .d-error').first().boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => document.querySelector('#code-input').title.includes('unknown variant'));
  await screenshot(page, 'editor-error');

  // The result's problem list says the same.
  assert.match(await page.getByTestId('diagnostics').innerText(), new RegExp(label.replace(/\./g, '\\.')));
  await paste(editor, CONTRACTORS);
  await waitForText(page, 'outcome', 'Codex refuses to run this');

  // A long file: the highlighted copy stays aligned with the textarea when scrolled far down.
  const long = Array.from({ length: 600 }, (_, i) => `# line ${i + 1}`).join('\n') + '\nallowed_sandbox_modes = ["workspace-write"]\n';
  await paste(editor, long);
  await editor.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
    el.dispatchEvent(new Event('scroll'));
  });
  await page.waitForFunction(() => [...document.querySelectorAll('.highlight .ln')].some((l) => l.textContent.startsWith('allowed_sandbox_modes')));
  const drift = await page.evaluate(() => {
    const area = document.querySelector('#code-input');
    const line = [...document.querySelectorAll('.highlight .ln')].find((l) => l.textContent.startsWith('allowed_sandbox_modes'));
    const expected = area.getBoundingClientRect().top + 10 + 600 * 20 - area.scrollTop;
    return Math.abs(line.getBoundingClientRect().top - expected);
  });
  assert.ok(drift < 1, `the overlay is ${drift}px off the textarea`);
  assert.equal((await page.locator('.highlight .d-error').allTextContents()).join(''), '["workspace-write"]', 'the read-only error is underlined');
  await screenshot(page, 'editor-long-file');
  await paste(editor, CONTRACTORS);

  // Plain mode: no overlay, the same textarea.
  await page.getByTestId('plain-mode').check();
  assert.equal(await page.locator('.highlight').count(), 0);
  assert.equal(await page.getByTestId('requirements-editor').inputValue(), CONTRACTORS);
  await page.getByTestId('plain-mode').uncheck();
  await context.close();
});

test('2. .rules and workspace edits re-evaluate; rule origins jump into the editor', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await user(page).fill('lee@acme.example');
  await typeCommand(page, 'docker run alpine');
  await waitForText(page, 'outcome', 'Codex asks before running this');
  assert.equal(await textOf(page, 'reason'), '`docker run alpine` requires approval: Containers can mount the host; ask first.');

  // The rule's origin opens team.rules with the caret on the rule.
  const origin = page.getByTestId('trace').getByTestId('rule-origin').first();
  await origin.getByRole('button', { name: /^team\.rules:\d+:1$/ }).click();
  const editor = page.getByTestId('rules-editor');
  const selected = await editor.evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd));
  assert.ok(selected.startsWith('prefix_rule(\n    pattern = ["docker", "run"]'), selected);
  assert.equal(await page.locator('.highlight .d-rule').count() > 0, true, 'the deciding rule is marked in the editor');

  // Forbid it in the .rules file.
  await paste(editor, TEAM_RULES.replace('decision = "prompt",\n    justification = "Containers', 'decision = "forbidden",\n    justification = "Containers'));
  await waitForText(page, 'outcome', 'Codex refuses to run this');

  // A Starlark error drops every .rules file (Codex's warning), and requirements rules still apply.
  await paste(editor, 'prefix_rule(pattern = ["docker"], decision = "nope")\n');
  await waitForMatch(page, '[data-testid="diagnostics"]', /nope/);
  await typeCommand(page, 'git push origin main');
  await waitForText(page, 'outcome', 'Codex asks before running this');
  await context.close();
});

test('3. simulate: pick, type or tick who; argv lines; config values and host; the trace explains', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);

  // Pick a user from the workspace.
  await page.getByRole('button', { name: 'raj@acme.example' }).click();
  await typeCommand(page, "bash -lc 'git status && terraform apply'", ['bash', '-lc', 'git status && terraform apply']);
  await waitForText(page, 'outcome', 'Codex asks before running this');
  assert.equal(await textOf(page, 'policy-name'), 'platform');
  const trace = page.getByTestId('trace');
  assert.match(await trace.getByTestId('split').innerText(), /`?bash`? script of plain words .* split into its commands/);
  assert.equal(await trace.getByTestId('split-command').count(), 2);
  const terraform = trace.getByTestId('split-command').nth(1).getByTestId('matched-rule');
  assert.deepEqual(await terraform.locator('.token.hit').allInnerTexts(), ['terraform', 'apply'], 'matched tokens are highlighted');
  assert.match(await terraform.innerText(), /Infrastructure changes need a human\./);
  assert.match(await trace.innerText(), /Policy rule #2 \(group Platform\) is the first that matches/);
  assert.match(await trace.innerText(), /Also matched, but not applied/);
  assert.match(await trace.innerText(), /allowed_sandbox_modes\s+\[read-only, workspace-write, danger-full-access\]\s+cloud requirements/);
  await screenshot(page, 'trace-split', { fullPage: true });

  // Type an email that is in no group: the default policy and the default role.
  await user(page).fill('new.hire@acme.example');
  await waitForText(page, 'policy-name', 'baseline');
  assert.match(await textOf(page, 'identity'), /groups no group · roles Member \(default role\)/);

  // Tick groups directly.
  await page.locator('label[for="who-groups"]').click();
  await page.getByTestId('scenario-groups').getByLabel('Interns').check();
  await waitForText(page, 'outcome', 'This person cannot use Codex on their computer');
  assert.equal(await textOf(page, 'reason'), '403 - Unauthorized. Contact your ChatGPT administrator for access.');
  await page.getByTestId('scenario-groups').getByLabel('Interns').uncheck();
  await page.getByTestId('scenario-groups').getByLabel('Engineering').check();
  await waitForText(page, 'policy-name', 'baseline');

  // argv lines: an argument with spaces and quotes, no shell quoting needed.
  await page.getByTestId('argv-mode').check();
  await paste(command(page), 'git\ncommit\n-m\nsay "hi" it\'s me');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="argv"] li')].map((l) => l.textContent).join('|') === 'git|commit|-m|say "hi" it\'s me');
  await waitForText(page, 'outcome', 'Codex asks before running this');
  await page.getByTestId('argv-mode').uncheck();
  assert.equal(await command(page).inputValue(), `git commit -m "say \\"hi\\" it's me"`);

  // The user's own config: a value the policy disallows falls back, with Codex's warning verbatim.
  await page.getByText('Config, host and Codex version').click();
  await page.getByTestId('config-sandbox_mode').selectOption('danger-full-access');
  await waitForMatch(page, '[data-testid="setting-warning"]', /^Codex warns\s*Configured value for `permission_profile` is disallowed by requirements; falling back to required value ReadOnly\./i);
  await page.getByTestId('config-approval_policy').selectOption('untrusted');
  await typeCommand(page, 'npm install');
  await waitForText(page, 'outcome', 'Codex asks before running this');
  assert.match(await textOf(page, 'amendment'), /Codex offers “Yes, and don't ask again for commands that start with npm install”/);
  assert.match(await page.getByTestId('heuristic').innerText(), /untrusted/);

  // The host name selects a remote_sandbox_config entry of the platform policy.
  await page.locator('label[for="who-user"]').click();
  await user(page).fill('ana@acme.example');
  await page.getByTestId('config-sandbox_mode').selectOption('danger-full-access');
  await page.getByTestId('config-approval_policy').selectOption('');
  await waitForMatch(page, '[data-step="settings"]', /sandbox_mode\s+danger-full-access/);
  await page.getByTestId('scenario-host').fill('build-7.acme.example');
  await waitForMatch(page, '[data-step="settings"]', /sandbox_mode\s+read-only/);

  // Which Codex: the newest heuristics call `rm -r -f` dangerous, the released ones do not.
  await typeCommand(page, 'rm -r -f build');
  await waitForMatch(page, '[data-testid="heuristic"]', /; not dangerous \(/);
  await page.getByTestId('codex-heuristics').selectOption('newest');
  await waitForMatch(page, '[data-testid="heuristic"]', /; dangerous \(/);
  await page.getByTestId('codex-merge').selectOption('v2');
  await page.getByTestId('codex-heuristics').selectOption('released');
  await waitForMatch(page, '[data-testid="heuristic"]', /; not dangerous \(/);
  assert.equal(await page.getByTestId('codex-merge').inputValue(), 'v2');
  assert.match(await textOf(page, 'codex-version'), /, except requirements merge v2 \(newest main\)$/);

  // A cloud-agent internet request: acme gives no role `agent_internet`, so it is blocked, and says why.
  await page.getByTestId('scenario-internet').fill('GET https://pypi.org/simple/');
  await waitForMatch(page, '[data-testid="internet-verdict"]', /^blocked\s+no role of the user grants `?agent_internet`?/);
  await page.getByTestId('scenario-internet').fill('pypi.org');
  await waitForMatch(page, '[data-testid="config-problem"]', /the internet request `?pypi\.org`? is not `?METHOD URL`?/);
  assert.equal(await page.getByTestId('internet-verdict').count(), 0);
  await context.close();
});

test('3. an unterminated quote is pointed at, and the page keeps working', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await command(page).fill('');
  await command(page).pressSequentially('git commit -m "wip');
  await waitForMatch(page, '[data-testid="command-problem"]', /^command:1:15\s/);
  assert.equal(await command(page).getAttribute('aria-invalid'), 'true');
  await command(page).press('"');
  await waitForText(page, 'outcome', 'Codex refuses to run this');
  assert.deepEqual(await page.getByTestId('argv').locator('li').allInnerTexts(), ['git', 'commit', '-m', 'wip']);
  await context.close();
});

test('keyboard: Ctrl+Enter runs, tabs move with arrows, and focus is always visible', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await command(page).fill('ls');
  await command(page).press('Control+Enter');
  await waitForText(page, 'outcome', 'Codex runs this without asking, inside the sandbox');

  // Arrow keys move between result views; the focus ring is visible.
  await page.getByTestId('view-trace').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'view-grid');
  await page.getByTestId('grid').waitFor();
  const ring = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return { outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  assert.ok(ring.outline !== 'none' && ring.width >= 2, `visible focus ring: ${JSON.stringify(ring)}`);

  // Tab from the command reaches the result's first link (where the deciding rule is written).
  await openView(page, 'trace');
  await typeCommand(page, 'git push origin main');
  await waitForText(page, 'outcome', 'Codex refuses to run this');
  await command(page).focus();
  let reached = '';
  for (let i = 0; i < 40 && !/^workspace\.toml:\d+:\d+$/.test(reached); i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement.textContent);
  }
  assert.match(reached, /^workspace\.toml:58:1$/, 'the policy rule that decided is reachable by keyboard');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'workspace-editor');
  await context.close();
});

test('dark mode follows the system, and the toggle overrides it across reloads', async () => {
  const { context, page } = await newPage(harness, { colorScheme: 'dark' });
  await open(harness, page);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const isDark = (rgb) => {
    const [r, g, b] = rgb.match(/\d+/g).map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 64;
  };
  assert.ok(isDark(await background()), 'dark system setting gives a dark page');
  await screenshot(page, 'desktop-dark', { fullPage: true });
  await openTab(page, 'team.rules');
  await screenshot(page, 'editor-dark');

  await page.getByText('Light', { exact: true }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  assert.ok(!isDark(await background()));
  await page.reload();
  await page.getByTestId('decision').waitFor();
  assert.ok(!isDark(await background()), 'the choice survives a reload');
  assert.ok(await page.getByTestId('theme-light').isChecked());
  await page.getByText('Auto', { exact: true }).click();
  assert.ok(isDark(await background()));
  await context.close();
});

test('works on a phone: no sideways scrolling, the answer comes before the editors', async () => {
  const { context, page } = await newPage(harness, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  await open(harness, page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  const top = (id) => page.getByTestId(id).evaluate((el) => el.getBoundingClientRect().top);
  assert.ok((await top('scenario-command')) < (await top('outcome')));
  assert.ok((await top('outcome')) < (await top('workspace-form')));
  await screenshot(page, 'phone', { fullPage: true });
  await openView(page, 'grid');
  await page.getByTestId('grid').waitFor();
  const overflowGrid = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflowGrid <= 0, 'the grid scrolls inside its box');
  await screenshot(page, 'phone-grid');
  await context.close();
});
