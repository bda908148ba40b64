// codex-policy: Codex admin-policy evaluation in the browser and in Node, offline.
// Every function takes a plain object and returns `{ kind: "ok", … } | { kind: "error", diagnostics }`;
// none of them throws, whatever it is given.
import init, * as raw from './codex_policy.js';

let ready = null;
let initialized = false;

/**
 * Loads the wasm once (later calls share the same instance). In a browser with no argument it fetches
 * `codex_policy_bg.wasm` next to this file; in Node pass the bytes: `initialize(readFileSync(url))`.
 */
export function initialize(moduleOrPath) {
  ready ??= init(moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath }).then(() => {
    initialized = true;
  });
  return ready;
}

function failure(code, message) {
  return { kind: 'error', diagnostics: [{ severity: 'error', code, message, source: 'request' }] };
}

function describe(e) {
  try {
    return e && typeof e.message === 'string' ? e.message : String(e);
  } catch {
    return 'an unprintable exception';
  }
}

function call(fn, request) {
  if (!initialized) return failure('api/not-initialized', 'call `await initialize()` before using the API');
  let body;
  try {
    body = JSON.stringify(request ?? {});
  } catch (e) {
    return failure('api/bad-request', `the request cannot be serialised to JSON: ${describe(e)}`);
  }
  if (typeof body !== 'string') return failure('api/bad-request', 'the request must be an object');
  try {
    return JSON.parse(fn(body));
  } catch (e) {
    return failure('api/internal', `the engine failed: ${describe(e)}`);
  }
}

/** `codex execpolicy check`: rules files + requirements `[rules]` + one command. */
export const check = (request) => call(raw.check, request);

/** The whole decision pipeline for one person and one command, with its trace. */
export const explain = (request) => call(raw.explain, request);

/** Every finding in a workspace and loose requirements/rules files. */
export const lint = (request) => call(raw.lint, request);

/** What changes between two sets of policy inputs (rules exactly; workspaces per user and command). */
export const diff = (request) => call(raw.diff, request);

/** Users (or groups) × commands → outcome of every cell. */
export const grid = (request) => call(raw.grid, request);

/** Policy tests (a cases TOML file) against the inputs, with coverage. */
export const test = (request) => call(raw.test, request);

/** The Codex behaviour this build follows. */
export const codexVersion = () => {
  if (!initialized) return null;
  try {
    return raw.codexVersion();
  } catch {
    return null;
  }
};
