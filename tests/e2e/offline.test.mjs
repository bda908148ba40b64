// End-to-end: what the page fetches, what its Content Security Policy allows, and how it copes
// with hostile input. dist/ must work as plain files, offline, with nothing sent anywhere.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { BASE, distFiles, newPage, open, openTab, openView, paste, startHarness, waitForText } from './harness.mjs';

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

  // A full session: every view, every editor, the gallery, a share link, a reload.
  const before = log.requests.length;
  await page.getByTestId('scenario-command').fill('git commit --amend');
  await openTab(page, 'baseline.requirements.toml');
  await paste(page.getByTestId('requirements-editor'), '[rules]\nprefix_rules = [{ pattern = [{ token = "git" }], decision = "allow" }]\n');
  await page.getByTestId('scenario-user').fill('lee@acme.example');
  await waitForText(page, 'outcome', 'Codex refuses to start with these requirements');
  for (const view of ['grid', 'diff', 'lint', 'trace']) {
    await openView(page, view);
    if (view === 'diff') await page.getByTestId('mark-baseline').click();
  }
  await openTab(page, 'team.rules');
  await openTab(page, 'Overview');
  await page.getByRole('button', { name: 'Move up of rule 2' }).click();
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-shell-splitting').click();
  await waitForText(page, 'outcome', 'Codex asks before running this');
  await page.getByTestId('share-button').click();
  const link = await page.getByTestId('share-link').inputValue();
  await page.goto(link);
  await waitForText(page, 'outcome', 'Codex asks before running this');
  await page.reload();
  await waitForText(page, 'outcome', 'Codex asks before running this');
  const session = log.requests.slice(before).filter((url) => !url.startsWith(`${origin}${BASE}`) || !/\/(index\.html)?(\?.*)?$|\.(js|wasm|css|svg)$/.test(new URL(url).pathname));
  assert.deepEqual(session, [], 'a whole session fetches nothing but the page’s own files on reload');
  assert.ok(log.requests.slice(before).every((url) => url.startsWith(`${origin}${BASE}`)), 'nothing is sent anywhere');

  assert.deepEqual(log.errors, [], 'no uncaught errors');
  assert.deepEqual(log.console, [], 'no console errors or warnings');
  assert.deepEqual(log.violations, [], 'no CSP violations over the whole session');
  const inline = await page.evaluate(() => [...document.scripts].filter((s) => !s.src).length + document.querySelectorAll('[style]').length);
  assert.equal(inline, 0, 'no inline scripts or style attributes, even after a whole session');
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
  await openTab(page, 'contractors.requirements.toml');
  const elapsed = await page.getByTestId('requirements-editor').evaluate(async (el, text) => {
    const started = performance.now();
    el.focus();
    el.value = text;
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    const outcome = () => document.querySelector('[data-testid="outcome"]').textContent;
    while (outcome() !== 'Codex refuses to start with these requirements') await new Promise((r) => setTimeout(r, 10));
    return performance.now() - started;
  }, garbage);
  t.diagnostic(`2 MB paste evaluated and shown after ${Math.round(elapsed)} ms`);
  assert.equal((await page.getByTestId('requirements-editor').inputValue()).length, garbage.length);
  const problem = await page.getByTestId('diagnostics').getByTestId('diagnostic').first().innerText();
  assert.match(problem, /^contractors\.requirements\.toml:\d+:\d+/);

  // Still responsive: a command edit is evaluated against the (broken) policy at once, and
  // another user (another policy) is unaffected.
  await page.getByTestId('scenario-command').fill('ls');
  await waitForText(page, 'outcome', 'Codex refuses to start with these requirements');
  await page.getByTestId('scenario-user').fill('lee@acme.example');
  await waitForText(page, 'outcome', 'Codex runs this without asking, inside the sandbox');
  await page.getByTestId('examples-button').click();
  await page.getByTestId('example-seed-git-review').click();
  await waitForText(page, 'decision', 'prompt');
  assert.deepEqual(log.errors, []);
  await context.close();
});

