//! Random edits of real and generated texts.

use super::{Rng, corpus, programs};

/// Fragments that stress the lexer and the parser when inserted anywhere.
const FRAGMENTS: &[&str] = &[
    "'",
    "\"",
    "'''",
    "\"\"\"",
    "\\",
    "\\\n",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "    ",
    "#",
    "# c\n",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ";",
    "=",
    "==",
    "0",
    "0x",
    "00",
    "07",
    "1e",
    "1.",
    ".",
    "...",
    "r'",
    "f'",
    "fr\"",
    "{x}",
    "{}",
    "\\x4",
    "\\u",
    "\\U0010FFFF",
    "\\777",
    "\\N",
    "é",
    "名",
    "as",
    "not",
    "in",
    "if",
    "else",
    "elif",
    "def",
    "lambda",
    "for",
    "return",
    "load",
    "pass",
    "break",
    "*",
    "**",
    "->",
    "!",
    "$",
    "\0",
    "\u{feff}",
    "x",
    "_",
    "9",
    "2147483648",
    "0b2",
    "0o8",
    "1.5e+3",
    "@",
    "+=",
    "//=",
    "<<=",
    ">>",
    "~",
    "^",
    "|",
    "&",
    "%",
    "-",
    "\n  ",
    "\n\t",
    ":\n  pass\n",
    "prefix_rule(",
    "pattern = [",
    "]",
    "\"git\"",
];

/// `n` mutants: corpus texts and generated programs with one to three random edits each
/// (delete, insert, duplicate, swap or replace characters, lines and word-like tokens, or insert
/// one of [`FRAGMENTS`]).
pub(crate) fn mutants(seed: u64, n: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut bases: Vec<String> = corpus().into_iter().map(|(_, text)| text).collect();
    bases.extend(programs(seed ^ 0x5eed, 200));
    (0..n)
        .map(|_| {
            let mut chars: Vec<char> = rng.pick(&bases).chars().collect();
            for _ in 0..=rng.below(3) {
                mutate(&mut rng, &mut chars);
            }
            chars.into_iter().collect()
        })
        .collect()
}

/// One random edit.
fn mutate(rng: &mut Rng, chars: &mut Vec<char>) {
    let len = chars.len();
    let at = rng.below(len + 1);
    let fragment: Vec<char> = rng.pick(FRAGMENTS).chars().collect();
    match rng.below(8) {
        0 if at < len => {
            chars.remove(at);
        }
        1 if at + 1 < len => chars.swap(at, at + 1),
        2 if at < len => chars[at] = fragment.first().copied().unwrap_or(' '),
        3 if at < len => {
            // Duplicate a short range.
            let end = (at + 1 + rng.below(12)).min(len);
            let copy: Vec<char> = chars[at..end].to_vec();
            chars.splice(at..at, copy);
        }
        4 if at < len => {
            // Delete a word-like token (a run of one character class).
            let class = |c: char| (c.is_alphanumeric() || c == '_', c.is_whitespace());
            let end = chars[at..].iter().position(|&c| class(c) != class(chars[at])).map_or(len, |n| at + n);
            chars.drain(at..end.max(at + 1));
        }
        5 => {
            // Duplicate, delete or swap a line.
            let lines: Vec<usize> = std::iter::once(0)
                .chain(chars.iter().enumerate().filter(|&(_, &c)| c == '\n').map(|(i, _)| i + 1))
                .collect();
            let start = *rng.pick(&lines);
            let end = chars[start..].iter().position(|&c| c == '\n').map_or(len, |n| start + n + 1);
            let line: Vec<char> = chars[start..end].to_vec();
            match rng.below(3) {
                0 => {
                    chars.splice(start..start, line);
                }
                1 => {
                    chars.drain(start..end);
                }
                _ => {
                    chars.drain(start..end);
                    let to = *rng.pick(&lines);
                    let to = to.min(chars.len());
                    chars.splice(to..to, line);
                }
            }
        }
        _ => {
            chars.splice(at..at, fragment);
        }
    }
}
