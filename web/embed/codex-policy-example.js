// <codex-policy-example>: a live, editable, self-checking Codex policy example for docs pages.
//
// The example is written in the page's HTML, so it reads fine with JavaScript off:
//
//   <codex-policy-example id="seed" command="git push origin main" user="…" groups="A, B"
//                         config="approval_policy=never; sandbox_mode=workspace-write" host="…" escalate>
//     <pre data-file="requirements.toml">…</pre>          (or <script type="text/plain">, <textarea>, <template>)
//     <div>… <b data-expect="outcome">ask</b> … <p data-expect="reason">…</p> …</div>
//   </codex-policy-example>
//
// On upgrade the element shows the documented result at once (from the `data-expect` texts), loads
// the engine, re-evaluates, and from then on re-evaluates every edit locally. `codex-policy
// docs-check` verifies the documented result against the same engine at build time; `summarize`
// below must stay in step with `Summary::of` in crates/policy-cli/src/commands/docs_check.rs.
//
// The engine is the playground's own wasm (one wasm in dist/): the playground page names its hashed
// JS and wasm files in `<meta name="codex-policy-app" data-js data-wasm>`, so the element fetches
// that page and reads the meta. The playground is `../index.html` next to this module's folder,
// or wherever `<meta name="codex-policy-playground" content="URL">` says. A page may instead name
// any wasm-bindgen glue exporting the same API (e.g. the npm package's `codex_policy.js`) with
// `<meta name="codex-policy-engine" content="URL" data-wasm="URL">`, or hand one over with
// `useEngine(api)`. All elements of a page share one instance.
//
// Security: every text is set with textContent (no HTML parsing of anything), styles come from a
// constructable stylesheet, and no inline script or style is needed: works under
// `script-src 'self'; style-src 'self'; require-trusted-types-for 'script'`.

const TAG = 'codex-policy-example';
const TEXT_KEYS = ['outcome', 'outcomeText', 'decision', 'policy', 'decidedBy', 'reason'];
const LIST_KEYS = { diagnostic: 'diagnostics', command: 'commands' };
const PICKER_KEYS = ['approval_policy', 'sandbox_mode', 'web_search', 'approvals_reviewer'];

// ───────────────────────────── engine ─────────────────────────────

let enginePromise = null;

/** The shared engine: `{ explain(requestObject) → result object }`, loaded once per page. */
function engine() {
  enginePromise ??= loadEngine();
  return enginePromise;
}

/**
 * Evaluates with a given engine instead of the playground's: anything with `explain(request)`
 * returning the tagged result, such as the codex-policy package (`useEngine(initialize().then(() =>
 * api))`), or a promise of it. Call it in the same task as the import; elements ask for the engine
 * one microtask after they connect.
 */
export function useEngine(provider) {
  enginePromise = Promise.resolve(provider).then((api) => {
    if (!api || typeof api.explain !== 'function') throw new Error('the engine given to useEngine has no `explain`');
    return { explain: (request) => api.explain(request) };
  });
}

function meta(name) {
  return document.querySelector(`meta[name="${name}"]`);
}

/** Where the playground is: the `codex-policy-playground` meta, else `../index.html` from here. */
function playgroundUrl() {
  const given = meta('codex-policy-playground');
  return given ? new URL(given.getAttribute('content') || 'index.html', document.baseURI) : new URL('../index.html', import.meta.url);
}

function decodeAttribute(value) {
  return value.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" })[e]);
}

/**
 * The JS and wasm file names in a playground page's `<meta name="codex-policy-app">`. Read with a
 * small attribute scanner rather than DOMParser: under Trusted Types, parsing HTML from a string is
 * a sink this page may not use. Handles quoted, unquoted (minified) and reordered attributes.
 */
