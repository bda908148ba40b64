// Hand-written types for the <codex-policy-example> element module (codex-policy-example.js).
// Importing the module defines the element; these are its few exports.
import type { ExplainOk, ExplainRequest, ErrorResult, SourceText } from './index.js';

/** The scenario an element carries in its attributes. */
export interface ExampleScenario {
  command: string;
  user?: string;
  groups?: string[];
  /** `KEY=VALUE` overrides, as in the `config="a=b; c=d"` attribute. */
  config?: string[];
  host?: string;
  escalate?: boolean | string;
}

/** What an element shows, keyed like its `data-expect` keys (`codex-policy docs-check` computes the same). */
export interface ExampleSummary {
  outcome: string;
  outcomeText: string;
  /** `none` when there is no decision. */
  decision: string;
  /** `none` when no cloud policy applies. */
  policy: string;
  decidedBy: string;
  /** `none` when there is no reason text. */
  reason: string;
  /** Messages of the warnings and errors, in order. */
  diagnostic: string[];
  /** Each split command with what matched it: `git push origin — git push: prompt`. */
  command: string[];
  severities: string[];
}

/** Anything that evaluates like the package's `explain`. */
export interface ExplainEngine {
  explain(request: ExplainRequest): ExplainOk | ErrorResult;
}

/**
 * Evaluate with this engine instead of the playground's wasm (e.g. the codex-policy package:
 * `useEngine(initialize().then(() => api))`). Call it right after importing the module.
 */
export function useEngine(provider: ExplainEngine | Promise<ExplainEngine>): void;

/** The `explain` request an element sends for its files and scenario. */
export function buildRequest(files: SourceText[], scenario: ExampleScenario): ExplainRequest;

/** The values an element shows for an `explain` result. */
export function summarize(result: ExplainOk): ExampleSummary;

/** The playground's share-format (v1) project for an example; null when it cannot be expressed. */
export function playgroundProject(files: SourceText[], scenario: ExampleScenario): object | null;

/** `…index.html#v1.<base64url(deflate-raw(JSON))>`, or null when the browser cannot compress. */
export function playgroundLink(files: SourceText[], scenario: ExampleScenario): Promise<string | null>;

/** The engine file names a playground page announces in `<meta name="codex-policy-app">`. */
export function findAppFiles(html: string): { js: string; wasm: string } | null;

/**
 * `<codex-policy-example>`: attributes `command`, `user`, `groups`, `config`, `host`, `escalate`;
 * files in `[data-file]` children; the documented result in `[data-expect]` descendants. The host
 * reflects its state in `data-state` (`static` | `live` | `edited` | `error`) and `data-matches`, and
 * fires `codex-policy-evaluated` (`detail: { result, ms }`) after every evaluation.
 */
export class CodexPolicyExample extends HTMLElement {
  /** The latest `explain` result (null until the engine has answered). */
  result: ExplainOk | ErrorResult | null;
}

declare global {
  interface HTMLElementTagNameMap {
    'codex-policy-example': CodexPolicyExample;
  }
}
