// Package API scenarios shared by the Node tests (api.test.mjs) and the headless-Chromium tests
// (browser.test.mjs): each is a function name, a plain request and a check of the tagged result.
// No Node or browser API here, so the very same module runs in both.

/** The two seed examples (examples/seed-*.toml), verbatim, fetched or read by the caller. */
export function scenarios({ gitReview, standardRollout }) {
  const seed = [{ name: 'requirements.toml', text: gitReview }];
  const rollout = [{ name: 'requirements.toml', text: standardRollout }];
  const workspace = {
    name: 'acme.toml',
    text: [
      '[workspace]',
      'default_role = "Member"',
      '[roles.Member]',
      'codex_local = true',
      '[[groups]]',
      'name = "Contractors"',
      'members = ["bo@vendor.example"]',
      '[[groups]]',
      'name = "Engineering"',
      'members = ["bo@vendor.example", "ana@acme.example"]',
      '[policies.locked]',
      'file = "locked.toml"',
      '[policies.baseline]',
      "requirements = '''",
      'allowed_approval_policies = ["on-request"]',
      "'''",
      '[[policy_rules]]',
      'group = "Contractors"',
      'policy = "locked"',
      '[[policy_rules]]',
      'group = "Engineering"',
      'policy = "baseline"',
      '',
    ].join('\n'),
  };
  const files = [
    { name: 'locked.toml', text: '[rules]\nprefix_rules = [{ pattern = [{ token = "git" }], decision = "forbidden" }]\n' },
  ];
  const justification = 'Require review before mutating remote history.';

  return [
    {
      name: 'check: the git-review seed gates git push like codex execpolicy check',
      fn: 'check',
      request: { requirements: seed, command: 'git push origin main' },
      verify(result, assert) {
        assert.deepEqual(result, {
          kind: 'ok',
          matchedRules: [{ prefixRuleMatch: { matchedPrefix: ['git', 'push'], decision: 'prompt', justification } }],
          decision: 'prompt',
        });
      },
    },
    {
      name: 'check: an unmatched argv has no decision',
      fn: 'check',
      request: { requirements: seed, argv: ['git', 'status'] },
      verify(result, assert) {
        assert.deepEqual(result, { kind: 'ok', matchedRules: [] });
      },
    },
    {
      name: 'check: a broken requirements rule is an error at its line, with Codex’s message',
      fn: 'check',
      request: {
        requirements: [{ name: 'r.toml', text: '[rules]\nprefix_rules = [\n  { pattern = [], decision = "prompt" },\n]\n' }],
        argv: ['ls'],
      },
      verify(result, assert) {
        assert.equal(result.kind, 'error');
        assert.equal(
          result.diagnostics[0].message,
          'invalid rules in requirements (set by r.toml): rules prefix_rule at index 0 has an empty pattern',
        );
        assert.equal(result.diagnostics[0].source, 'r.toml');
        assert.equal(result.diagnostics[0].span.line, 3);
      },
    },
    {
      name: 'explain: the git-review seed asks before git push, and says which rule decided',
      fn: 'explain',
      request: { requirements: seed, command: 'git push origin main' },
      verify(result, assert) {
        assert.equal(result.kind, 'ok');
        assert.equal(result.outcome, 'ask');
        assert.equal(result.decision, 'prompt');
        assert.equal(result.decidedBy, 'requirements.toml:5:2');
        assert.equal(result.reason, `\`git push origin main\` requires approval: ${justification}`);
        assert.deepEqual(result.policy, { name: null, via: null });
        assert.deepEqual(result.diagnostics, []);
      },
    },
    {
      name: 'explain: the standard-rollout seed makes Codex refuse to start',
      fn: 'explain',
      request: { requirements: rollout, command: 'ls' },
      verify(result, assert) {
        assert.equal(result.kind, 'ok');
        assert.equal(result.outcome, 'error');
        assert.equal(result.decision, null);
        assert.match(result.reason, /must include 'read-only' to allow any PermissionProfile \(set by requirements\.toml\)/);
      },
    },
    {
      name: 'explain: a disallowed configured value falls back with Codex’s warning',
      fn: 'explain',
      request: {
        requirements: [{ name: 'requirements.toml', text: 'allowed_approval_policies = ["on-request"]\n' }],
        config: { approval_policy: 'never' },
        command: 'ls',
      },
      verify(result, assert) {
        assert.equal(result.settings.approval_policy.value, 'on-request');
        assert.equal(
          result.diagnostics[0].message,
          'Configured value for `approval_policy` is disallowed by requirements; falling back to required value OnRequest. Details: invalid value for `approval_policy`: `Never` is not in the allowed set [OnRequest] (set by requirements.toml)',
        );
        assert.equal(result.diagnostics[0].severity, 'warning');
      },
    },
    {
      name: 'explain: config as -c overrides gives the same answer as an object',
      fn: 'explain',
      request: {
        requirements: [{ name: 'requirements.toml', text: 'allowed_approval_policies = ["on-request"]\n' }],
        config: ['approval_policy=never'],
        command: 'ls',
      },
      verify(result, assert) {
        assert.equal(result.settings.approval_policy.value, 'on-request');
        assert.equal(result.diagnostics.length, 1);
      },
    },
    {
      name: 'explain: a shell wrapper is split and every command is matched; strictest wins',
      fn: 'explain',
      request: { requirements: seed, argv: ['bash', '-lc', 'git status && git push origin'] },
      verify(result, assert) {
        assert.deepEqual(
          result.commands.map((c) => c.argv),
          [
            ['git', 'status'],
            ['git', 'push', 'origin'],
          ],
        );
        assert.equal(result.split.kind, 'plain');
        assert.equal(result.decision, 'prompt');
        assert.equal(result.outcome, 'ask');
      },
    },
    {
      name: 'explain: the first matching group rule picks the policy (no field filling)',
      fn: 'explain',
      request: { workspace, files, user: 'bo@vendor.example', command: 'git status' },
      verify(result, assert) {
        assert.deepEqual(result.policy, { name: 'locked', via: 'group:Contractors' });
        assert.equal(result.outcome, 'reject');
        assert.equal(result.decidedBy, 'locked.toml:2:17');
        assert.equal(result.requirements.allowed_approval_policies, undefined);
      },
    },
    {
      name: 'explain: an unknown workspace key is an error located in the workspace file',
      fn: 'explain',
      request: { workspace: '[workspace]\nnmae = "x"\n', command: 'ls' },
      verify(result, assert) {
        assert.equal(result.kind, 'error');
        assert.equal(result.diagnostics[0].source, 'workspace.toml');
        assert.equal(result.diagnostics[0].span.line, 2);
      },
    },
    {
      name: 'explain: a typo in the request is an error with help, not a silent default',
      fn: 'explain',
      request: { requirements: seed, comand: 'ls' },
      verify(result, assert) {
        assert.equal(result.kind, 'error');
        assert.equal(result.diagnostics[0].message, 'unknown key `comand` in the request');
        assert.match(result.diagnostics[0].help, /`command`/);
      },
    },
    {
      name: 'lint: the standard-rollout seed has an error with a location',
      fn: 'lint',
      request: { requirements: rollout },
      verify(result, assert) {
        assert.equal(result.kind, 'ok');
        assert.ok(result.errors >= 1, JSON.stringify(result));
        const error = result.diagnostics.find((d) => d.severity === 'error');
        assert.equal(error.source, 'requirements.toml');
        assert.match(error.message, /read-only/);
        assert.equal(typeof error.span.line, 'number');
      },
    },
    {
      name: 'lint: nothing to lint is a request error',
      fn: 'lint',
      request: {},
      verify(result, assert) {
        assert.equal(result.kind, 'error');
        assert.match(result.diagnostics[0].message, /nothing to lint/);
      },
    },
    {
      name: 'diff: two rules files compare exactly as command policies',
      fn: 'diff',
      request: {
        old: { rules: [{ name: 'old.rules', text: 'prefix_rule(pattern=["git", "push"], decision="prompt")\n' }] },
        new: { rules: [{ name: 'new.rules', text: 'prefix_rule(pattern=["git", "push"], decision="forbidden")\n' }] },
      },
      verify(result, assert) {
        assert.equal(result.kind, 'ok');
        assert.equal(result.subject, 'rules');
        assert.equal(result.verdict, 'stricter');
        assert.equal(result.changes.length, 1);
        assert.equal(result.changes[0].old, 'prompt');
        assert.equal(result.changes[0].new, 'forbidden');
      },
    },
    {
      name: 'diff: adding the git-review seed changes git push from run to ask',
      fn: 'diff',
      request: {
        old: { requirements: [{ name: 'requirements.toml', text: '' }] },
        new: { requirements: seed },
        commands: ['git push origin main', ['ls']],
      },
      verify(result, assert) {
        assert.equal(result.kind, 'ok');
        assert.equal(result.subject, 'workspace');
        assert.equal(result.evaluated, 2);
        assert.equal(result.outcomes.length, 1);
        assert.deepEqual(result.outcomes[0].argv, ['git', 'push', 'origin', 'main']);
        assert.equal(result.outcomes[0].new, 'ask');
        assert.equal(result.outcomes[0].verdict, 'stricter');
      },
    },
    {
      name: 'grid: every member × command, rows default to the workspace’s people',
      fn: 'grid',
      request: { workspace, files, commands: ['git push origin main', 'ls'] },
      verify(result, assert) {
        assert.equal(result.kind, 'ok');
        assert.deepEqual(result.rows, ['bo@vendor.example', 'ana@acme.example', '(no group)']);
        assert.deepEqual(result.commands, [['git', 'push', 'origin', 'main'], ['ls']]);
        assert.equal(result.cells[0][0].outcome, 'reject');
        assert.equal(result.cells[0][0].policy, 'locked');
        assert.equal(result.cells[1][0].policy, 'baseline');
      },
    },
    {
      name: 'grid: commands are required',
      fn: 'grid',
      request: { workspace, files },
      verify(result, assert) {
        assert.equal(result.kind, 'error');
      },
    },
    {
      name: 'test: cases pass and fail with the mismatch shown',
      fn: 'test',
      request: {
        workspace,
        files,
        cases: {
          name: 'cases.toml',
          text: [
            '[[case]]',
            'name = "contractors cannot use git"',
            'user = "bo@vendor.example"',
            'command = "git push"',
            'expect_outcome = "reject"',
            '',
            '[[case]]',
            'name = "engineers are rejected too (wrong on purpose)"',
            'user = "ana@acme.example"',
            'command = "git push"',
            'expect_outcome = "reject"',
            '',
          ].join('\n'),
        },
      },
      verify(result, assert) {
        assert.equal(result.kind, 'ok');
        assert.equal(result.passed, 1);
        assert.equal(result.failed, 1);
        const failed = result.cases.find((c) => !c.passed);
        assert.equal(failed.at, 'cases.toml:7:1');
        assert.equal(failed.mismatches[0].field, 'outcome');
        assert.equal(failed.mismatches[0].expected, 'reject');
      },
    },
    {
      name: 'test: a cases file with a typo is an error at its line',
      fn: 'test',
      request: { workspace, files, cases: '[[case]]\nuser = "a@b"\nexpect_outcom = "ask"\n' },
      verify(result, assert) {
        assert.equal(result.kind, 'error');
        assert.equal(result.diagnostics[0].span.line, 3);
      },
    },
  ];
}

/** Inputs no caller should send; every function must answer each with a tagged error. */
export function hostileRequests() {
  const cyclic = {};
  cyclic.self = cyclic;
  const throwing = {
    get command() {
      throw new Error('getter says no');
    },
  };
  let deep = {};
  for (let i = 0; i < 5000; i += 1) deep = { a: deep };
  return [
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'x'],
    ['an array', []],
    ['a cyclic object', cyclic],
    ['a BigInt inside', { argv: [1n] }],
    ['a throwing getter', throwing],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['deep nesting', deep],
    ['argv not an array', { argv: 'ls' }],
    ['argv of numbers', { argv: [1, 2] }],
    ['text not a string', { rules: [{ text: 7 }], argv: [] }],
    ['unknown keys', { argv: ['ls'], surprise: true, workspace: 3 }],
    ['unbalanced quotes', { command: "echo 'oops" }],
    ['a workspace that is not TOML', { workspace: '[[[', command: 'ls', commands: ['ls'], cases: '', old: {}, new: {} }],
  ];
}
