//! Our lexer against starlark's own (the oracle): the same lexemes, spans and errors, up to and
//! including the first error (where parsing stops).

use starlark_syntax::codemap::CodeMap;
use starlark_syntax::syntax::Dialect;

use super::{Lexeme, Lexer, exactly_one_identifier};
use crate::starlark::oracle;

/// One lexeme as a line: span, then the token's `Debug` or the error's message.
fn render(lexeme: Lexeme) -> String {
    match lexeme {
        Ok((start, token, end)) => format!("{start}..{end} {token:?}"),
        Err(e) => format!("{}..{} error: {}", e.start, e.end, e.message),
    }
}

/// Our stream up to and including the first error.
fn ours(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for lexeme in Lexer::new(text) {
        let failed = lexeme.is_err();
        out.push(render(lexeme));
        if failed {
            break;
        }
    }
    out
}

/// starlark's stream up to and including the first error.
fn theirs(text: &str) -> Vec<String> {
    let dialect = Dialect { enable_f_strings: true, ..Dialect::Extended };
    let codemap = CodeMap::new("t.rules".to_owned(), text.to_owned());
    let mut out = Vec::new();
    for lexeme in starlark_syntax::lexer::Lexer::new(text, &dialect, codemap) {
        match lexeme {
            Ok(token) => out.push(render(Ok(token))),
            Err(e) => {
                let e = e.into_error();
                let (start, end) = e.span().map_or((0, 0), |s| (s.span.begin().get(), s.span.end().get()));
                out.push(format!("{start}..{end} error: {}", e.without_diagnostic()));
                break;
            }
        }
    }
    out
}

