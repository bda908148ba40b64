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

function call(fn, request) {
  if (!initialized) return failure('api/not-initialized', 'call `await initialize()` before using the API');
  let body;
  try {
    body = JSON.stringify(request ?? {});
  } catch (e) {
    return failure('api/bad-request', `the request cannot be serialised to JSON: ${e && e.message ? e.message : e}`);
  }
  if (typeof body !== 'string') return failure('api/bad-request', 'the request must be an object');
  try {
    return JSON.parse(fn(body));
  } catch (e) {
    return failure('api/internal', `the engine failed: ${e && e.message ? e.message : e}`);
  }
}

/** `codex execpolicy check`: rules files + requirements `[rules]` + one command. */
export const check = (request) => call(raw.check, request);

/** The Codex behaviour this build follows. */
export const codexVersion = () => (initialized ? raw.codexVersion() : null);
