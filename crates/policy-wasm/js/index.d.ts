// Hand-written types for the codex-policy package. Every function returns a tagged result and never throws.

// ───────────────────────────── inputs ─────────────────────────────

/** A source file sent to the engine. */
export interface SourceText {
  /** File name or label; diagnostics name it in `source`. */
  name: string;
  /** The file's contents. */
  text: string;
}

/**
 * The policy texts every function except `check` evaluates. Without `workspace` the person has Codex
 * local and no cloud policy (like `codex-policy explain` without `--workspace`).
 */
export interface PolicyInputs {
  /** The workspace file (groups, roles, policies, policy rules, layers, rules files): its text, or `{ name, text }` (name defaults to `workspace.toml`). */
  workspace?: string | { name?: string; text: string };
  /** Texts the workspace's `file = "…"` references resolve to, by exact name. */
  files?: SourceText[];
  /** Loose `requirements.toml` documents, each a system layer (labelled with its name). */
  requirements?: SourceText[];
  /** Loose Starlark `.rules` files, user layer, loaded in order. */
  rules?: SourceText[];
}

/** The command: an argv, or a command line split with POSIX shell rules. */
export type CommandInput = { argv: string[]; command?: never } | { command: string; argv?: never };

/** A command in a list: a command line (POSIX-split) or an argv. */
export type CommandLike = string | string[];

/** The directories an evaluation resolves paths against. */
export interface PathInputs {
  /** Working directory for relative program paths (default `/home/dev/project`). */
  cwd?: string;
  /** Home directory for `~/` (default `/home/dev`). */
  home?: string;
}

/** A `config.toml` value: what the person configured themselves. */
export type ConfigValue = string | number | boolean | ConfigValue[] | { [key: string]: ConfigValue };

/** Escalation the tool call asks for: `true` = `require_escalated`. */
export type Escalate = boolean | 'none' | 'use_default' | 'require_escalated' | 'with_additional_permissions';

/** Everything of a scenario except the person and the command. */
export interface ScenarioSettings extends PathInputs {
  /**
   * The person's own configuration: `config.toml` values (`{ approval_policy: "never" }`; nested objects are
   * tables) or `codex -c` overrides (`["approval_policy=never"]`, VALUE parsed as TOML when it parses).
   */
  config?: { [key: string]: ConfigValue } | string[];
  /** The machine's host name, for `remote_sandbox_config`. */
  host?: string;
  /** The tool call asks to run outside the sandbox or with more permissions. */
  escalate?: Escalate;
  /** Requirements layer merge: `v1` (released, per field; default) or `v2` (newest, deep merge). */
  merge?: 'v1' | 'v2';
  /** Dangerous-command list: `released` (default) or `newest`. */
  heuristics?: 'released' | 'newest';
}

// ───────────────────────────── results ─────────────────────────────

/** Where a diagnostic points: a byte range and, when the text is known, 1-based line/column (columns count characters). */
export interface DiagnosticSpan {
  start: number;
  end: number;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export type Severity = 'error' | 'warning' | 'info';

/** One problem in the input. `message` is Codex's own text where Codex has one. */
export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `requirements/invalid-rules`, `api/bad-request`. */
  code: string;
  message: string;
  /** Advice, when there is some. */
  help?: string;
  /** The file name or layer label the span points into (`request` for a malformed request). */
  source: string;
  span?: DiagnosticSpan;
}

/** Failure of any call: the input could not be evaluated. */
export interface ErrorResult {
  kind: 'error';
  diagnostics: Diagnostic[];
}

export type Decision = 'allow' | 'prompt' | 'forbidden';

/** What Codex does in the end. `error`: Codex refuses to start with these requirements. */
export type Outcome = 'run-unsandboxed' | 'run-sandboxed' | 'ask' | 'reject' | 'denied' | 'error';

/** A matched prefix rule, exactly as `codex execpolicy check` prints it. */
export interface PrefixRuleMatch {
  prefixRuleMatch: {
    matchedPrefix: string[];
    decision: Decision;
    /** Only on a basename (host-executable) match: the normalised absolute program path. */
    resolvedProgram?: string;
    justification?: string;
    reviewer?: 'user' | 'auto_review';
  };
}

/** The heuristics' verdict for a command no rule matched (never produced by `check`). */
export interface HeuristicsRuleMatch {
  heuristicsRuleMatch: { command: string[]; decision: Decision };
}

export type RuleMatch = PrefixRuleMatch | HeuristicsRuleMatch;