export function findAppFiles(html) {
  for (const tag of html.matchAll(/<meta\b([^>]*)>/gi)) {
    const attrs = {};
    for (const a of tag[1].matchAll(/([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
      attrs[a[1].toLowerCase()] = decodeAttribute(a[2] ?? a[3] ?? a[4] ?? '');
    }
    if (attrs.name === 'codex-policy-app' && attrs['data-js'] && attrs['data-wasm']) {
      return { js: attrs['data-js'], wasm: attrs['data-wasm'] };
    }
  }
  return null;
}

async function loadEngine() {
  let glue;
  let wasm;
  const explicit = meta('codex-policy-engine');
  if (explicit) {
    glue = new URL(explicit.getAttribute('content'), document.baseURI);
    const wasmAttr = explicit.getAttribute('data-wasm');
    wasm = wasmAttr ? new URL(wasmAttr, document.baseURI) : undefined;
  } else {
    const page = playgroundUrl();
    const response = await fetch(page, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`the playground page ${page.pathname} answered HTTP ${response.status}`);
    const files = findAppFiles(await response.text());
    if (!files) throw new Error('the playground page does not name its engine files (<meta name="codex-policy-app">)');
    glue = new URL(files.js, page);
    wasm = new URL(files.wasm, page);
  }
  const bindings = await import(glue.href);
  await bindings.default(wasm ? { module_or_path: wasm } : undefined);
  if (typeof bindings.explain !== 'function') throw new Error('this engine build does not export `explain`');
  return {
    explain(request) {
      try {
        return JSON.parse(bindings.explain(JSON.stringify(request)));
      } catch (e) {
        return { kind: 'error', diagnostics: [{ severity: 'error', code: 'api/internal', message: String(e && e.message ? e.message : e), source: 'request' }] };
      }
    },
  };
}

// ───────────────────────────── the example's data ─────────────────────────────

/** Collapses whitespace runs and trims, as docs-check compares texts. */
function normalize(text) {
  return String(text).split(/\s+/).filter(Boolean).join(' ');
}

function isWorkspaceFile(name) {
  return name === 'workspace.toml' || name.endsWith('.workspace.toml');
}

function fileText(el) {
  if (el instanceof HTMLTemplateElement) return el.content.textContent;
  if (el instanceof HTMLTextAreaElement) return el.defaultValue;
  return el.textContent;
}

function splitList(value, separator) {
  return (value || '')
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Files, scenario and expected result of an element, read from its light DOM and attributes. */
function readExample(host) {
  const files = [...host.querySelectorAll('[data-file]')].map((el) => ({ name: el.getAttribute('data-file'), text: fileText(el) }));
  const scenario = { command: host.getAttribute('command') ?? '' };
  if (host.hasAttribute('user')) scenario.user = host.getAttribute('user');
  if (host.hasAttribute('groups')) scenario.groups = splitList(host.getAttribute('groups'), ',');
  if (host.hasAttribute('config')) scenario.config = splitList(host.getAttribute('config'), ';');
  if (host.hasAttribute('host')) scenario.host = host.getAttribute('host');
  if (host.hasAttribute('escalate')) {
    const value = host.getAttribute('escalate');
    scenario.escalate = value === '' || value === 'true' ? true : value;
  }
  const expected = {};
  const severities = [];
  for (const el of host.querySelectorAll('[data-expect]')) {
    const key = el.getAttribute('data-expect');
    if (TEXT_KEYS.includes(key)) expected[key] = normalize(el.textContent);
    else if (key in LIST_KEYS) {
      (expected[key] ??= []).push(normalize(el.textContent));
      if (key === 'diagnostic') severities.push(el.getAttribute('data-severity') || 'warning');
    } else if (Object.values(LIST_KEYS).includes(key)) {
      const item = Object.keys(LIST_KEYS).find((k) => LIST_KEYS[k] === key);
      expected[item] ??= [];
    }
  }
  return { files, scenario, expected, severities };
}

/** The `explain` request: docs-check builds the very same one (`build_request`). */
export function buildRequest(files, scenario) {
  const request = {};
  const workspace = files.find((f) => isWorkspaceFile(f.name));
  if (workspace) {
    request.workspace = { name: workspace.name, text: workspace.text };
    request.files = files.filter((f) => f !== workspace).map(({ name, text }) => ({ name, text }));
  } else {
    request.requirements = files.filter((f) => !f.name.endsWith('.rules')).map(({ name, text }) => ({ name, text }));
    request.rules = files.filter((f) => f.name.endsWith('.rules')).map(({ name, text }) => ({ name, text }));
  }
  for (const key of ['command', 'user', 'groups', 'config', 'host', 'escalate']) {
    if (scenario[key] !== undefined) request[key] = scenario[key];
  }
  return request;
}

function commandLine(command) {
  const matches = (command.matchedRules || []).map((m) =>
    m.prefixRuleMatch ? `${m.prefixRuleMatch.matchedPrefix.join(' ')}: ${m.prefixRuleMatch.decision}` : `heuristics: ${m.heuristicsRuleMatch ? m.heuristicsRuleMatch.decision : '?'}`,
  );
  return normalize(`${(command.argv || []).join(' ')} — ${matches.length ? matches.join(', ') : 'no rule'}`);
}

/** What an `explain` result shows, keyed like the `data-expect` keys (docs-check: `Summary::of`). */
export function summarize(result) {
  const text = (v) => (typeof v === 'string' ? normalize(v) : 'none');
  const diagnostics = (result.diagnostics || []).filter((d) => d.severity !== 'info');
  return {
    outcome: text(result.outcome),
    outcomeText: text(result.outcomeText),
    decision: text(result.decision),
    policy: text(result.policy ? result.policy.name : null),
    decidedBy: text(result.decidedBy),
    reason: text(result.reason),
    diagnostic: diagnostics.map((d) => normalize(d.message)),
    command: (result.commands || []).map(commandLine),
    severities: diagnostics.map((d) => d.severity),
  };
}

/** Whether a summary has every expected value. */
function matches(summary, expected) {
  return Object.entries(expected).every(([key, value]) =>
    Array.isArray(value) ? JSON.stringify(summary[key]) === JSON.stringify(value) : summary[key] === value,
  );
}

// ───────────────────────────── share links ─────────────────────────────

function base64url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function deflateRaw(text) {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The playground's project (share format v1, web/src/project.rs) for an example. Loose files become
 * a small workspace whose system layer is the requirements document (labelled with its own name,
 * as the engine labels a loose file) and whose user rules are the `.rules` files.
 */
export function playgroundProject(files, scenario) {
  let workspace = files.find((f) => isWorkspaceFile(f.name));
  let docs = files.filter((f) => f !== workspace);
  if (!workspace) {
    const requirements = docs.filter((f) => !f.name.endsWith('.rules'));
    const rules = docs.filter((f) => f.name.endsWith('.rules'));
    if (requirements.length > 1) return null;
    const toml = (s) => JSON.stringify(s);
    const lines = [
      '# A docs example: requirements.toml as the system layer, .rules files as the user\'s rules.',
      '[workspace]',
      'name = "Docs example"',
      'default_role = "Member"',
      '',
      '[roles.Member]',
      'codex_local = true',
    ];
    if (requirements.length) lines.push('', '[layers]', `system = { file = ${toml(requirements[0].name)}, path = ${toml(requirements[0].name)} }`);
    if (rules.length) lines.push('', '[rules]', `user = [${rules.map((r) => `{ file = ${toml(r.name)} }`).join(', ')}]`);
    workspace = { name: 'workspace.toml', text: `${lines.join('\n')}\n` };
    docs = [...requirements, ...rules];
  }
  const config = {};
  const overrides = [];
  for (const assignment of scenario.config || []) {
    const [key, ...rest] = assignment.split('=');
    const value = rest.join('=').trim();
    if (PICKER_KEYS.includes(key.trim()) && /^[a-z_-]+$/.test(value) && !(key.trim() in config)) config[key.trim()] = value;
    else overrides.push(assignment);
  }
  const groups = scenario.groups || [];
  return {
    v: 1,
    workspace: workspace.text,
    files: docs.map((d) => [d.name, d.text]),
    scenario: {
      mode: scenario.groups ? 'groups' : 'user',
      user: scenario.user || '',
      groups,
      command: scenario.command || '',
      argv: false,
      config,
      overrides: overrides.join('\n'),
      host: scenario.host || '',
      escalate: Boolean(scenario.escalate),
    },
    grid: { rows: 'users', commands: scenario.command || '' },
  };
}

/** `…index.html#v1.<base64url(deflate-raw(JSON))>`, or null when the browser cannot compress. */
export async function playgroundLink(files, scenario) {
  if (typeof CompressionStream !== 'function') return null;
  const project = playgroundProject(files, scenario);
  if (!project) return null;
  const url = playgroundUrl();
  url.hash = `v1.${base64url(await deflateRaw(JSON.stringify(project)))}`;
  return url.href;
}

// ───────────────────────────── rendering ─────────────────────────────

const CSS = `
:host {
  --_font: var(--codex-policy-font, system-ui, sans-serif);
  --_mono: var(--codex-policy-mono, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
  --_fg: var(--codex-policy-fg, #1d2330);
  --_muted: var(--codex-policy-muted, #5b6475);
  --_bg: var(--codex-policy-bg, #ffffff);
  --_editor-bg: var(--codex-policy-editor-bg, #f5f7fa);
  --_border: var(--codex-policy-border, #d5dae3);
  --_accent: var(--codex-policy-accent, #2453c7);
  --_radius: var(--codex-policy-radius, 8px);
  --_run: var(--codex-policy-run, #1f7a3d);
  --_ask: var(--codex-policy-ask, #8a5a00);
  --_reject: var(--codex-policy-reject, #b3261e);
  --_error: var(--codex-policy-error, #7a1fa2);
  display: block;
  margin: 1.25rem 0;
  font: 0.95rem/1.45 var(--_font);
  color: var(--_fg);
}
@media (prefers-color-scheme: dark) {
  :host {
    --_fg: var(--codex-policy-fg, #e6e9ef);
    --_muted: var(--codex-policy-muted, #a4acbb);
    --_bg: var(--codex-policy-bg, #171a21);
    --_editor-bg: var(--codex-policy-editor-bg, #11141a);
    --_border: var(--codex-policy-border, #353b48);
    --_accent: var(--codex-policy-accent, #8fb0ff);
    --_run: var(--codex-policy-run, #6fd08f);
    --_ask: var(--codex-policy-ask, #f0c050);
    --_reject: var(--codex-policy-reject, #ff8a80);
    --_error: var(--codex-policy-error, #d59cff);
  }
}
.frame { border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_bg); overflow: hidden; }
.inputs { padding: 0.75rem 0.9rem 0.25rem; display: grid; gap: 0.6rem; }
label, .label { display: block; font-size: 0.8rem; color: var(--_muted); margin-bottom: 0.2rem; }
textarea, input {
  box-sizing: border-box; width: 100%; margin: 0; padding: 0.5rem 0.6rem;
  font: 0.85rem/1.45 var(--_mono); color: var(--_fg); background: var(--_editor-bg);
  border: 1px solid var(--_border); border-radius: calc(var(--_radius) - 3px); tab-size: 2;
}
textarea { resize: vertical; white-space: pre; overflow-x: auto; }
textarea:focus, input:focus { outline: 2px solid var(--_accent); outline-offset: 1px; }
textarea[readonly], input[readonly] { cursor: progress; }
.scenario { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 0.6rem; }
.chips { display: flex; flex-wrap: wrap; gap: 0.35rem; margin: 0; padding: 0; list-style: none; }
.chips li { font: 0.8rem var(--_mono); padding: 0.1rem 0.45rem; border: 1px solid var(--_border); border-radius: 999px; color: var(--_muted); }
.result { border-top: 1px solid var(--_border); padding: 0.75rem 0.9rem; }
.headline { margin: 0 0 0.4rem; display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem; }
.badge { font: 600 0.85rem var(--_mono); padding: 0.1rem 0.5rem; border-radius: 999px; border: 1px solid currentColor; }
[data-outcome^="run"] .badge { color: var(--_run); }
[data-outcome="ask"] .badge { color: var(--_ask); }
[data-outcome="reject"] .badge, [data-outcome="denied"] .badge { color: var(--_reject); }
[data-outcome="error"] .badge, [data-outcome="invalid"] .badge { color: var(--_error); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.75rem; margin: 0.25rem 0; }
dt { color: var(--_muted); }
dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: var(--_mono); font-size: 0.85em; }
.reason { margin: 0.35rem 0; overflow-wrap: anywhere; }
ol, ul.diagnostics { margin: 0.35rem 0; padding-left: 1.3rem; }
ol li, ul.diagnostics li { font-family: var(--_mono); font-size: 0.85em; overflow-wrap: anywhere; }
ul.diagnostics li.error { color: var(--_error); }
.footer { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.5rem; align-items: center;
  border-top: 1px solid var(--_border); padding: 0.45rem 0.9rem; font-size: 0.8rem; color: var(--_muted); }
a { color: var(--_accent); font-weight: 600; }
a:not([href]) { color: var(--_muted); font-weight: normal; text-decoration: none; }
`;

let sheet = null;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

function el(name, attrs = {}, ...children) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === undefined || value === null) continue;
    node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

let counter = 0;

export class CodexPolicyExample extends HTMLElement {
  #shadow = null;
  #example = null;
  #files = [];
  #scenario = {};
  #api = null;
  #edited = false;
  #scheduled = false;
  #linkVersion = 0;
  #parts = {};
  /** The latest `explain` result (null until the engine has answered). */
  result = null;

  connectedCallback() {
    if (this.#shadow) return;
    this.#example = readExample(this);
    this.#files = this.#example.files.map((f) => ({ ...f }));
    this.#scenario = { ...this.#example.scenario };
    this.#shadow = this.attachShadow({ mode: 'open' });
    this.#shadow.adoptedStyleSheets = [styles()];
    this.#build();
    this.#showExpected();
    this.setAttribute('data-state', 'static');
    this.#updateLink();
    // One microtask later, so a `useEngine` call right after the import is seen first.
    queueMicrotask(() =>
      engine().then(
        (api) => {
          this.#api = api;
          for (const input of this.#shadow.querySelectorAll('textarea, input')) input.readOnly = false;
          this.#evaluate();
        },
        (error) => this.#engineFailed(error),
      ),
    );
  }

  #build() {
    const id = `cpe-${(counter += 1)}`;
    const editors = this.#files.map((file, i) => {
      const lines = file.text.split('\n').length;
      const area = el('textarea', {
        id: `${id}-f${i}`,
        rows: Math.min(Math.max(lines - (file.text.endsWith('\n') ? 1 : 0), 2), 18),
        spellcheck: 'false',
        autocapitalize: 'off',
        autocomplete: 'off',
        readonly: true,
        part: 'editor',
        'data-file': file.name,
      });
      area.value = file.text;
      area.addEventListener('input', () => {
        file.text = area.value;
        this.#changed();
      });
      return el('div', {}, el('label', { for: `${id}-f${i}` }, file.name), area);
    });
    const field = (key, label, value) => {
      const input = el('input', { id: `${id}-${key}`, type: 'text', spellcheck: 'false', autocapitalize: 'off', readonly: true, part: 'input', 'data-field': key });
      input.value = value;
      input.addEventListener('input', () => {
        this.#scenario[key] = key === 'groups' ? splitList(input.value, ',') : input.value;
        this.#changed();
      });
      return el('div', {}, el('label', { for: `${id}-${key}` }, label), input);
    };
    const s = this.#scenario;
    const fields = [field('command', 'Command', s.command)];
    if (s.user !== undefined) fields.push(field('user', 'User', s.user));
    if (s.groups !== undefined) fields.push(field('groups', 'Groups', s.groups.join(', ')));
    const chips = [
      ...(s.config || []).map((c) => `-c ${c}`),
      ...(s.host !== undefined ? [`host ${s.host}`] : []),
      ...(s.escalate ? [`escalate${s.escalate === true ? '' : ` ${s.escalate}`}`] : []),
    ];
    const settings = chips.length ? el('div', {}, el('span', { class: 'label' }, 'Settings'), el('ul', { class: 'chips' }, chips.map((c) => el('li', {}, c)))) : null;
    this.#parts.result = el('section', { class: 'result', part: 'result', 'aria-live': 'polite', 'aria-label': 'Result' });
    this.#parts.status = el('span', { part: 'status' }, 'Documented result');
    this.#parts.link = el('a', { part: 'playground-link' }, 'Open in playground');
    this.#shadow.append(
      el(
        'div',
        { class: 'frame', part: 'frame' },
        el('div', { class: 'inputs' }, editors, el('div', { class: 'scenario' }, fields), settings),
        this.#parts.result,
        el('div', { class: 'footer' }, this.#parts.status, this.#parts.link),
      ),
    );
  }

  /** Keys shown: those the document expects (so the live view has the same shape), and outcome. */
  #keys(view) {
    const keys = new Set(['outcome', ...Object.keys(this.#example.expected)]);
    if (view.diagnostic && view.diagnostic.length) keys.add('diagnostic');
    return keys;
  }

  #showExpected() {
    const view = { ...this.#example.expected, severities: this.#example.severities };
    this.#render(view);
  }

  #render(view, diagnostics = null) {
    const keys = this.#keys(view);
    const box = this.#parts.result;
    const outcome = view.outcome ?? 'none';
    box.setAttribute('data-outcome', outcome);
    const headline = el('p', { class: 'headline' }, el('span', { class: 'badge', part: 'outcome', 'data-value': 'outcome' }, outcome));
    if ((keys.has('outcomeText') || outcome === 'invalid') && view.outcomeText !== undefined) {
      headline.append(el('span', { 'data-value': 'outcomeText' }, view.outcomeText));
    }
    const facts = el('dl');
    const fact = (key, label) => {
      if (keys.has(key) && view[key] !== undefined) facts.append(el('dt', {}, label), el('dd', {}, el('code', { 'data-value': key }, view[key])));
    };
    fact('decision', 'decision');
    fact('policy', 'policy');
    fact('decidedBy', 'decided by');
    const parts = [headline];
    if (facts.childElementCount) parts.push(facts);
    if (keys.has('reason') && view.reason !== undefined) parts.push(el('p', { class: 'reason', 'data-value': 'reason' }, view.reason));
    if (keys.has('command') && view.command) {
      parts.push(el('ol', { class: 'commands', 'aria-label': 'Commands after shell splitting' }, view.command.map((c) => el('li', { 'data-value': 'command' }, c))));
    }
    const list = diagnostics || (keys.has('diagnostic') && view.diagnostic ? view.diagnostic.map((message, i) => ({ message, severity: (view.severities || [])[i] || 'warning' })) : []);
    if (list.length) {
      parts.push(el('ul', { class: 'diagnostics', 'aria-label': 'Diagnostics' }, list.map((d) => el('li', { class: d.severity, 'data-value': 'diagnostic' }, d.message))));
    }
    box.replaceChildren(...parts);
  }

  #changed() {
    this.#edited = true;
    this.#updateLink();
    if (!this.#api || this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      this.#evaluate();
    });
  }

  #evaluate() {
    const started = performance.now();
    const result = this.#api.explain(buildRequest(this.#files, this.#scenario));
    const ms = performance.now() - started;
    this.result = result;
    if (result.kind !== 'ok') {
      const diagnostics = (result.diagnostics || []).map((d) => ({
        severity: d.severity,
        message: d.span && d.span.line ? `${d.source}:${d.span.line}:${d.span.column}: ${d.message}` : d.message,
      }));
      this.#render({ outcome: 'invalid', outcomeText: 'The engine cannot evaluate this input' }, diagnostics);
      this.setAttribute('data-state', 'error');
      this.setAttribute('data-matches', 'false');
      this.#parts.status.textContent = 'Input error';
    } else {
      const summary = summarize(result);
      const same = matches(summary, this.#example.expected);
      this.#render(summary, summary.diagnostic.map((message, i) => ({ message, severity: summary.severities[i] })));
      this.setAttribute('data-state', this.#edited ? 'edited' : 'live');
      this.setAttribute('data-matches', String(same));
      this.#parts.status.textContent = this.#edited
        ? `Edited: evaluated in your browser in ${ms.toFixed(1)} ms`
        : same
          ? 'Live: evaluated in your browser, same as documented'
          : 'Live: the engine disagrees with the documented result';
    }
    if (!performance.getEntriesByName(`${TAG}:first-live`).length) performance.mark(`${TAG}:first-live`);
    this.dispatchEvent(new CustomEvent('codex-policy-evaluated', { detail: { result, ms }, bubbles: true }));
  }

  #engineFailed(error) {
    this.setAttribute('data-state', 'static');
    this.setAttribute('data-engine', 'unavailable');
    this.#parts.status.textContent = `Documented result (the live engine did not load: ${error && error.message ? error.message : error})`;
    console.error(error);
  }

  #updateLink() {
    const version = (this.#linkVersion += 1);
    playgroundLink(this.#files, this.#scenario).then(
      (href) => {
        if (version !== this.#linkVersion) return;
        if (href) this.#parts.link.setAttribute('href', href);
        else this.#parts.link.removeAttribute('href');
      },
      () => this.#parts.link.removeAttribute('href'),
    );
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, CodexPolicyExample);
