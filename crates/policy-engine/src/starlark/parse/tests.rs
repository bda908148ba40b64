//! Our parser against `starlark_syntax`'s own (`AstModule::parse`), which stays callable natively: the same AST
//! (`Debug` of the top statement) or the same first error (message and span) on every input. Inputs: every
//! `.rules` file and case-corpus string in the repository, mutations of them (tokens and characters deleted,
//! inserted, duplicated, swapped; truncation at every byte), and programs from a random grammar-driven
//! generator. Everything is seeded, so a failure reproduces.

mod generator;

use std::fmt::Write as _;

use starlark_syntax::syntax::module::AstModuleFields;
use starlark_syntax::syntax::{AstModule, Dialect};

use crate::starlark::{excessive_nesting, oracle, parse_rules};

fn dialect() -> Dialect {
    let mut dialect = Dialect::Extended.clone();
    dialect.enable_f_strings = true;
    dialect
}

fn ours(text: &str) -> String {
    match parse_rules(text) {
        Ok(top) => format!("{top:?}"),
        Err(e) => format!("error {:?} at {:?}", e.message, e.span),
    }
}

fn theirs(text: &str) -> String {
    match AstModule::parse("t.rules", text.to_owned(), &dialect()) {
        Ok(module) => format!("{:?}", AstModuleFields::statement(&module)),
        Err(e) => format!("error {:?} at {:?}", e.without_diagnostic().to_string(), e.span().map(|s| s.span)),
    }
}

/// Compares on every input; panics with the first few differences. Returns (inputs, inputs that parse).
fn compare_all(inputs: impl IntoIterator<Item = String>) -> (usize, usize) {
    let mut count = 0;
    let mut parsed = 0;
    let mut failures = String::new();
    let mut failed = 0;
    for text in inputs {
        // The loader rejects deeper nesting before parsing (our parser recurses once per level).
        if excessive_nesting(&text).is_some() {
            continue;
        }
        count += 1;
        let (a, b) = (ours(&text), theirs(&text));
        parsed += usize::from(!b.starts_with("error "));
        if a != b {
            failed += 1;
            if failed <= 3 {
                // Show where the renderings part.
                let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count().saturating_sub(300);
                let (a, b) = (a.get(at..).unwrap_or(&a), b.get(at..).unwrap_or(&b));
                let _ = write!(failures, "\n--- input {text:?}\nours:   …{a:.600}\ntheirs: …{b:.600}\n");
            }
        }
    }
    assert!(failed == 0, "{failed} of {count} inputs differ:{failures}");
    (count, parsed)
}

/// Hand-picked corners: empty input, ends of file, every grammar action's check and every validation.
const EDGE_CASES: &[&str] = &[
    "",
    "\n",
    "\n\n",
    "#c",
    "#c\n",
    "x",
    "x\n\n",
    "\nx",
    "x;",
    "x; y;",
    "(",
    "x = (",
    "def f(:",
    "if x:",
    "if x:\n",
    "for",
    "lambda",
    "x if y",
    "a[1:2:3:4]",
    "a[::]",
    "a[1, 2]",
    "a[1, 2, 3]",
    "\t",
    "  x",
    "x\n  y",
    "if x:\n  y\n z",
    "load(\"m\")",
    "load(\"m\",)",
    "load(\"m\", \"a\", b = \"c\",)",
    "if x:\n  load(\"m\", \"a\")",
    "break",
    "continue",
    "return",
    "def f():\n  return\n",
    "for x in y:\n  def g(): break",
    "f(*a, *b)",
    "f(**a, **b)",
    "f(**a, b)",
    "f(a=1, b)",
    "f(a=1, a=2)",
    "f(*a, b=1)",
    "def f(a=1, b): pass",
    "def f(*, **k): pass",
    "def f(*): pass",
    "def f(/): pass",
    "def f(a, /, b): pass",
    "def f(a, a): pass",
    "def f(**k, a): pass",
    "def f(a , b , *c , **d ): pass",
    "def f(a: int , b): pass",
    "x: int = 1",
    "x: 1 = 1",
    "x: 'a' = 1",
    "a, b: int = 1, 2",
    "a.b: int += 1",
    "a += 1",
    "(a, b) += 1",
    "[a] = [1]",
    "1 = 2",
    "a + 1 = 2",
    "for 1 in x: pass",
    "[x for 1 in y]",
    "[x for a in b for 1 in c if d]",
    "f'{x} {y!r}'",
    "f'{1}'",
    "f'{'",
    "f'}'",
    "f'{x!s}'",
    "x = ...",
    "def f(x: list[int]) -> None: pass",
    "def f() -> 1: pass",
    "lambda x: x",
    "lambda x=1, *y, **z: x",
    "lambda *, x: x",
    "lambda x, x: 1",
    "x = 1 if y else 2",
    "not x in y",
    "a < b < c",
    "-x ** 2",
    "x.y.z(1)[2]",
    "{a: b for a in c}",
    "{a: b, c: d}",
    "(1,)",
    "()",
    "(1)",
    "a, = b",
    "a, b = c",
    "if a:\n  pass\nelif b:\n  pass\nelse:\n  pass\n",
    "def f():\n\n  x\n\n  y\n\nz",
    "x = 1 # c\n# d\ny = 2",
    "x = \\\n 1",
    "x = [\n1,\n2,\n]",
];

