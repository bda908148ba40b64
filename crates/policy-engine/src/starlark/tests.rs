//! Unit tests of the evaluator (behaviour vectors live in the corpus, `tests/cases/starlark/`).
