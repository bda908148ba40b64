//! Our parser against `starlark_syntax`'s own (`AstModule::parse`), which stays callable natively: the same AST
//! (`Debug` of the top statement) or the same first error (message and span) on every input. Inputs: every
//! `.rules` file and case-corpus string in the repository, mutations of them (tokens and characters deleted,
//! inserted, duplicated, swapped; truncation at every byte), and programs from a random grammar-driven
//! generator. Everything is seeded, so a failure reproduces.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use starlark_syntax::codemap::CodeMap;
use starlark_syntax::lexer::Lexer;
use starlark_syntax::syntax::module::AstModuleFields;
use starlark_syntax::syntax::{AstModule, Dialect};
use toml::de::{DeTable, DeValue};

use crate::starlark::{excessive_nesting, parse_rules};

fn dialect() -> Dialect {
    let mut dialect = Dialect::Extended.clone();
    dialect.enable_f_strings = true;
    dialect
}

fn ours(text: &str) -> String {
    match parse_rules("t.rules", text) {
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

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn strings_of(value: &DeValue<'_>, out: &mut Vec<String>) {
    match value {
        DeValue::String(s) => out.push(s.to_string()),
        DeValue::Array(items) => items.iter().for_each(|v| strings_of(v.get_ref(), out)),
        DeValue::Table(t) => table_strings(t, out),
        _ => {}
    }
}

fn table_strings(table: &DeTable<'_>, out: &mut Vec<String>) {
    for (_, v) in table {
        strings_of(v.get_ref(), out);
    }
}

/// Every `.rules` file, every string in the case corpus, and the evaluator's unit tests (as text and by line).
fn corpus() -> Vec<String> {
    let root = repo();
    let mut texts = Vec::new();
    let mut paths = Vec::new();
    for dir in ["web", "examples", "tests", "docs"] {
        files_under(&root.join(dir), "rules", &mut paths);
    }
    for path in &paths {
        texts.push(std::fs::read_to_string(path).unwrap_or_default());
    }
    let mut cases = Vec::new();
    files_under(&root.join("tests/cases"), "toml", &mut cases);
    for path in &cases {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if let Ok(doc) = DeTable::parse(&text) {
            table_strings(doc.get_ref(), &mut texts);
        }
    }
    let unit = std::fs::read_to_string(root.join("crates/policy-engine/src/starlark/tests.rs")).unwrap_or_default();
    texts.extend(unit.lines().map(str::to_owned));
    texts.push(unit);
    texts.sort();
    texts.dedup();
    texts
}

/// xorshift64*: a fixed-seed generator (no dependency, same sequence everywhere).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { usize::try_from(self.next() % n as u64).unwrap_or(0) }
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Token spans of `text` (up to the first lexer error), for token-level mutations.
fn token_spans(text: &str) -> Vec<(usize, usize)> {
    let d = dialect();
    let codemap = CodeMap::new("t".to_owned(), text.to_owned());
    Lexer::new(text, &d, codemap).map_while(Result::ok).map(|(a, _, b)| (a, b)).filter(|(a, b)| a < b).collect()
}

const SNIPPETS: &[&str] = &[
    "(", ")", "[", "]", "{", "}", ",", ":", ";", "=", "+=", "\n", "\n    ", "\t", " ", "if ", "else", "elif ", "for ",
    " in ", "not ", "lambda ", "def ", "return", "load", "*", "**", "/", "->", ".", "...", "x", "1", "'s'", "f'{x}'",
    "f'{1}'", "#c\n", "\\\n", "pass", "break", "continue", "and", "or", "==", "<", "-", "~", "0x1",
];

/// One random mutation of `text`.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let spans = token_spans(text);
    let mut out = text.to_owned();
    let piece = |(a, b): (usize, usize)| text.get(a..b).unwrap_or_default().to_owned();
    match rng.below(7) {
        0 if !spans.is_empty() => {
            let (a, b) = spans[rng.below(spans.len())];
            out.replace_range(a..b, "");
        }
        1 if !spans.is_empty() => {
            let s = spans[rng.below(spans.len())];
            out.insert_str(s.0, &piece(s));
        }
        2 if spans.len() > 1 => {
            let i = rng.below(spans.len() - 1);
            let (x, y) = (spans[i], spans[i + 1 + rng.below(spans.len() - i - 1)]);
            let (px, py) = (piece(x), piece(y));
            out.replace_range(y.0..y.1, &px);
            out.replace_range(x.0..x.1, &py);
        }
        3 if !spans.is_empty() => {
            let (a, _) = spans[rng.below(spans.len())];
            out.insert_str(a, rng.pick(SNIPPETS));
        }
        4 if !text.is_empty() => {
            let mut at = rng.below(text.len());
            while !out.is_char_boundary(at) {
                at -= 1;
            }
            out.remove(at);
        }
        5 => {
            let mut at = rng.below(text.len() + 1);
            while !out.is_char_boundary(at) {
                at -= 1;
            }
            out.insert_str(at, rng.pick(SNIPPETS));
        }
        _ => {
            let mut at = rng.below(text.len() + 1);
            while !out.is_char_boundary(at) {
                at -= 1;
            }
            out.truncate(at);
        }
    }
    out
}

/// A random program from (roughly) the grammar, sometimes slightly off.
struct Gen<'r> {
    rng: &'r mut Rng,
    out: String,
    /// Where the statement being generated is (so that most programs are valid).
    in_def: bool,
    in_for: bool,
    top: bool,
}

