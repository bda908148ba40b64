//! JS bindings for the policy engine (filled in by the docs-embedding work).