// ───────────────────────────── check ─────────────────────────────

export type CheckRequest = CommandInput &
  PathInputs & {
    /** Starlark `.rules` files, loaded in order. */
    rules?: SourceText[];
    /** requirements.toml documents whose `[rules]` are appended after the rules files. */
    requirements?: SourceText[];
    /** Match absolute program paths by basename (`--resolve-host-executables`). */
    resolveHostExecutables?: boolean;
  };

/** `codex execpolicy check` output; `decision` is absent when nothing matched. */
export interface CheckOk {
  kind: 'ok';
  matchedRules: PrefixRuleMatch[];
  decision?: Decision;
}

// ───────────────────────────── explain ─────────────────────────────

export type ExplainRequest = PolicyInputs &
  CommandInput &
  ScenarioSettings & {
    /** The person, by email (looked up in the workspace's groups). */
    user?: string;
    /** Simulate membership of exactly these groups instead of an email lookup. */
    groups?: string[];
    /** The model's suggested "don't ask again" prefix. */
    suggest?: string | string[];
    /** A cloud-agent internet request to check: `"GET https://host/path"` or `{ method, url }`. */
    internet?: string | { method?: string; url: string };
  };

/** A value with the layer or config that set it. */
export interface Sourced<T = unknown> {
  value: T;
  /** `default`, `config`, a layer label such as `cloud requirements` or a file name, … */
  source: string;
  /** The startup warning Codex shows when a configured value was replaced. */
  warning?: string;
}

export interface ExplainOk {
  kind: 'ok';
  /** The email looked up, or null when simulating groups. */
  user: string | null;
  groups: string[];
  roles: string[];
  surfaces: { codex_local: boolean; codex_cloud: boolean; codex_admin: boolean; agent_internet: boolean };
  /** The cloud policy: the first group rule that matches, else the default, else none. */
  policy: { name: string | null; via: string | null };
  /** Effective requirements, per field. */
  requirements: { [field: string]: Sourced };
  /** Effective settings (`approval_policy`, `sandbox_mode`, `web_search`, `approvals_reviewer`, …). */
  settings: { [setting: string]: Sourced };
  /** The commands after shell splitting, each with every rule that matched it. */
  commands: { argv: string[]; matchedRules: RuleMatch[] }[];
  /** How the command was split (absent when denied or on a fatal error). */
  split?: {
    kind: string;
    usedComplexParsing: boolean;
    explanation: string;
    rejection?: { construct: string; offset: number; text: string };
  };
  /** The strictest decision over all matches (null when denied or on a fatal error). */
  decision: Decision | null;
  outcome: Outcome;
  /** The outcome in plain words. */
  outcomeText: string;
  /** The text the developer sees: rejection or approval reason, the 403, the fatal error. */
  reason: string | null;
  /** The "don't ask again" prefix Codex would offer. */
  amendment: string[] | null;
  bypassSandbox?: boolean;
  internet?: {
    allowed: boolean;
    reason: string;
    /** The allowlist entry that decided. */
    entry?: { domain: string } | { preset: string; domain?: string; verified?: boolean };
  };
  /** `file:line:col` of the rule that decided, or a label (`heuristics: …`, `denied: …`, `error: …`, `none`). */
  decidedBy: string;
  /** Startup warnings (e.g. a configured value replaced by the required one), dropped rules files, fatal errors. */
  diagnostics: Diagnostic[];
}

// ───────────────────────────── lint ─────────────────────────────

export type LintRequest = PolicyInputs & PathInputs;

export interface LintOk {
  kind: 'ok';
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
  infos: number;
}

// ───────────────────────────── diff ─────────────────────────────

export interface DiffRequest extends PathInputs {
  old: PolicyInputs;
  new: PolicyInputs;
  /** Commands whose outcome to compare for every user (workspace diffs); or a commands file's text. */
  commands?: CommandLike[] | string;
  host?: string;
}

export type Verdict = 'stricter' | 'looser' | 'mixed';

/** Two sides of only `.rules` files: the exact set of command prefixes whose decision changes. */
export interface RulesDiffOk {
  kind: 'ok';
  subject: 'rules';
  verdict: Verdict | null;
  changes: PrefixChange[];
  /** The verdict per program that changes. */
  programs: { program: string; verdict: Verdict }[];
  /** Programs whose diff was cut short (too many alternatives to enumerate). */
  incomplete: string[];
}