impl Gen<'_> {
    /// A comma with varied spacing (spans of empty symbols depend on where the next token starts).
    fn comma(&mut self) {
        let sep = self.rng.pick(&[", ", ", ", " , ", ",", " ,\\\n "]);
        self.out.push_str(sep);
    }

    fn expr(&mut self, depth: usize) {
        let leaf = depth == 0 || self.rng.chance(35);
        if leaf {
            let atom = if self.rng.chance(3) {
                self.rng.pick(&["f'{1}'", "f'{'", "f'{ x }'", "f'{x!s}'", "f'{x:>3}'", "f'}'"])
            } else {
                self.rng.pick(&[
                    "x",
                    "y",
                    "_z",
                    "1",
                    "0",
                    "0x1F",
                    "0o7",
                    "0b1",
                    "1.5",
                    ".5",
                    "1e3",
                    "'a'",
                    "\"b\"",
                    "r'\\d'",
                    "'''t'''",
                    "f'{x}'",
                    "f'{x!r} {y}'",
                    "f'{{x}}'",
                    "...",
                    "True",
                    "None",
                    "[]",
                    "{}",
                    "()",
                ])
            };
            self.out.push_str(atom);
            return;
        }
        let d = depth - 1;
        let choice = self.rng.below(16);
        // Lambdas, conditionals and `not` are only operands in parentheses.
        let paren = matches!(choice, 1 | 2 | 11) && self.rng.chance(80);
        if paren {
            self.out.push('(');
        }
        self.compound_expr(choice, d);
        if paren {
            self.out.push(')');
        }
    }

    fn compound_expr(&mut self, choice: usize, d: usize) {
        match choice {
            0 => {
                self.expr(d);
                let op = self.rng.pick(&[
                    " + ", " - ", " * ", " / ", " // ", " % ", " | ", " & ", " ^ ", " << ", " >> ", " == ", " != ",
                    " < ", " > ", " <= ", " >= ", " in ", " not in ", " and ", " or ",
                ]);
                self.out.push_str(op);
                self.expr(d);
            }
            1 => {
                self.out.push_str(self.rng.pick(&["-", "+", "~", "not "]));
                self.expr(d);
            }
            2 => {
                self.expr(d);
                self.out.push_str(" if ");
                self.expr(d);
                self.out.push_str(" else ");
                self.expr(d);
            }
            3 => {
                self.expr(d);
                self.out.push('(');
                self.args(d);
                self.out.push(')');
            }
            4 => {
                self.expr(d);
                self.out.push('.');
                self.out.push_str(self.rng.pick(&["a", "format", "b"]));
            }
            5 => {
                self.expr(d);
                self.out.push('[');
                match self.rng.below(5) {
                    0 => self.expr(d),
                    1 => {
                        self.expr(d);
                        self.comma();
                        self.expr(d);
                    }
                    2 => self.out.push(':'),
                    3 => {
                        self.expr(d);
                        self.out.push(':');
                        self.expr(d);
                        self.out.push(':');
                    }
                    _ => {
                        self.out.push_str("::");
                        self.expr(d);
                    }
                }
                self.out.push(']');
            }
            6 => self.seq("[", "]", d),
            7 => self.seq("(", ")", d),
            8 => {
                self.out.push('{');
                let n = self.rng.below(3);
                for i in 0..n {
                    if i > 0 {
                        self.comma();
                    }
                    self.expr(d);
                    self.out.push_str(": ");
                    self.expr(d);
                }
                if n > 0 && self.rng.chance(20) {
                    self.out.push(',');
                }
                self.out.push('}');
            }
            9 | 10 => {
                let dict = self.rng.chance(30);
                self.out.push_str(if dict { "{" } else { "[" });
                self.expr(d);
                if dict {
                    self.out.push_str(": ");
                    self.expr(d);
                }
                let clauses = 1 + self.rng.below(2);
                for i in 0..clauses {
                    if i > 0 && self.rng.chance(50) {
                        self.out.push_str(" if ");
                        self.expr(d);
                    } else {
                        self.out.push_str(" for ");
                        self.target(d);
                        self.out.push_str(" in ");
                        self.expr(d);
                    }
                }
                self.out.push_str(if dict { "}" } else { "]" });
            }
            11 => {
                self.out.push_str("lambda ");
                self.params(d, false);
                self.out.push_str(": ");
                self.expr(d);
            }
            12 => {
                self.out.push('(');
                self.expr(d);
                self.out.push(')');
            }
            13 if self.rng.chance(20) => {
                self.expr(d);
                self.comma();
                self.expr(d);
            }
            _ => self.expr(d),
        }
    }

    fn seq(&mut self, open: &str, close: &str, d: usize) {
        self.out.push_str(open);
        let n = self.rng.below(4);
        for i in 0..n {
            if i > 0 {
                self.comma();
            }
            self.expr(d);
        }
        if n > 0 && self.rng.chance(25) {
            self.out.push(',');
        }
        self.out.push_str(close);
    }

    fn target(&mut self, d: usize) {
        match self.rng.below(6) {
            0 => self.out.push_str("a, b"),
            1 => self.out.push_str("[a, (b, c)]"),
            2 => self.out.push_str("a.b"),
            3 => self.out.push_str("a[0]"),
            4 if self.rng.chance(20) => self.expr(d),
            _ => self.out.push('a'),
        }
    }

    /// Arguments, mostly in a valid order (positional, named, `*`, `**`).
    fn args(&mut self, d: usize) {
        let n = self.rng.below(5);
        let shuffled = self.rng.chance(5);
        let mut stage = 0;
        for i in 0..n {
            if i > 0 {
                self.comma();
            }
            stage = if shuffled { self.rng.below(4) } else { stage.max(self.rng.below(4)) };
            match stage {
                0 => {}
                1 => {
                    let names = ["k", "j", "m", "n", "o"];
                    let name = if shuffled { self.rng.pick(&names) } else { names[i] };
                    self.out.push_str(name);
                    self.out.push('=');
                }
                2 => {
                    self.out.push('*');
                    stage = 3;
                }
                _ => {
                    self.out.push_str("**");
                    stage = 4;
                }
            }
            self.expr(d);
            if stage >= 4 {
                break;
            }
        }
        if n > 0 && self.rng.chance(20) {
            self.out.push(',');
        }
    }

    /// Parameters, mostly in a valid order (plain, defaulted, `*`/`*args`, keyword-only, `**kwargs`).
    fn params(&mut self, d: usize, typed: bool) {
        let n = self.rng.below(5);
        let shuffled = self.rng.chance(5);
        let mut stage = 0;
        for i in 0..n {
            if i > 0 {
                self.out.push_str(self.rng.pick(&[", ", " , ", ",\\\n"]));
            }
            let names = ["p", "q", "r", "s", "t"];
            let name = if shuffled { self.rng.pick(&names) } else { names[i] };
            stage = if shuffled { self.rng.below(6) } else { stage.max(self.rng.below(6)) };
            let default = match stage {
                0 => {
                    self.out.push_str(name);
                    false
                }
                1 | 3 => {
                    self.out.push_str(name);
                    true
                }
                2 => {
                    stage = 3;
                    if self.rng.chance(50) && i + 1 < n {
                        self.out.push('*');
                        continue;
                    }
                    self.out.push('*');
                    self.out.push_str(name);
                    false
                }
                4 if self.rng.chance(10) => {
                    self.out.push('/');
                    continue;
                }
                _ => {
                    self.out.push_str("**");
                    self.out.push_str(name);
                    stage = 6;
                    false
                }
            };
            if typed && self.rng.chance(30) {
                self.out.push_str(self.rng.pick(&[": ", " : ", ":"]));
                self.type_expr(d);
            }
            if default || shuffled && self.rng.chance(30) {
                self.out.push_str(self.rng.pick(&[" = ", "=", " =\\\n"]));
                self.expr(d);
            }
            if stage >= 6 {
                break;
            }
        }
    }

    fn type_expr(&mut self, d: usize) {
        if self.rng.chance(70) {
            let t = self.rng.pick(&["int", "str", "list[int]", "dict[str, int]", "int | None", "typing.Any", "None"]);
            self.out.push_str(t);
        } else {
            self.expr(d);
        }
    }

    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str(if self.rng.below(500) == 0 { "\t" } else { "    " });
        }
        if self.rng.below(500) == 0 {
            self.out.push(' ');
        }
    }

    fn small(&mut self, d: usize) {
        match self.rng.below(12) {
            0 if self.in_def || self.rng.chance(5) => {
                self.out.push_str("return");
                if self.rng.chance(70) {
                    self.out.push(' ');
                    self.expr(d);
                }
            }
            1 if self.in_for || self.rng.chance(5) => self.out.push_str(self.rng.pick(&["break", "continue", "pass"])),
            1 => self.out.push_str("pass"),
            2 if self.top || self.rng.chance(5) => {
                self.out.push_str("load(\"m\"");
                for _ in 0..self.rng.below(3) {
                    self.out.push_str(self.rng.pick(&[", \"a\"", ", b = \"c\"", ", \"a\""]));
                }
                if self.rng.chance(30) {
                    self.out.push(',');
                }
                self.out.push(')');
            }
            3..=5 => {
                let op = self.rng.pick(&[" = ", " = ", " = ", " += ", " -= ", " *= ", " //= ", " |= ", " <<= "]);
                let plain = op == " = ";
                if plain || self.rng.chance(5) {
                    self.target(d);
                } else {
                    self.out.push_str(self.rng.pick(&["a", "a.b", "a[0]"]));
                }
                if (plain || self.rng.chance(5)) && self.rng.chance(15) {
                    self.out.push_str(": ");
                    self.type_expr(d);
                }
                self.out.push_str(op);
                self.expr(d);
            }
            _ => self.expr(d),
        }
    }

    fn stmt(&mut self, level: usize, depth: usize) {
        self.indent(level);
        let compound = depth > 0 && self.rng.chance(30);
        if !compound {
            self.small(3);
            while self.rng.chance(10) {
                self.out.push_str("; ");
                self.small(2);
            }
            if self.rng.chance(5) {
                self.out.push(';');
            }
            if self.rng.chance(10) {
                self.out.push_str("  # comment");
            }
            self.out.push('\n');
            return;
        }
        let saved = (self.in_def, self.in_for, self.top);
        self.top = false;
        let kind = self.rng.below(3);
        match kind {
            0 => {
                self.in_def = true;
                self.in_for = false;
                self.out.push_str("def f(");
                self.params(2, true);
                self.out.push(')');
                if self.rng.chance(20) {
                    self.out.push_str(" -> ");
                    self.type_expr(1);
                }
                self.out.push(':');
            }
            1 => {
                self.out.push_str("if ");
                self.expr(2);
                self.out.push(':');
            }
            _ => {
                self.in_for = true;
                self.out.push_str("for ");
                self.target(2);
                self.out.push_str(" in ");
                self.expr(2);
                self.out.push(':');
            }
        }
        self.suite(level, depth);
        if (kind == 1 || self.rng.chance(3)) && self.rng.chance(40) {
            self.indent(level);
            self.out.push_str(self.rng.pick(&["elif x:", "else:"]));
            self.suite(level, depth);
        }
        (self.in_def, self.in_for, self.top) = saved;
    }

    fn suite(&mut self, level: usize, depth: usize) {
        if self.rng.chance(20) {
            self.out.push(' ');
            self.small(2);
            self.out.push('\n');
            return;
        }
        self.out.push('\n');
        for _ in 0..=self.rng.below(3) {
            if self.rng.chance(5) {
                self.out.push('\n');
            }
            self.stmt(level + 1, depth - 1);
        }
    }
}

