//! Inputs for comparing our Starlark lexer and parser with `starlark_syntax`'s (the oracle): every
//! `.rules` text in the repository, every prefix of those, random programs from a small grammar,
//! and random mutations of both. Everything is deterministic for a given seed.
//!
//! Use: `oracle::corpus()`, `oracle::truncations()`, `oracle::programs(seed, n)`,
//! `oracle::mutants(seed, n)`; `oracle::Rng` for more randomness of the same kind.

mod corpus;
mod mutants;
mod programs;

pub(crate) use corpus::{corpus, truncations};
pub(crate) use mutants::mutants;
pub(crate) use programs::programs;

/// A small deterministic random number generator (splitmix64).
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % n as u64).unwrap_or(0)
    }

    /// True with probability `percent`%.
    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[test]
fn generated_programs_are_mostly_valid_starlark() {
    let dialect =
        starlark_syntax::syntax::Dialect { enable_f_strings: true, ..starlark_syntax::syntax::Dialect::Extended };
    let programs = programs(7, 300);
    let valid = programs
        .iter()
        .filter(|p| starlark_syntax::syntax::AstModule::parse("t.rules", (*p).clone(), &dialect).is_ok())
        .count();
    assert!(valid * 10 >= programs.len() * 9, "only {valid} of {} generated programs parse", programs.len());
}
