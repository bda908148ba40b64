//! Heuristics for commands no rule matches: known-safe and dangerous commands (spec §3.5).