fn generate(rng: &mut Rng) -> String {
    let mut g = Gen { rng, out: String::new(), in_def: false, in_for: false, top: true };
    if g.rng.chance(10) {
        g.out.push('\n');
    }
    for _ in 0..=g.rng.below(4) {
        g.stmt(0, 3);
    }
    if g.rng.chance(20) {
        g.out.pop();
    }
    g.out
}

fn generated(seed: u64, count: usize) -> impl Iterator<Item = String> {
    let mut rng = Rng(seed);
    (0..count).map(move |_| generate(&mut rng))
}

fn mutated(seed: u64, rounds: usize) -> Vec<String> {
    let corpus = corpus();
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    for _ in 0..rounds {
        for text in &corpus {
            let mut t = mutate(&mut rng, text);
            if rng.chance(30) {
                t = mutate(&mut rng, &t);
            }
            out.push(t);
        }
    }
    out
}

#[test]
fn corpus_parses_as_starlark_syntax_does() {
    let (count, parsed) = compare_all(corpus());
    assert!(count > 1000 && parsed > 100, "only {count} corpus inputs, {parsed} valid");
}

#[test]
fn truncations_of_the_example_rules_parse_as_starlark_syntax_does() {
    let mut paths = Vec::new();
    files_under(&repo().join("web/src/examples"), "rules", &mut paths);
    let mut inputs = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        inputs.extend((0..=text.len()).filter(|&i| text.is_char_boundary(i)).map(|i| text[..i].to_owned()));
    }
    compare_all(inputs);
}

