//! Starlark `.rules` files (spec §3.1): parse with `starlark_syntax`, evaluate with our own small
//! evaluator, and build a [`crate::Policy`].
