//! Random programs from a small grammar of Starlark.

use super::Rng;

/// `n` random programs from a grammar of Starlark as `.rules` files write it (and then some):
/// every statement and expression form, literals of every kind, comments, blank lines, line
/// continuations, CRLF. Mostly valid; a few are not (e.g. `break` outside a loop, a reserved
/// type annotation), which the comparison welcomes.
pub(crate) fn programs(seed: u64, n: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| Program::generate(&mut rng)).collect()
}

/// A random program being written.
struct Program<'r> {
    rng: &'r mut Rng,
    out: String,
    /// The current block's indentation.
    indent: String,
    /// How deeply expressions and blocks may still nest.
    budget: usize,
    newline: &'static str,
    /// Inside a loop (`break`, `continue` allowed) / a function (`return` allowed).
    in_loop: bool,
    in_def: bool,
    /// How many blocks enclose the current statement.
    depth: usize,
}

const NAMES: &[&str] = &[
    "x",
    "y",
    "_z",
    "prefix_rule",
    "pattern",
    "decision",
    "match",
    "not_match",
    "justification",
    "host_executable",
    "True",
    "False",
    "None",
    "len",
    "str",
    "rules",
    "a1",
    "Git",
    "fr",
    "rb",
    "r",
    "f",
    "print",
    "e5",
];
const BINARY: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "and", "or", "|", "&", "^", "<<",
    ">>",
];
const AUGMENTED: &[&str] = &["+=", "-=", "*=", "/=", "//=", "%=", "&=", "|=", "^=", "<<=", ">>="];
const STRINGS: &[&str] = &[
    "'git'",
    "\"push\"",
    "''",
    "\"\"",
    "'it\\'s'",
    "\"a\\nb\"",
    "'\\x41\\u00e9\\U0001F600\\101\\7'",
    "'''multi\nline'''",
    "\"\"\"doc \"quoted\" \"\"\"",
    "r'raw\\d+'",
    "r\"\\\"\"",
    "'é名'",
    "'tab\\there'",
    "'a\\\nb'",
    "\"%s-%d\"",
    "'{}'",
    "'\\q'",
    "'\\0'",
];
const FSTRINGS: &[&str] = &["f'{x}'", "f\"{y} and {x}\"", "f'{{literal}}'", "f'{x!r}'", "f'''{x}\n'''", "fr'\\d{x}'"];
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "42",
    "2147483647",
    "2147483648",
    "99999999999999999999",
    "0x1F",
    "0XfF",
    "0o17",
    "0O7",
    "0b101",
    "0B1",
    "1.5",
    "1.",
    ".5",
    "1e10",
    "1E-3",
    "2.5e+3",
    "0.0",
    "00.5",
];