/// Compares every input; panics listing the first few that differ.
fn compare(inputs: impl IntoIterator<Item = String>) -> usize {
    let (mut count, mut differing) = (0, 0);
    let mut failures = Vec::new();
    for text in inputs {
        count += 1;
        let (ours, theirs) = (ours(&text), theirs(&text));
        differing += usize::from(ours != theirs);
        if ours != theirs && failures.len() < 5 {
            let at = ours.iter().zip(&theirs).position(|(a, b)| a != b).unwrap_or(ours.len().min(theirs.len()));
            failures.push(format!(
                "input {text:?}\n  ours:   {:?}\n  theirs: {:?}",
                ours.get(at..).unwrap_or_default().iter().take(3).collect::<Vec<_>>(),
                theirs.get(at..).unwrap_or_default().iter().take(3).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{differing} of {count} inputs differ, e.g.:\n{}", failures.join("\n"));
    count
}

/// Inputs aimed at each rule of starlark's lexer.
const EDGES: &[&str] = &[
    "",
    "\n",
    "x",
    "x\n",
    "x\n\n\ny\n",
    "  x\n",
    "if x:\n  y\n  z\nw\n",
    "if x:\n    y\n  z\n",
    "if x:\n  if y:\n    z\n",
    "if x:\n  if y:\n    z\nw",
    "def f():\n\tpass\n",
    "\tx",
    "x\t= 1",
    "x = (1,\n\t2)",
    "x = (1,\n  2)\n",
    "x = [\n# c\n  1]\n",
    ") \n x",
    "x # comment\r\ny",
    "# only\n  # indented\n\n  \nx",
    "# c\r\n#\r\n",
    "#",
    "x\r\ny\r\n",
    "x\ry",
    "\r",
    "x \\\ny",
    "x \\\r\ny",
    "x \\ y",
    "x \\\rz",
    "\\",
    "  \t\n  x",
    " \r\n x",
    "if x:\n  \n  y\n",
    "if x:\n  # c\n y\n",
    "a as b assert asserted is isx class",
    "and break continue def elif else for if in lambda load not or pass return",
    "_x X9 é x\u{e9} 名 ñ=1",
    "0 00 0123 1_000 12 0x1F 0X 0xg 0b101 0b2 0B1 0o17 0o8 0O7",
    "2147483647 2147483648 -2147483648 99999999999999999999999 0xFFFFFFFF 0x7FFFFFFF",
    "1. 1.5 .5 1e5 1E+5 1e-5 1.e5 1.5e 1e 1e+ .e5 ..5 ... .. . 01.5 00.0 1.5.6",
    "x += -= *= /= //= %= == != <= >= ** -> = < > - + * % / // . & | ^ << >> ~ &= |= ^= <<= >>= ... [ { ( ] } ) , ; :",
    "! !x !=",
    "$ ? ` @",
    "'a' \"b\" '' \"\" 'it''s'",
    "'''a\nb''' \"\"\"x\"\"\" '''''' '''a'''' \"\"\"\"\"\"\"",
    "r'a\\b' r\"\\\"\" r'\\'' r'\\\n' rb'x' b'x' rf'x' R'x'",
    "f'{x}' f\"a{b}c\" fr'\\{x}' fr\"x\" f'''a\n{b}''' F'x'",
    "'\\n\\r\\t\\a\\b\\f\\v\\'\\\"\\\\'",
    "'\\x41\\u00e9\\U0001F600\\101\\0\\7\\18\\8\\z'",
    "'\\x4' '\\x'",
    "'\\x4g'",
    "'\\u12'",
    "'\\U110000'",
    "'\\ud800'",
    "'a\\\nb' 'a\\\r\nb'",
    "'a\\\rb'",
    "'a\\",
    "'abc",
    "'abc\ndef'",
    "'ab\\tc\ndef'",
    "'''abc",
    "'''ab\\c",
    "'a\rb' '''a\r\nb'''",
    "'é\\n' 'é' \"名\\t\"",
    "'\\é'",
    "r'abc",
    "r'a\\",
    "f'abc",
    "'''a\\''''",
    "'''a'\\''''",
    "'''a''\\'''",
    "x = 1\n  y = 2\n",
    "if x:\n  y\n    z\n",
    "if x:\n    y\n  z\n",
    "\n\n  x\n",
    "if x:\n  y\n\n",
    "if x:\n  y\n# c",
    "if x:\n  y\n  # c",
    "(\n)\nx\n  y",
    "([{\n}])\n",
    "x = 1;\n",
    "\u{feff}x",
    "\x00",
];

#[test]
fn edges_lex_like_starlark() {
    compare(EDGES.iter().map(|s| (*s).to_owned()));
}

#[test]
fn every_rules_text_in_the_repository_lexes_like_starlark() {
    let corpus = oracle::corpus();
    assert!(corpus.len() > 50, "the corpus has only {} texts", corpus.len());
    compare(corpus.into_iter().map(|(_, text)| text));
}

#[test]
fn every_truncation_lexes_like_starlark() {
    compare(oracle::truncations());
}

#[test]
fn generated_programs_lex_like_starlark() {
    compare(oracle::programs(1, 2000));
}

#[test]
fn mutants_lex_like_starlark() {
    compare(oracle::mutants(2, 20_000));
}

/// The long soak: `cargo test -p policy-engine lexer_soak -- --ignored`.
#[test]
#[ignore = "long soak, run by hand"]
fn lexer_soak() {
    let mut n = compare(oracle::programs(11, 200_000));
    for seed in 0..100 {
        n += compare(oracle::mutants(1000 + seed, 10_000));
    }
    eprintln!("{n} inputs compared");
}

#[test]
fn exactly_one_identifier_agrees_with_starlark() {
    let fixed = ["foo", " foo ", "foo bar", "not", "123", "", "x\\\n", "x\n", "é", "_a1", "a.b", "as", "f'", "x#"];
    // Short windows of real and mutated texts, like the captures of f-strings.
    let mut rng = oracle::Rng::new(3);
    let texts: Vec<String> = oracle::mutants(4, 2000);
    let windows = texts.iter().map(|t| {
        let chars: Vec<char> = t.chars().collect();
        let at = rng.below(chars.len() + 1);
        let len = rng.below(8);
        chars[at..(at + len).min(chars.len())].iter().collect::<String>()
    });
    for s in fixed.into_iter().map(str::to_owned).chain(windows) {
        assert_eq!(exactly_one_identifier(&s), starlark_syntax::lexer::lex_exactly_one_identifier(&s), "{s:?}");
    }
}