#[test]
fn edge_cases_parse_as_starlark_syntax_does() {
    compare_all(EDGE_CASES.iter().map(|s| (*s).to_owned()));
}

#[test]
fn corpus_parses_as_starlark_syntax_does() {
    let (count, parsed) = compare_all(oracle::corpus().into_iter().map(|(_, text)| text));
    assert!(count > 300 && parsed > 100, "only {count} corpus inputs, {parsed} valid");
}

#[test]
fn corpus_prefixes_parse_as_starlark_syntax_does() {
    compare_all(oracle::truncations());
}

#[test]
fn lexer_oracle_programs_and_mutants_parse_as_starlark_syntax_does() {
    compare_all(oracle::programs(1, 2000));
    compare_all(oracle::mutants(2, 10_000));
}

#[test]
fn generated_programs_parse_as_starlark_syntax_does() {
    let (count, parsed) = compare_all(generator::programs(0x9e37_79b9, 3000));
    // Most generated programs are valid, so the ASTs are compared, not only errors.
    assert!(parsed * 2 > count, "only {parsed} of {count} generated programs parse");
}

#[test]
fn edited_generated_programs_parse_as_starlark_syntax_does() {
    compare_all(generator::mutated_programs(11, 3000));
}

/// Our format-string splitter's tokens (or message) for `s`, and `starlark_syntax`'s.
fn format_tokens(s: &str) -> (String, String) {
    let mut ours = super::format::FormatParser::new(s);
    let mut theirs = starlark_syntax::dot_format_parser::FormatParser::new(s);
    let (mut a, mut b) = (String::new(), String::new());
    loop {
        match ours.next() {
            Ok(Some(t)) => _ = write!(a, "{t:?} "),
            Ok(None) => break,
            Err(e) => {
                a.push_str(&e);
                break;
            }
        }
    }
    loop {
        match theirs.next() {
            Ok(Some(t)) => _ = write!(b, "{t:?} "),
            Ok(None) => break,
            Err(e) => {
                _ = write!(b, "{e:#}");
                break;
            }
        }
    }
    (a, b)
}

#[test]
fn format_strings_split_as_starlark_syntax_does() {
    let mut rng = oracle::Rng::new(5);
    let pieces = ["{", "}", "!", "r", "s", "x", "é", " ", "{}", "{x}", "{x!r}", "{x!s}", "{{", "}}", ":", "0", "!}"];
    for _ in 0..50_000 {
        let s: String = (0..rng.below(8)).map(|_| *rng.pick(&pieces)).collect();
        let (ours, theirs) = format_tokens(&s);
        assert_eq!(ours, theirs, "format string {s:?}");
    }
}

/// The long soak: `SOAK=200000 cargo test -p policy-engine --lib parse::tests::soak -- --ignored --nocapture`.
#[test]
#[ignore = "long; run by hand"]
fn soak() {
    let n: usize = std::env::var("SOAK").ok().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let runs = [
        compare_all(generator::programs(0x50a6, n)),
        compare_all(generator::mutated_programs(0x50a7, n)),
        compare_all(oracle::programs(0x50a8, n)),
        compare_all(oracle::mutants(0x50a9, n)),
    ];
    let (count, valid) = runs.iter().fold((0, 0), |(c, v), (rc, rv)| (c + rc, v + rv));
    println!("soak: {count} inputs, {valid} of them valid");
}