/** Sets a text field's value the way typing a character does and waits until `done()` holds in the page; returns ms. */
async function timedEdit(page, testid, value, check) {
  return page.getByTestId(testid).evaluate(
    async (el, [text, source]) => {
      const done = new Function(`return (${source})();`);
      const started = performance.now();
      el.value = text;
      el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
      while (!done()) await new Promise((r) => setTimeout(r, 0));
      return performance.now() - started;
    },
    [value, check.toString()],
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

test('timings on acme and on a 1,000-rule, 20-group workspace (measured, not asserted)', async (t) => {
  const { context, page } = await newPage(harness);
  await open(harness, page);
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { dcl: n.domContentLoadedEventEnd, ready: Number(document.documentElement.dataset.readyMs) };
  });
  t.diagnostic(`acme: DOMContentLoaded ${Math.round(nav.dcl)} ms, interactive (first evaluated render) ${nav.ready} ms`);
  const engine = async () => page.getByTestId('eval-time').innerText();

  // Command edits on acme: keystroke to the new outcome on screen.
  const commandTimes = [];
  for (let i = 0; i < 10; i++) {
    const [value, want] = i % 2 ? ['git push origin main', 'Codex refuses to run this'] : ['ls', 'Codex runs this without asking, inside the sandbox'];
    commandTimes.push(await timedEdit(page, 'scenario-command', value, new Function(`return () => document.querySelector('[data-testid="outcome"]').textContent === ${JSON.stringify(want)}`)()));
    await page.waitForTimeout(100);
  }
  t.diagnostic(`acme, command edit: keystroke to shown result median ${ms(median(commandTimes))}; engine ${await engine()}`);

  // Policy edits on acme (re-parse, re-lint, re-evaluate).
  await openTab(page, 'contractors.requirements.toml');
  const text = await page.getByTestId('requirements-editor').inputValue();
  const policyTimes = [];
  for (let i = 0; i < 10; i++) {
    const [value, want] = i % 2
      ? [text, 'Codex refuses to run this']
      : [text.replace('decision = "forbidden", justification = "Contractors', 'decision = "prompt", justification = "Contractors'), 'Codex asks before running this'];
    policyTimes.push(await timedEdit(page, 'requirements-editor', value, new Function(`return () => document.querySelector('[data-testid="outcome"]').textContent === ${JSON.stringify(want)}`)()));
    await page.waitForTimeout(100);
  }
  t.diagnostic(`acme, policy edit: keystroke to shown result median ${ms(median(policyTimes))}; engine ${await engine()}`);

  // The grid of acme.
  await openView(page, 'grid');
  await page.getByTestId('grid').waitFor();
  await timedEdit(page, 'grid-commands', 'git status\ngit push origin main\ncargo test\n', () => document.querySelectorAll('[data-testid="grid"] thead th').length === 4);
  t.diagnostic(`acme grid 7 × 3: engine ${await engine()}`);

  // A big workspace: 20 groups of 10 users, a policy of 1,000 prefix rules, 100 grid commands.
  const groups = Array.from({ length: 20 }, (_, g) => `[[groups]]\nname = "G${g}"\nmembers = [${Array.from({ length: 10 }, (_, u) => `"u${g * 10 + u}@big.example"`).join(', ')}]\n`);
  const rulesOf = (n) => Array.from({ length: n }, (_, i) => `  { pattern = [{ token = "tool${i}" }, { any_of = ["run", "exec"] }], decision = "prompt" },`).join('\n');
  const big = {
    workspace: `[workspace]\nname = "Big"\ndefault_role = "M"\n[roles.M]\ncodex_local = true\n${groups.join('\n')}\n[policies.big]\nfile = "big.requirements.toml"\n${Array.from({ length: 20 }, (_, g) => `[[policy_rules]]\ngroup = "G${g}"\npolicy = "big"\n`).join('')}`,
    files: [['big.requirements.toml', `allowed_sandbox_modes = ["read-only", "workspace-write"]\n[rules]\nprefix_rules = [\n${rulesOf(1000)}\n]\n`]],
    scenario: { mode: 'user', user: 'u7@big.example', command: 'tool999 run' },
    grid: { rows: 'users', commands: Array.from({ length: 100 }, (_, i) => `tool${i * 10} ${i % 2 ? 'run' : 'build'}`).join('\n') },
  };
  const { shareFragment } = await import('./harness.mjs');
  await page.goto('about:blank');
  await page.goto(harness.server.url + shareFragment(big));
  await waitForText(page, 'outcome', 'Codex asks before running this');
  t.diagnostic(`1,000 rules: first evaluation (parse + lint + explain) ${await engine()}`);
  const bigCommand = [];
  for (let i = 0; i < 10; i++) {
    const [value, want] = i % 2 ? ['tool999 run', 'Codex asks before running this'] : ['tool999 build', 'Codex runs this without asking, inside the sandbox'];
    bigCommand.push(await timedEdit(page, 'scenario-command', value, new Function(`return () => document.querySelector('[data-testid="outcome"]').textContent === ${JSON.stringify(want)}`)()));
    await page.waitForTimeout(100);
  }
  t.diagnostic(`1,000 rules, command edit: keystroke to shown result median ${ms(median(bigCommand))}; engine ${await engine()}`);
  await openTab(page, 'big.requirements.toml');
  const bigText = await page.getByTestId('requirements-editor').inputValue();
  const bigPolicy = [];
  for (let i = 0; i < 6; i++) {
    const value = i % 2 ? bigText : bigText.replace('"tool999" }, { any_of = ["run", "exec"] }], decision = "prompt"', '"tool999" }, { any_of = ["run", "exec"] }], decision = "forbidden"');
    const want = i % 2 ? 'Codex asks before running this' : 'Codex refuses to run this';
    await page.getByTestId('scenario-command').fill('tool999 run');
    bigPolicy.push(await timedEdit(page, 'requirements-editor', value, new Function(`return () => document.querySelector('[data-testid="outcome"]').textContent === ${JSON.stringify(want)}`)()));
    await page.waitForTimeout(150);
  }
  t.diagnostic(`1,000 rules, policy edit: keystroke to shown result median ${ms(median(bigPolicy))}; engine ${await engine()}`);
  // Typing stays responsive while the policy re-evaluates: keys go through the browser's own
  // editing (as real typing does), and the gap between frames is measured, next to the same
  // text in a bare textarea of this browser for scale.
  const frameGaps = (el) =>
    (async () => {
      el.focus();
      el.setSelectionRange(0, 0);
      const gaps = [];
      let last = performance.now();
      for (let i = 0; i < 30; i++) {
        document.execCommand('insertText', false, '#');
        await new Promise((r) => requestAnimationFrame(() => r()));
        const now = performance.now();
        gaps.push(now - last);
        last = now;
      }
      return gaps;
    })();
  const typing = await page.getByTestId('requirements-editor').evaluate((el, f) => new Function(`return (${f})`)()(el), frameGaps.toString());
  const bare = await page.evaluate(([text, f]) => {
    const el = document.createElement('textarea');
    el.setAttribute('wrap', 'off');
    el.value = text;
    document.body.append(el);
    return new Function(`return (${f})`)()(el).then((gaps) => (el.remove(), gaps));
  }, [bigText, frameGaps.toString()]);
  t.diagnostic(`1,000 rules, typing in the policy: frame gaps median ${ms(median(typing))} (a bare textarea with the same text: ${ms(median(bare))})`);

  await openView(page, 'grid');
  await page.getByTestId('grid').waitFor({ timeout: 20000 });
  const drawn = await timedEdit(page, 'grid-commands', big.grid.commands + '\nls', () => document.querySelectorAll('[data-testid="grid"] thead th').length === 102);
  t.diagnostic(`grid 201 rows × 101 commands (1,000-rule policy): engine ${await engine()}; keystroke to drawn grid ${ms(drawn)}`);
  assert.match(await page.getByTestId('grid-more').innerText(), /^177 more rows are evaluated but not drawn/, 'big grids draw the first rows only');
  assert.equal(typing.length, 30);
  await context.close();
});
