// Browser benchmark: the built dist/ in headless Chromium (playwright-core from tools/, the system
// Chromium), served by the end-to-end tests' static server. Reports the median of RUNS fresh page
// loads (default 7) of:
//   - load to interactive: `performance.now()` when web/boot.js marks the app started (the first
//     evaluated result is on screen), for the acme example;
//   - one re-evaluation after an edit of a 1,000-rule policy in a 20-group, 200-user workspace: the
//     engine time the app itself shows (`eval-time`, measured around the evaluation in Rust), and
//     the keystroke-to-result time (input event to the new outcome in the DOM); an edit inside one
//     rule, adding or removing a whole rule, and keystrokes while a new rule is still incomplete
//     (a syntax error: the engine time only, read once the app has evaluated) are reported apart;
//   - the grid of those 200 users (+ "(no group)") × 100 commands: the app's engine time and the
//     edit-to-table time.
// Usage: node bench/browser.mjs [RUNS]   (build dist/ first: scripts/build-web.sh)
// Timings, not assertions: nothing here fails on a slow machine.
import { newPage, openTab, openView, shareFragment, startHarness } from '../tests/e2e/harness.mjs';

const runs = Number(process.argv[2] ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, n=${xs.length})`;

/** The app's `eval-time` hint ("evaluated in 3.2 ms", "< 0.1 ms") in ms. */
async function engineMs(page) {
  const text = await page.getByTestId('eval-time').innerText();
  if (text.includes('< 0.1')) return 0.05;
  const m = text.match(/([\d.]+) ms/);
  if (!m) throw new Error(`unexpected eval-time text: ${text}`);
  return Number(m[1]);
}

/** Sets a field's value as one input event and waits until `source` (a predicate) holds; ms. */
async function timedEdit(page, testid, value, source) {
  return page.getByTestId(testid).evaluate(
    async (el, [text, src]) => {
      const done = new Function(`return (${src})();`);
      const started = performance.now();
      el.value = text;
      el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
      while (!done()) await new Promise((r) => setTimeout(r, 0));
      return performance.now() - started;
    },
    [value, source],
  );
}

const outcomeIs = (want) => `() => document.querySelector('[data-testid="outcome"]')?.textContent === ${JSON.stringify(want)}`;

// 20 groups of 10 users; one policy of 1,000 prefix rules (alternatives mixed in) for all of them.
const groups = Array.from({ length: 20 }, (_, g) => `[[groups]]\nname = "G${g}"\nmembers = [${Array.from({ length: 10 }, (_, u) => `"u${g * 10 + u}@big.example"`).join(', ')}]\n`);
const rules = Array.from({ length: 1000 }, (_, i) =>
  i % 3 === 1
    ? `  { pattern = [{ any_of = ["tool${i}", "alt${i}"] }, { any_of = ["run", "exec"] }, { token = "-f" }], decision = "forbidden" },`
    : `  { pattern = [{ token = "tool${i}" }, { any_of = ["run", "exec"] }], decision = "prompt" },`,
).join('\n');
const big = {
  workspace: `[workspace]\nname = "Big"\ndefault_role = "M"\n[roles.M]\ncodex_local = true\n${groups.join('\n')}\n[policies.big]\nfile = "big.requirements.toml"\n${Array.from({ length: 20 }, (_, g) => `[[policy_rules]]\ngroup = "G${g}"\npolicy = "big"\n`).join('')}`,
  files: [['big.requirements.toml', `allowed_sandbox_modes = ["read-only", "workspace-write"]\n[rules]\nprefix_rules = [\n${rules}\n]\n`]],
  scenario: { mode: 'user', user: 'u7@big.example', command: 'tool999 run' },
  grid: { rows: 'users', commands: Array.from({ length: 99 }, (_, i) => `tool${i * 10} ${i % 2 ? 'run' : 'build'}`).join('\n') },
};
const bigText = big.files[0][1];
const edited = bigText.replace('"tool999" }, { any_of = ["run", "exec"] }], decision = "prompt"', '"tool999" }, { any_of = ["run", "exec"] }], decision = "forbidden"');
if (edited === bigText) throw new Error('the edit did not apply');
// A whole new rule before the closing bracket (and, back, its removal): more than one entry changes.
const added = bigText.replace('\n]\n', '\n  { pattern = [{ token = "tool999" }], decision = "forbidden" },\n]\n');
if (added === bigText) throw new Error('the rule was not added');

// Keystrokes typing that rule: each prefix leaves the document with a syntax error.
const typedRule = '  { pattern = [{ token = "tool999" }], decision = "forbidden" },';
const typing = [4, 16, 30, 45, 58].map((n) => bigText.replace('\n]\n', `\n${typedRule.slice(0, n)}\n]\n`));

/** Sets a field's value as one input event and waits long enough for the app to evaluate it. */
async function settledEdit(page, testid, value) {
  await page.getByTestId(testid).evaluate((el, text) => {
    el.value = text;
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
  }, value);
  await page.waitForTimeout(150);
}

const harness = await startHarness();
const result = { load: [], domContentLoaded: [], editEngine: [], editShown: [], addEngine: [], typingEngine: [], firstBig: [], gridEngine: [], gridShown: [] };
try {
  for (let run = 0; run < runs; run++) {
    const { context, page } = await newPage(harness);
    await page.goto(harness.server.url);
    await page.locator('[data-testid="decision"]').waitFor();
    await page.waitForFunction(() => document.documentElement.dataset.readyMs);
    const nav = await page.evaluate(() => ({
      dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
      ready: Number(document.documentElement.dataset.readyMs),
    }));
    result.load.push(nav.ready);
    result.domContentLoaded.push(nav.dcl);

    await page.goto('about:blank');
    await page.goto(harness.server.url + shareFragment(big));
    await page.waitForFunction(new Function(`return (${outcomeIs('Codex asks before running this')})();`), undefined, { timeout: 20000 });
    await openTab(page, 'big.requirements.toml');
    // Two edits per run (forbid, then back); both are timed.
    for (const [value, want] of [[edited, 'Codex refuses to run this'], [bigText, 'Codex asks before running this']]) {
      await page.waitForTimeout(150);
      result.editShown.push(await timedEdit(page, 'requirements-editor', value, outcomeIs(want)));
      result.editEngine.push(await engineMs(page));
    }
    for (const [value, want] of [[added, 'Codex refuses to run this'], [bigText, 'Codex asks before running this']]) {
      await page.waitForTimeout(150);
      await timedEdit(page, 'requirements-editor', value, outcomeIs(want));
      result.addEngine.push(await engineMs(page));
    }
    for (const value of typing) {
      await settledEdit(page, 'requirements-editor', value);
      result.typingEngine.push(await engineMs(page));
    }
    if (run === 0) console.log(`while typing: ${await page.getByTestId('outcome').innerText()}`);
    await page.waitForTimeout(150);
    await timedEdit(page, 'requirements-editor', bigText, outcomeIs('Codex asks before running this'));

    await openView(page, 'grid');
    await page.getByTestId('grid').waitFor({ timeout: 20000 });
    await page.waitForTimeout(150);
    // 99 commands in the project + one typed = 100 columns (plus the row header).
    result.gridShown.push(
      await timedEdit(page, 'grid-commands', `${big.grid.commands}\nls`, `() => document.querySelectorAll('[data-testid="grid"] thead th').length === 101`),
    );
    result.gridEngine.push(await engineMs(page));
    const rows = await page.getByTestId('grid').locator('tbody tr').count();
    if (run === 0) console.log(`grid: ${rows} rows × 100 commands`);
    await context.close();
  }
} finally {
  await harness.close();
}
console.log(`load to interactive (acme, boot.js data-ready-ms): ${fmt(result.load)}`);
console.log(`  DOMContentLoaded: ${fmt(result.domContentLoaded)}`);
console.log(`re-evaluation after a policy edit (1,000 rules, 20 groups), engine (app eval-time): ${fmt(result.editEngine)}`);
console.log(`  keystroke to new outcome in the DOM: ${fmt(result.editShown)}`);
console.log(`  adding or removing a whole rule, engine: ${fmt(result.addEngine)}`);
console.log(`  a keystroke in an incomplete new rule, engine: ${fmt(result.typingEngine)}`);
console.log(`grid 200 users (+ no group) × 100 commands, engine (app eval-time): ${fmt(result.gridEngine)}`);
console.log(`  edit to table in the DOM: ${fmt(result.gridShown)}`);
