// End-to-end: the built dist/ in headless Chromium, driven like a person would (type, click,
// reload), reading what the page shows. Run with scripts/e2e.sh after scripts/build-web.sh.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { example, newPage, open, screenshot, startHarness, textOf, waitForMatch, waitForText } from './harness.mjs';

const SEED = example('seed-git-review.requirements.toml');
const TEAM_RULES = example('acme/team.rules');
const JUSTIFICATION = 'Require review before mutating remote history.';

let harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

const command = (page) => page.getByTestId('scenario-command');
const requirementsEditor = (page) => page.getByTestId('requirements-editor');
const rulesEditor = (page) => page.getByTestId('rules-editor');

/**
 * Clears the command field, types `text` key by key, and waits until the page shows the result for
 * all of it (each keystroke is evaluated, so an intermediate result may be on screen for a moment).
 */
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

test('opens with the seed example loaded, evaluated and labelled', async (t) => {
  const { context, page } = await newPage(harness);
  const started = Date.now();
  await open(harness, page);
  t.diagnostic(`load to first result: ${Date.now() - started} ms (navigation included)`);
  const timing = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd);
  t.diagnostic(`domContentLoaded: ${Math.round(timing)} ms`);

  assert.equal(await requirementsEditor(page).inputValue(), SEED, 'the seed example is embedded verbatim');
  assert.equal(await rulesEditor(page).inputValue(), '');
  assert.equal(await command(page).inputValue(), 'git push origin main');
  await waitForText(page, 'decision', 'prompt');
  assert.match(await textOf(page, 'codex-version'), /^Follows codex-rs released \(core @ [0-9a-f]{8}\)$/);

  // Every control is labelled, and the outcome is announced.
  for (const id of ['requirements-editor', 'rules-editor', 'scenario-command', 'example-select']) {
    const labels = await page.getByTestId(id).evaluate((el) => [...el.labels].map((l) => l.textContent.trim()));
    assert.ok(labels.length > 0 && labels[0] !== '', `${id} has a label`);
  }
  const live = await page.getByTestId('outcome').evaluate((el) => el.closest('[aria-live]')?.getAttribute('aria-live'));
  assert.equal(live, 'polite');
  assert.equal(await page.getByRole('table').count(), 1, 'the matched rules are a real table');

  await screenshot(page, 'desktop-light', { fullPage: true });
  await context.close();
});

test('typing a command shows the decision and the matched rule with its justification', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);

  await command(page).fill('');
  await waitForText(page, 'decision', 'no command');

  await typeCommand(page, 'git status');
  await waitForText(page, 'decision', 'no rule matched');
  assert.equal(await page.getByTestId('matched-rule').count(), 0);

  await typeCommand(page, 'git push origin main');
  await waitForText(page, 'decision', 'prompt');
  assert.equal(await textOf(page, 'outcome'), 'Codex asks before running this command.');
  assert.deepEqual(await page.getByTestId('argv').locator('li').allInnerTexts(), ['git', 'push', 'origin', 'main']);
  const rows = page.getByTestId('trace').getByTestId('matched-rule');
  assert.equal(await rows.count(), 1);
  const cells = await rows.first().locator('td').allInnerTexts();
  assert.equal(cells[0].replace(/\s+/g, ' ').trim(), 'git push');
  assert.equal(cells[1].trim(), 'prompt');
  assert.equal(await rows.first().locator('.justification-text').innerText(), JUSTIFICATION);
  assert.match(await rows.first().getByTestId('rule-origin').innerText(), /^requirements\.toml:5:2\s+admin \[rules\]$/);

  // A program given by absolute path matches through its basename (host-executable resolution).
  await typeCommand(page, '/usr/bin/git commit -m "fix: typo"', ['/usr/bin/git', 'commit', '-m', 'fix: typo']);
  await waitForText(page, 'decision', 'prompt');
  assert.match(await rows.first().innerText(), /via host executable \/usr\/bin\/git/);
  assert.deepEqual(await page.getByTestId('argv').locator('li').allInnerTexts(), [
    '/usr/bin/git',
    'commit',
    '-m',
    'fix: typo',
  ]);

  // Clicking where the rule was written puts the caret on it.
  await rows.first().getByRole('button', { name: 'requirements.toml:5:2' }).click();
  const caret = await requirementsEditor(page).evaluate((el) => [document.activeElement === el, el.selectionStart]);
  assert.deepEqual(caret, [true, SEED.indexOf('{ pattern')]);

  await screenshot(page, 'desktop-host-executable');
  await context.close();
});