/** One set of argv prefixes whose decision changes. */
export interface PrefixChange {
  /** The program as people read it (a name, or a path for host-executable classes). */
  program: string;
  programKind: string;
  /** Alternatives per position after the program. */
  prefix: string[][];
  /** Longer prefixes excluded from this change (each alternatives per position). */
  except: string[][][];
  /** One concrete argv in the change. */
  example: string[];
  old: Decision | null;
  new: Decision | null;
  verdict: Verdict;
  /** `file:line:col` of the deciding rules before and after. */
  oldRules: string[];
  newRules: string[];
}

/** A field whose effective value or source changes: `{ value, source }` before and after (null = unset). */
export interface FieldChange {
  field: string;
  old: Sourced | null;
  new: Sourced | null;
}

/** Anything else: policy selection per user, per-policy requirements/settings/rules, outcomes per user × command. */
export interface WorkspaceDiffOk {
  kind: 'ok';
  subject: 'workspace';
  verdict: Verdict | null;
  users: {
    user: string;
    old: { name: string | null; via: string | null };
    new: { name: string | null; via: string | null };
    codexLocal: { old: boolean; new: boolean };
  }[];
  policies: {
    old: string | null;
    new: string | null;
    users: string[];
    requirements: FieldChange[];
    settings: FieldChange[];
    rules: Omit<RulesDiffOk, 'kind' | 'subject'>;
  }[];
  outcomes: {
    user: string;
    argv: string[];
    old: Outcome;
    new: Outcome;
    verdict: Verdict;
    oldReason: string | null;
    newReason: string | null;
  }[];
  evaluated: number;
}

export type DiffOk = RulesDiffOk | WorkspaceDiffOk;

// ───────────────────────────── grid ─────────────────────────────

export type GridRowInput = string | { user: string } | { groups: string[] };

export type GridRequest = PolicyInputs &
  ScenarioSettings & {
    /** Columns. */
    commands: CommandLike[];
    /** Rows: emails or group sets; default every member of the workspace's groups, then `(no group)`. */
    rows?: GridRowInput[];
  };

export interface GridCell {
  outcome: Outcome;
  decision: Decision | null;
  policy: string | null;
  reason: string | null;
}

export interface GridOk {
  kind: 'ok';
  /** Row labels: emails, or groups joined with ` + `. */
  rows: string[];
  commands: string[][];
  /** `cells[row][command]`. */
  cells: GridCell[][];
}

// ───────────────────────────── test ─────────────────────────────

export type TestRequest = PolicyInputs &
  PathInputs & {
    /** A cases TOML file (`[[case]]` tables with `expect_outcome`, `expect_decision`, …): text, or `{ name, text }`. */
    cases: string | SourceText;
  };

export interface TestOk {
  kind: 'ok';
  passed: number;
  failed: number;
  /** Starlark `match`/`not_match` examples checked when the rules loaded. */
  examples: number;
  cases: {
    name: string;
    /** `cases.toml:line:col` of the case. */
    at: string;
    passed: boolean;
    outcome: Outcome;
    decision: Decision | null;
    policy: string | null;
    reason: string | null;
    mismatches: { field: string; expected: string; actual: string }[];
  }[];
  coverage: {
    groupRulesMissed: { rule: string; at: string }[];
    groupRulesTotal: number;
    defaultPolicyExercised: boolean | null;
    policiesMissed: string[];
    policiesTotal: number;
    rulesMissed: string[];
    rulesTotal: number;
  };
}

// ───────────────────────────── functions ─────────────────────────────

/** Loads the wasm once; later calls share the instance. Node: pass the `.wasm` bytes. */
export function initialize(moduleOrPath?: BufferSource | WebAssembly.Module | URL | string | Response): Promise<void>;

/** `codex execpolicy check`: rules files + requirements `[rules]` + one command. */
export function check(request: CheckRequest): CheckOk | ErrorResult;

/** The whole decision pipeline for one person and one command, with its trace. */
export function explain(request: ExplainRequest): ExplainOk | ErrorResult;

/** Every finding in a workspace and loose files; problems in the inputs are findings, not errors. */
export function lint(request: LintRequest): LintOk | ErrorResult;

/** What changes between two sets of policy inputs. */
export function diff(request: DiffRequest): DiffOk | ErrorResult;

/** Users (or groups) × commands → outcome of every cell. */
export function grid(request: GridRequest): GridOk | ErrorResult;

/** Policy tests with coverage; failing cases are `ok` with `failed > 0`. */
export function test(request: TestRequest): TestOk | ErrorResult;

/** The Codex behaviour this build follows (null before `initialize`). */
export function codexVersion(): string | null;
