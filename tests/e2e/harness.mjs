// Shared setup for the end-to-end tests: the built dist/ served on 127.0.0.1 under a sub-path,
// Debian's Chromium driven through playwright-core, and a record of what each page fetched and
// logged.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

import { serve } from './server.mjs';

// playwright-core is pinned in tools/package.json (no browser download; the system Chromium is used).
const require = createRequire(new URL('../../tools/package.json', import.meta.url));
const { chromium } = require('playwright-core');

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = process.env.DIST_DIR ?? join(ROOT, 'dist');
export const SCREENSHOTS = join(ROOT, 'tests/e2e/screenshots');
export const BASE = '/codex/playground/';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// Flags that keep Chromium quiet and offline (no component updates, sync or background fetches).
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Debian's Chromium, headless, with the flags above. */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** An example file, verbatim. */
export const example = (name) => readFileSync(join(ROOT, 'examples', name), 'utf8');

/** Every file in dist/, as paths relative to it. */
export function distFiles() {
  return readdirSync(DIST, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(DIST.length + 1));
}

/** Starts the server and the browser; `close()` stops both. */
export async function startHarness() {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html is missing: build it first with scripts/build-web.sh`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  const served = await serve({ [BASE]: DIST });
  const server = { ...served, url: `${served.origin}${BASE}` };
  const browser = await launchChromium();
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * A fresh context (empty storage) and page. `log` collects every request URL, console error and
 * warning, uncaught error and CSP violation.
 */
export async function newPage(harness, { viewport = { width: 1280, height: 900 }, colorScheme = 'light', ...rest } = {}) {
  return loggedPage(harness.browser, { viewport, colorScheme, ...rest }, { warnings: true });
}

/**
 * A page in a fresh context (service workers blocked) whose `log` collects every request, console
 * error (and warning, when `warnings`), uncaught error and CSP violation. Shared with the package
 * and docs-element browser tests (crates/policy-wasm/tests/browser/harness.mjs).
 */
export async function loggedPage(browser, contextOptions = {}, { warnings = false } = {}) {
  const context = await browser.newContext({ serviceWorkers: 'block', ...contextOptions });
  const log = { requests: [], console: [], errors: [], violations: [] };
  await context.exposeFunction('__reportViolation', (v) => log.violations.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__reportViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`),
    );
  });
  const page = await context.newPage();
  page.on('request', (request) => log.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' || (warnings && message.type() === 'warning')) log.console.push(message.text());
  });
  page.on('pageerror', (error) => log.errors.push(String(error)));
  return { context, page, log };
}

/** Opens the playground and waits until the app has rendered its first result. */
export async function open(harness, page) {
  await page.goto(harness.server.url);
  await page.locator('[data-testid="decision"]').waitFor();
}

/** Waits until the element with `testid` has exactly `text` as its text. */
export async function waitForText(page, testid, text) {
  try {
    await page.waitForFunction(
      ([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.textContent === want,
      [testid, text],
      { timeout: 5000 },
    );
  } catch {
    const got = await page.locator(`[data-testid="${testid}"]`).first().textContent().catch(() => null);
    throw new Error(`[data-testid="${testid}"] never read ${JSON.stringify(text)}; it reads ${JSON.stringify(got)}`);
  }
}

/** Waits until the first element matching `selector` has text matching `pattern`; returns the text. */
export async function waitForMatch(page, selector, pattern) {
  try {
    await page.waitForFunction(
      ([sel, source, flags]) => new RegExp(source, flags).test(document.querySelector(sel)?.innerText ?? ''),
      [selector, pattern.source, pattern.flags],
      { timeout: 5000 },
    );
  } catch {
    const got = await page.locator(selector).first().innerText().catch(() => null);
    throw new Error(`${selector} never matched ${pattern}; it reads ${JSON.stringify(got)}`);
  }
  return page.locator(selector).first().innerText();
}

/**
 * Replaces the text of a textarea the way a paste does: one input event with the whole text.
 * (Playwright's fill() goes through Chromium's editing commands, which take seconds per thousand
 * lines; that is the test driver's cost, not the page's.)
 */
export async function paste(locator, text) {
  await locator.evaluate((el, value) => {
    el.focus();
    el.value = value;
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, text);
}

/** Text of the first element with `testid`. */
export const textOf = (page, testid) => page.locator(`[data-testid="${testid}"]`).first().innerText();

/** Saves a screenshot under tests/e2e/screenshots/ and returns its path. */
export async function screenshot(page, name, options = {}) {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, ...options });
  return path;
}

/**
 * A share-link fragment for `project` (the app's v1 JSON): raw DEFLATE, base64url, as the page
 * makes them. `raw` skips the JSON encoding (for hostile payloads).
 */
export function shareFragment(project, { version = 1, raw = false } = {}) {
  const text = raw ? project : JSON.stringify({ v: 1, ...project });
  const payload = deflateRawSync(Buffer.from(text, 'utf8')).toString('base64url');
  return `#v${version}.${payload}`;
}

/** The files of the acme example, as the app's project JSON (`files` as [name, text] pairs). */
export function acmeProject(overrides = {}) {
  const names = ['baseline.requirements.toml', 'contractors.requirements.toml', 'platform.requirements.toml', 'team.rules'];
  return {
    workspace: example('acme/workspace.toml'),
    files: names.map((n) => [n, example(`acme/${n}`)]),
    scenario: { mode: 'user', user: 'kim@acme.example', command: 'git push origin main' },
    grid: { rows: 'users', commands: 'git status\ngit push origin main\n' },
    ...overrides,
  };
}

/** Opens a tab of the files panel (`Overview`, `workspace.toml`, a file name). */
export async function openTab(page, name) {
  const tab = name === 'Overview' ? page.locator('[data-tab="form"]') : page.locator(`[data-tab="${name}"]`);
  await tab.click();
}

/** Switches the result view (`trace`, `grid`, `diff`, `lint`). */
export async function openView(page, view) {
  await page.getByTestId(`view-${view}`).click();
}

/** The draft saved in localStorage, parsed. */
export async function savedDraft(page) {
  const text = await page.evaluate(() => localStorage.getItem('codex-policy-playground/v2/project'));
  return text && JSON.parse(text);
}
