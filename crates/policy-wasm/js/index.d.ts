// Hand-written types for the codex-policy package. Every function returns a tagged result and never throws.

/** A source file sent to the engine. */
export interface SourceText {
  /** File name or label; diagnostics name it in `source`. */
  name: string;
  /** The file's contents. */
  text: string;
}

/** Where a diagnostic points, as a byte range and 1-based line/column. */
export interface DiagnosticSpan {
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** One problem in the input. `message` is Codex's own text where Codex has one. */
export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  /** Stable machine-readable code, e.g. `requirements/invalid-rules`. */
  code: string;
  message: string;
  help?: string;
  /** The file name or layer label the span points into. */
  source: string;
  span?: DiagnosticSpan;
}

/** Failure of any call: the input could not be evaluated. */
export interface ErrorResult {
  kind: 'error';
  diagnostics: Diagnostic[];
}

export type Decision = 'allow' | 'prompt' | 'forbidden';

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

/** The command: an argv, or a command line split with POSIX shell rules. */
export type CommandInput = { argv: string[] } | { command: string };

export type CheckRequest = CommandInput & {
  /** Starlark `.rules` files, loaded in order. */
  rules?: SourceText[];
  /** requirements.toml documents whose `[rules]` are appended after the rules files. */
  requirements?: SourceText[];
  /** Match absolute program paths by basename (`--resolve-host-executables`). */
  resolveHostExecutables?: boolean;
  /** Working directory for relative program paths (default `/home/dev/project`). */
  cwd?: string;
  /** Home directory for `~/` (default `/home/dev`). */
  home?: string;
};

/** `codex execpolicy check` output; `decision` is absent when nothing matched. */
export interface CheckOk {
  kind: 'ok';
  matchedRules: PrefixRuleMatch[];
  decision?: Decision;
}

/** Loads the wasm once; later calls share the instance. Node: pass the `.wasm` bytes. */
export function initialize(moduleOrPath?: BufferSource | WebAssembly.Module | URL | string | Response): Promise<void>;

/** `codex execpolicy check`: rules files + requirements `[rules]` + one command. */
export function check(request: CheckRequest): CheckOk | ErrorResult;

/** The Codex behaviour this build follows (null before `initialize`). */
export function codexVersion(): string | null;