#[test]
fn mutations_parse_as_starlark_syntax_does() {
    compare_all(mutated(0x5eed, 3));
}

#[test]
fn generated_programs_parse_as_starlark_syntax_does() {
    let (count, parsed) = compare_all(generated(0x9e37_79b9, 3000));
    // Most generated programs are valid, so the ASTs are compared, not only errors.
    assert!(parsed * 2 > count, "only {parsed} of {count} generated programs parse");
}

#[test]
fn mutated_generated_programs_parse_as_starlark_syntax_does() {
    let mut rng = Rng(7);
    let programs: Vec<String> = generated(11, 2000).collect();
    compare_all(programs.iter().map(|p| mutate(&mut rng, p)));
}

/// The long soak: `cargo test -p policy-engine --release soak -- --ignored`; `SOAK` sets the count.
#[test]
#[ignore = "long; run by hand"]
fn soak() {
    let n: usize = std::env::var("SOAK").ok().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let mut rng = Rng(0xdead_beef);
    let programs = generated(0x50a6, n).map(|p| if rng.chance(50) { mutate(&mut rng, &p) } else { p });
    let (a, a_ok) = compare_all(programs);
    let (b, b_ok) = compare_all(mutated(0x50a7, n / 500 + 1));
    println!("soak: {} inputs, {} of them valid", a + b, a_ok + b_ok);
}