impl Program<'_> {
    fn generate(rng: &mut Rng) -> String {
        let newline = if rng.chance(10) { "\r\n" } else { "\n" };
        let mut program = Program {
            rng,
            out: String::new(),
            indent: String::new(),
            budget: 6,
            newline,
            in_loop: false,
            in_def: false,
            depth: 0,
        };
        for _ in 0..=program.rng.below(6) {
            program.statement();
        }
        if program.rng.chance(20) {
            // No final newline.
            let trimmed = program.out.trim_end_matches(['\r', '\n']).len();
            program.out.truncate(trimmed);
        }
        program.out
    }

    fn line_end(&mut self) {
        if self.rng.chance(10) {
            self.out.push_str("  # ");
            let word = *self.rng.pick(NAMES);
            self.out.push_str(word);
        }
        self.out.push_str(self.newline);
        if self.rng.chance(8) {
            self.out.push_str(self.newline);
        }
        if self.rng.chance(5) {
            let indent = self.indent.clone();
            self.out.push_str(&indent);
            self.out.push_str("# comment line");
            self.out.push_str(self.newline);
        }
    }

    fn statement(&mut self) {
        let indent = self.indent.clone();
        self.out.push_str(&indent);
        let compound = self.budget > 0 && self.rng.chance(25);
        if !compound {
            self.simple_statements();
            self.line_end();
            return;
        }
        self.budget -= 1;
        match self.rng.below(4) {
            0 => {
                self.out.push_str("if ");
                self.expr();
                self.block();
                while self.rng.chance(30) {
                    self.out.push_str(&indent);
                    self.out.push_str("elif ");
                    self.expr();
                    self.block();
                }
                if self.rng.chance(40) {
                    self.out.push_str(&indent);
                    self.out.push_str("else");
                    self.block();
                }
            }
            1 => {
                self.out.push_str("for ");
                self.targets();
                self.out.push_str(" in ");
                self.expr();
                let outer = std::mem::replace(&mut self.in_loop, true);
                self.block();
                self.in_loop = outer;
            }
            _ => {
                self.out.push_str("def ");
                self.name();
                self.out.push('(');
                self.parameters(true);
                self.out.push(')');
                if self.rng.chance(10) {
                    self.out.push_str(" -> ");
                    self.name();
                }
                let outer = (self.in_loop, self.in_def);
                (self.in_loop, self.in_def) = (false, true);
                self.block();
                (self.in_loop, self.in_def) = outer;
            }
        }
        self.budget += 1;
    }

    /// `:` then either statements on the same line or an indented block.
    fn block(&mut self) {
        self.depth += 1;
        self.block_body();
        self.depth -= 1;
    }

    fn block_body(&mut self) {
        self.out.push(':');
        if self.rng.chance(20) {
            self.out.push(' ');
            self.simple_statements();
            self.line_end();
            return;
        }
        self.line_end();
        let outer = self.indent.clone();
        let max = if self.rng.chance(80) { 4 } else { 8 };
        let width = 1 + self.rng.below(max);
        self.indent.push_str(&" ".repeat(width));
        for _ in 0..=self.rng.below(3) {
            self.statement();
        }
        self.indent = outer;
    }

    fn simple_statements(&mut self) {
        self.simple_statement();
        while self.rng.chance(10) {
            self.out.push_str("; ");
            self.simple_statement();
        }
        if self.rng.chance(5) {
            self.out.push(';');
        }
    }

    fn simple_statement(&mut self) {
        match self.rng.below(12) {
            0 => self.out.push_str("pass"),
            1 if self.in_loop => self.out.push_str(if self.rng.chance(50) { "break" } else { "continue" }),
            2 if self.in_def => {
                self.out.push_str("return");
                if self.rng.chance(70) {
                    self.out.push(' ');
                    self.expr_list();
                }
            }
            3 if self.depth == 0 => {
                self.out.push_str("load(");
                self.string();
                let named = self.rng.below(3);
                for i in 0..=self.rng.below(3) {
                    self.out.push_str(", ");
                    if i >= named {
                        self.name();
                        self.out.push_str(" = ");
                    }
                    self.string();
                }
                self.out.push(')');
            }
            4 => {
                self.primary();
                self.out.push('.');
                self.name();
                self.out.push(' ');
                let op = *self.rng.pick(AUGMENTED);
                self.out.push_str(op);
                self.out.push(' ');
                self.expr();
            }
            5 => {
                self.name();
                self.out.push_str(": ");
                self.name();
                self.out.push_str(" = ");
                self.expr();
            }
            6..=8 => {
                self.targets();
                self.out.push_str(" = ");
                self.expr_list();
            }
            _ => self.expr(),
        }
    }

    /// Assignment targets: a name, a tuple of names, an attribute or an index.
    fn targets(&mut self) {
        match self.rng.below(5) {
            0 => {
                self.name();
                self.out.push_str(", ");
                self.name();
            }
            1 => {
                self.out.push('[');
                self.name();
                self.out.push_str(", (");
                self.name();
                self.out.push_str(", ");
                self.name();
                self.out.push_str(")]");
            }
            2 => {
                self.name();
                self.out.push('.');
                self.name();
            }
            3 => {
                self.name();
                self.out.push('[');
                self.expr();
                self.out.push(']');
            }
            _ => self.name(),
        }
    }

    /// Parameters (with type annotations when `annotations`) in an order Starlark accepts: plain, with defaults, `*` or `*args` (then
    /// keyword-only ones), `**kwargs`.
    fn parameters(&mut self, annotations: bool) {
        let mut list: Vec<String> = Vec::new();
        let mut used = Vec::new();
        let mut param = |p: &mut Self, prefix: &str, default: bool| {
            let mark = p.out.len();
            p.out.push_str(prefix);
            p.fresh_name(&mut used);
            if default {
                p.out.push_str(" = ");
                p.operand();
            } else if annotations && prefix.is_empty() && p.rng.chance(15) {
                p.out.push_str(": ");
                p.name();
            }
            p.out.split_off(mark)
        };
        for _ in 0..self.rng.below(3) {
            list.push(param(self, "", false));
        }
        for _ in 0..self.rng.below(2) {
            list.push(param(self, "", true));
        }
        if self.rng.chance(25) {
            if self.rng.chance(50) {
                list.push(param(self, "*", false));
            } else {
                list.push("*".to_owned());
                let default = self.rng.chance(50);
                list.push(param(self, "", default));
            }
        }
        if self.rng.chance(20) {
            list.push(param(self, "**", false));
        }
        self.out.push_str(&list.join(", "));
    }

    /// Call arguments in an order Starlark accepts: positional, named, `*args`, `**kwargs`.
    fn arguments(&mut self) {
        let mut list: Vec<String> = Vec::new();
        let mut used = Vec::new();
        let mut argument = |p: &mut Self, prefix: &str, named: bool| {
            let mark = p.out.len();
            p.out.push_str(prefix);
            if named {
                p.fresh_name(&mut used);
                p.out.push_str(" = ");
            }
            p.expr();
            p.out.split_off(mark)
        };
        for _ in 0..self.rng.below(3) {
            list.push(argument(self, "", false));
        }
        for _ in 0..self.rng.below(3) {
            list.push(argument(self, "", true));
        }
        if self.rng.chance(15) {
            list.push(argument(self, "*", false));
        }
        if self.rng.chance(15) {
            list.push(argument(self, "**", false));
        }
        for (i, item) in list.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
                self.gap();
                self.out.push(' ');
            }
            self.out.push_str(item);
        }
        if !list.is_empty() && self.rng.chance(20) {
            self.out.push(',');
        }
    }

    /// What calls, attributes and indexing apply to: a name, a string or a bracketed expression.
    fn primary(&mut self) {
        match self.rng.below(4) {
            0 => self.string(),
            1 => {
                self.out.push('(');
                self.expr();
                self.out.push(')');
            }
            _ => self.name(),
        }
    }

    /// A name not in `used` (which it joins).
    fn fresh_name(&mut self, used: &mut Vec<&'static str>) {
        let mut name = *self.rng.pick(NAMES);
        while used.contains(&name) {
            name = *self.rng.pick(NAMES);
        }
        used.push(name);
        self.out.push_str(name);
    }

    fn name(&mut self) {
        let name = *self.rng.pick(NAMES);
        self.out.push_str(name);
    }

    fn string(&mut self) {
        let s = *self.rng.pick(STRINGS);
        self.out.push_str(s);
    }

    fn expr_list(&mut self) {
        self.expr();
        while self.rng.chance(15) {
            self.out.push_str(", ");
            self.expr();
        }
    }

    /// Inside brackets: sometimes a line break (with a comment or odd indentation) instead of a space.
    fn gap(&mut self) {
        match self.rng.below(12) {
            0 => {
                self.out.push_str(self.newline);
                let width = self.rng.below(9);
                self.out.push_str(&" ".repeat(width));
            }
            1 => {
                self.out.push_str("  # note");
                self.out.push_str(self.newline);
                self.out.push_str("    ");
            }
            2 => self.out.push_str(" \\\n"),
            _ => {}
        }
    }

    /// A comma-separated list of `item`s, maybe with a trailing comma.
    fn items(&mut self, max: usize, mut item: impl FnMut(&mut Self)) {
        let count = self.rng.below(max + 1);
        for i in 0..count {
            if i > 0 {
                self.out.push(',');
                self.gap();
                self.out.push(' ');
            }
            item(self);
        }
        if count > 0 && self.rng.chance(20) {
            self.out.push(',');
        }
        self.gap();
    }

    /// An expression at the top precedence level (a conditional, a lambda in brackets, an
    /// operator applied to operands, or an operand).
    fn expr(&mut self) {
        if self.budget == 0 {
            return self.atom();
        }
        self.budget -= 1;
        match self.rng.below(10) {
            0 | 1 => {
                self.operand();
                self.out.push(' ');
                let op = *self.rng.pick(BINARY);
                self.out.push_str(op);
                self.out.push(' ');
                self.operand();
            }
            2 => {
                let op = *self.rng.pick(&["-", "+", "~", "not "]);
                self.out.push_str(op);
                self.operand();
            }
            3 => {
                self.operand();
                self.out.push_str(" if ");
                self.operand();
                self.out.push_str(" else ");
                self.operand();
            }
            4 => {
                self.out.push_str("(lambda");
                if self.rng.chance(70) {
                    self.out.push(' ');
                    self.parameters(false);
                }
                self.out.push_str(": ");
                self.expr();
                self.out.push(')');
            }
            _ => self.operand(),
        }
        self.budget += 1;
    }

    /// An expression that can stand next to an operator: a literal, name, display,
    /// comprehension, call, attribute, index or slice, or a bracketed expression.
    fn operand(&mut self) {
        if self.budget == 0 {
            return self.atom();
        }
        self.budget -= 1;
        match self.rng.below(14) {
            0 => {
                self.out.push('[');
                self.gap();
                self.items(4, Self::expr);
                self.out.push(']');
            }
            1 => {
                self.out.push('{');
                self.items(3, |p| {
                    p.expr();
                    p.out.push_str(": ");
                    p.expr();
                });
                self.out.push('}');
            }
            2 => {
                self.out.push('(');
                self.items(3, Self::expr);
                self.out.push(')');
            }
            3 => {
                let dict = self.rng.chance(40);
                self.out.push(if dict { '{' } else { '[' });
                self.expr();
                if dict {
                    self.out.push_str(": ");
                    self.expr();
                }
                self.gap();
                self.out.push_str(" for ");
                self.targets();
                self.out.push_str(" in ");
                self.operand();
                while self.rng.chance(30) {
                    self.out.push_str(if self.rng.chance(50) { " if " } else { " for x in " });
                    self.operand();
                }
                self.out.push(if dict { '}' } else { ']' });
            }
            4 | 5 => {
                self.primary();
                self.out.push('(');
                self.arguments();
                self.gap();
                self.out.push(')');
            }
            6 => {
                self.primary();
                self.out.push('.');
                self.name();
            }
            7 => {
                self.primary();
                self.out.push('[');
                match self.rng.below(3) {
                    0 => self.expr(),
                    1 => {
                        self.expr();
                        self.out.push(':');
                    }
                    _ => {
                        self.out.push(':');
                        self.expr();
                        self.out.push(':');
                        self.expr();
                    }
                }
                self.out.push(']');
            }
            8 => {
                self.out.push('(');
                self.expr();
                self.out.push(')');
            }
            _ => self.atom(),
        }
        self.budget += 1;
    }

    fn atom(&mut self) {
        match self.rng.below(6) {
            0 => {
                let s = *self.rng.pick(FSTRINGS);
                self.out.push_str(s);
            }
            1 | 2 => self.string(),
            3 => {
                let n = *self.rng.pick(NUMBERS);
                self.out.push_str(n);
            }
            _ => self.name(),
        }
    }
}