test('a broken requirements.toml is reported at line:column with Codex’s message, and fixing it recovers', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);

  const broken = '[rules]\nprefix_rules = [\n  { pattern = [{ token = "git" }], decision = "maybe" },\n]\n';
  const column = broken.split('\n')[2].indexOf('"maybe"') + 1;
  await requirementsEditor(page).fill(broken);
  await waitForText(page, 'decision', 'policy error');

  const diagnostics = page.getByTestId('diagnostics').getByTestId('diagnostic');
  assert.equal(await diagnostics.count(), 1);
  const text = await diagnostics.first().innerText();
  assert.match(text, new RegExp(`^requirements\\.toml:3:${column}\\b`));
  assert.match(text, /unknown variant maybe, expected one of allow, prompt, forbidden/);
  // The message's backticked parts (serde quotes user input that way) are shown as code.
  assert.deepEqual(await diagnostics.first().locator('.message code').allInnerTexts(), [
    'maybe',
    'allow',
    'prompt',
    'forbidden',
  ]);
  assert.equal(await requirementsEditor(page).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('.gutter .mark').allInnerTexts().then((m) => m.join()), '3');
  assert.equal(await requirementsEditor(page).inputValue(), broken, 'the text is kept as typed');

  await diagnostics.first().getByRole('button', { name: `requirements.toml:3:${column}` }).click();
  const selection = await requirementsEditor(page).evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd));
  assert.equal(selection, '"maybe"');
  await screenshot(page, 'requirements-error', { fullPage: true });

  // Codex's own validation message for a rule it parses but rejects.
  const problem = '[data-testid="diagnostic"]';
  await requirementsEditor(page).fill(broken.replace('"maybe"', '"allow"'));
  await waitForMatch(
    page,
    problem,
    /^requirements\.toml:3:47\s+error\s*invalid rules in requirements \(set by requirements\.toml\): rules prefix_rule at index 0 has decision 'allow', which is not permitted in requirements\.toml/i,
  );
  assert.equal(await textOf(page, 'decision'), 'policy error');

  // A TOML syntax error.
  await requirementsEditor(page).fill('[rules\nprefix_rules = []\n');
  await waitForMatch(page, problem, /^requirements\.toml:1:\d+\s/);
  assert.equal(await textOf(page, 'decision'), 'policy error');

  await requirementsEditor(page).fill(SEED);
  await waitForText(page, 'decision', 'prompt');
  assert.equal(await diagnostics.count(), 0);
  await context.close();
});

test('an unterminated quote in the command is pointed at, and the page keeps working', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await command(page).fill('');
  await command(page).pressSequentially('git commit -m "wip');
  await waitForMatch(page, '[data-testid="diagnostic"]', /^command:1:15\b/);
  assert.equal(await textOf(page, 'decision'), 'no command');
  const text = await page.getByTestId('diagnostics').getByTestId('diagnostic').first().innerText();
  assert.match(text, /^command:1:15\b/);
  assert.match(text, /unterminated quote/);
  await command(page).press('"');
  await waitForText(page, 'decision', 'prompt');
  assert.deepEqual(await page.getByTestId('argv').locator('li').allInnerTexts(), ['git', 'commit', '-m', 'wip']);
  await context.close();
});

test('drafts survive a reload, including an emptied editor', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);

  const requirements = SEED.replace('decision = "prompt"', 'decision = "forbidden"');
  await requirementsEditor(page).fill(requirements);
  await rulesEditor(page).fill(TEAM_RULES);
  await typeCommand(page, 'git commit -m wip');
  await waitForText(page, 'decision', 'forbidden');

  await page.reload();
  await page.getByTestId('decision').waitFor();
  assert.equal(await requirementsEditor(page).inputValue(), requirements);
  assert.equal(await rulesEditor(page).inputValue(), TEAM_RULES);
  assert.equal(await command(page).inputValue(), 'git commit -m wip');
  assert.equal(await textOf(page, 'notice'), 'Restored your draft from this browser.');
  await waitForText(page, 'decision', 'forbidden');

  await requirementsEditor(page).fill('');
  await page.reload();
  await page.getByTestId('decision').waitFor();
  assert.equal(await requirementsEditor(page).inputValue(), '', 'an emptied editor stays empty');
  await context.close();
});

test('loading an example replaces the texts, and undo puts the draft back', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await typeCommand(page, 'git push --force');
  await waitForText(page, 'decision', 'prompt');

  await page.getByTestId('example-select').selectOption('team-rules');
  assert.equal(await rulesEditor(page).inputValue(), TEAM_RULES);
  assert.equal(await command(page).inputValue(), 'git commit -m "release notes"');
  // The admin rule prompts whether or not the .rules file loads (Codex keeps requirements rules).
  await waitForText(page, 'decision', 'prompt');
  assert.match(await textOf(page, 'notice'), /^Loaded “Team \.rules \+ admin review”\.\s*Undo$/);
  await screenshot(page, 'example-team-rules', { fullPage: true });

  await page.getByTestId('undo').click();
  assert.equal(await rulesEditor(page).inputValue(), '');
  assert.equal(await command(page).inputValue(), 'git push --force');
  assert.equal(await page.getByTestId('notice').count(), 0);
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

  await page.getByText('Light', { exact: true }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  assert.ok(!isDark(await background()));
  await page.reload();
  await page.getByTestId('decision').waitFor();
  assert.ok(!isDark(await background()), 'the choice survives a reload');
  assert.ok(await page.getByTestId('theme-light').isChecked());

  await page.getByText('Auto', { exact: true }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), undefined);
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
  assert.ok((await top('scenario-command')) < (await top('decision')));
  assert.ok((await top('decision')) < (await top('requirements-editor')));
  await screenshot(page, 'phone', { fullPage: true });
  await context.close();
});

test('keyboard: Tab goes from the command to the answer, with a visible focus ring', async () => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  await command(page).focus();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { text: el.textContent, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  assert.equal(focused.text, 'requirements.toml:5:2', 'the next stop is where the matched rule was written');
  assert.ok(focused.outline !== 'none' && focused.width >= 2, `visible focus ring: ${JSON.stringify(focused)}`);
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'requirements-editor');
  await context.close();
});
