//! Random programs for the parser oracle: the grammar's constructs in random combinations, mostly valid
//! but with the semantic errors the grammar actions and the validation report (assignment targets, argument
//! and parameter order, type expressions, f-string captures, misplaced statements), plus token-level edits
//! of them. The lexer's oracle (`starlark::oracle`) generates lexically varied programs; these vary the syntax.

use crate::starlark::lexer::Lexer;
use crate::starlark::oracle::Rng;

/// `count` programs from `seed`.
pub(super) fn programs(seed: u64, count: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..count).map(|_| generate(&mut rng)).collect()
}

/// `count` programs from `seed`, each with one or two token-level edits.
pub(super) fn mutated_programs(seed: u64, count: usize) -> Vec<String> {
    let mut rng = Rng::new(seed ^ 0x3c6e_f372);
    programs(seed, count)
        .iter()
        .map(|p| {
            let once = mutate(&mut rng, p);
            if rng.chance(30) { mutate(&mut rng, &once) } else { once }
        })
        .collect()
}

/// One of `items` (a string, where `Rng::pick` would give a reference to one).
fn pick(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    items[rng.below(items.len())]
}

/// Token spans of `text` (up to the first lexer error), for token-level mutations.
fn token_spans(text: &str) -> Vec<(usize, usize)> {
    Lexer::new(text).map_while(Result::ok).map(|(a, _, b)| (a, b)).filter(|(a, b)| a < b).collect()
}

const SNIPPETS: &[&str] = &[
    "(", ")", "[", "]", "{", "}", ",", ":", ";", "=", "+=", "\n", "\n    ", "\t", " ", "if ", "else", "elif ", "for ",
    " in ", "not ", "lambda ", "def ", "return", "load", "*", "**", "/", "->", ".", "...", "x", "1", "'s'", "f'{x}'",
    "f'{1}'", "#c\n", "\\\n", "pass", "break", "continue", "and", "or", "==", "<", "-", "~", "0x1",
];

/// One random token-level edit of `text`: delete, duplicate, swap, or insert a snippet.
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
            out.insert_str(a, pick(rng, SNIPPETS));
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
            out.insert_str(at, pick(rng, SNIPPETS));
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
        let sep = pick(self.rng, &[", ", ", ", " , ", ",", " ,\\\n "]);
        self.out.push_str(sep);
    }

    fn expr(&mut self, depth: usize) {
        let leaf = depth == 0 || self.rng.chance(35);
        if leaf {
            let atom = if self.rng.chance(3) {
                pick(self.rng, &["f'{1}'", "f'{'", "f'{ x }'", "f'{x!s}'", "f'{x:>3}'", "f'}'"])
            } else {
                pick(
                    self.rng,
                    &[
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
                    ],
                )
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
                let op = pick(
                    self.rng,
                    &[
                        " + ", " - ", " * ", " / ", " // ", " % ", " | ", " & ", " ^ ", " << ", " >> ", " == ", " != ",
                        " < ", " > ", " <= ", " >= ", " in ", " not in ", " and ", " or ",
                    ],
                );
                self.out.push_str(op);
                self.expr(d);
            }
            1 => {
                self.out.push_str(pick(self.rng, &["-", "+", "~", "not "]));
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
                self.out.push_str(pick(self.rng, &["a", "format", "b"]));
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
                    let name = if shuffled { pick(self.rng, &names) } else { names[i] };
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
                self.out.push_str(pick(self.rng, &[", ", " , ", ",\\\n"]));
            }
            let names = ["p", "q", "r", "s", "t"];
            let name = if shuffled { pick(self.rng, &names) } else { names[i] };
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
                self.out.push_str(pick(self.rng, &[": ", " : ", ":"]));
                self.type_expr(d);
            }
            if default || shuffled && self.rng.chance(30) {
                self.out.push_str(pick(self.rng, &[" = ", "=", " =\\\n"]));
                self.expr(d);
            }
            if stage >= 6 {
                break;
            }
        }
    }

    fn type_expr(&mut self, d: usize) {
        if self.rng.chance(70) {
            let t = pick(self.rng, &["int", "str", "list[int]", "dict[str, int]", "int | None", "typing.Any", "None"]);
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
            1 if self.in_for || self.rng.chance(5) => self.out.push_str(pick(self.rng, &["break", "continue", "pass"])),
            1 => self.out.push_str("pass"),
            2 if self.top || self.rng.chance(5) => {
                self.out.push_str("load(\"m\"");
                for _ in 0..self.rng.below(3) {
                    self.out.push_str(pick(self.rng, &[", \"a\"", ", b = \"c\"", ", \"a\""]));
                }
                if self.rng.chance(30) {
                    self.out.push(',');
                }
                self.out.push(')');
            }
            3..=5 => {
                let op = pick(self.rng, &[" = ", " = ", " = ", " += ", " -= ", " *= ", " //= ", " |= ", " <<= "]);
                let plain = op == " = ";
                if plain || self.rng.chance(5) {
                    self.target(d);
                } else {
                    self.out.push_str(pick(self.rng, &["a", "a.b", "a[0]"]));
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
            self.out.push_str(pick(self.rng, &["elif x:", "else:"]));
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
