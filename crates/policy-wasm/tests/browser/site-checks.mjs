// Checks of the docs page and its <codex-policy-example> elements, shared by element.test.mjs (the
// docs sources beside a stand-in playground whose engine is the JS package) and docs.test.mjs (the
// built dist/, whose engine is the playground's own wasm).
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';

/** Waits until every example on the page has left the static state; returns their states. */
export async function waitForLive(page, timeout = 15000) {
  await page.waitForFunction(
    () => [...document.querySelectorAll('codex-policy-example')].every((e) => e.dataset.state && e.dataset.state !== 'static'),
    null,
    { timeout },
  );
  return page.evaluate(() =>
    [...document.querySelectorAll('codex-policy-example')].map((e) => ({ id: e.id, state: e.dataset.state, matches: e.dataset.matches })),
  );
}

/** What each example's shadow DOM shows: `data-value` texts by key (lists as arrays). */
export async function shownValues(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('codex-policy-example')].map((e) => {
      const values = {};
      for (const node of e.shadowRoot.querySelectorAll('[data-value]')) {
        const key = node.getAttribute('data-value');
        const text = node.textContent.split(/\s+/).filter(Boolean).join(' ');
        if (key === 'command' || key === 'diagnostic') (values[key] ??= []).push(text);
        else values[key] = text;
      }
      return { id: e.id, values, state: e.dataset.state };
    }),
  );
}

/** The documented values of every example, read from the light DOM (what docs-check checks). */
export async function documentedValues(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('codex-policy-example')].map((e) => {
      const values = {};
      for (const node of e.querySelectorAll('[data-expect]')) {
        const key = node.getAttribute('data-expect');
        const text = node.textContent.split(/\s+/).filter(Boolean).join(' ');
        if (key === 'command' || key === 'diagnostic') (values[key] ??= []).push(text);
        else if (key !== 'commands' && key !== 'diagnostics') values[key] = text;
      }
      return { id: e.id, values };
    }),
  );
}

/** Every documented value is what the element shows. */
export function assertShowsDocumented(shown, documented) {
  assert.equal(shown.length, documented.length);
  assert.ok(shown.length >= 7, `only ${shown.length} examples on the page`);
  for (const [i, doc] of documented.entries()) {
    assert.equal(shown[i].id, doc.id);
    for (const [key, value] of Object.entries(doc.values)) {
      assert.deepEqual(shown[i].values[key], value, `${doc.id}: ${key}`);
    }
  }
}

/** The project a share link carries: `#v1.<base64url(deflate-raw(JSON))>`. */
export function decodeShareLink(href) {
  const hash = new URL(href).hash;
  assert.match(hash, /^#v1\.[A-Za-z0-9_-]+$/);
  return JSON.parse(inflateRawSync(Buffer.from(hash.slice(4), 'base64url')).toString('utf8'));
}

/** Types into a shadow-DOM control the way a person does (focus, select all, type). */
export async function typeInto(locator, text) {
  await locator.click();
  await locator.press('Control+a');
  await locator.pressSequentially(text);
}

/** Waits until an example's shown outcome is `outcome`. */
export async function waitForOutcome(page, id, outcome) {
  try {
    await page.waitForFunction(
      ([which, want]) => document.getElementById(which)?.shadowRoot?.querySelector('[data-value="outcome"]')?.textContent === want,
      [id, outcome],
      { timeout: 5000 },
    );
  } catch {
    const got = await page.evaluate((which) => document.getElementById(which)?.shadowRoot?.querySelector('[data-value="outcome"]')?.textContent, id);
    throw new Error(`#${id} never showed outcome ${outcome}; it shows ${got}`);
  }
}
