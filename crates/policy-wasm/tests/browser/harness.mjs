// Browser tests of the JS package and the docs element, on the app's end-to-end harness: its static
// server (tests/e2e/server.mjs) and Debian's Chromium through playwright-core, offline. Every page
// records CSP violations, console errors and uncaught exceptions.
import { fileURLToPath } from 'node:url';
import { launchChromium, loggedPage } from '../../../../tests/e2e/harness.mjs';

export { serve } from '../../../../tests/e2e/server.mjs';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export const launch = launchChromium;

/** A fresh page whose `log` collects requests, CSP violations, console errors and uncaught errors. */
export async function newPage(browser, options = {}) {
  return loggedPage(browser, options);
}
