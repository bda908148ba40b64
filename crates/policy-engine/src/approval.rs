//! From an evaluation to what Codex does: run sandboxed, run unsandboxed, ask or reject (spec §3.5.3, §3.6).
