// The package as a browser app uses it: `import` from the built pkg/, `initialize()` with no
// argument (the wasm is fetched next to the glue). package.test.mjs calls these from Node.
import * as api from '/pkg/index.js';
import { hostileRequests, scenarios } from '/tests/scenarios.mjs';

const FUNCTIONS = ['check', 'explain', 'lint', 'diff', 'grid', 'test'];

function outcome(fn, request) {
  try {
    const result = api[fn](request);
    return { threw: false, kind: result.kind, diagnostics: result.diagnostics ? result.diagnostics.length : 0 };
  } catch (e) {
    return { threw: true, message: String(e) };
  }
}

window.codexPolicyTests = {
  beforeInitialize: () => FUNCTIONS.map((fn) => ({ fn, ...outcome(fn, { command: 'ls' }), version: api.codexVersion() })),
  async initialize() {
    const a = api.initialize();
    const b = api.initialize();
    await a;
    return { shared: a === b, version: api.codexVersion() };
  },
  scenarios: (seeds) => scenarios(seeds).map((s) => ({ name: s.name, result: api[s.fn](s.request) })),
  hostile: () => FUNCTIONS.flatMap((fn) => hostileRequests().map(([label, request]) => ({ fn, label, ...outcome(fn, request) }))),
};
document.documentElement.setAttribute('data-ready', 'true');
