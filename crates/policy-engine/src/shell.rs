//! Splitting shell wrappers into the commands Codex evaluates (spec §3.4, §8).
