#!/usr/bin/env python3
"""Extracts the LR tables of starlark_syntax 0.13.0's LALRPOP parser into a compact Rust file.

Usage: scripts/gen-starlark-tables.py <lalrpop grammar.rs> > crates/policy-engine/src/starlark/parse/tables.rs

<lalrpop grammar.rs> is the parser LALRPOP 0.19.12 generates when building starlark_syntax 0.13.0, found after any
build of the engine at <target>/<triple>/<profile>/build/starlark_syntax-*/out/syntax/grammar.rs.

What is taken, unchanged in meaning (see lalrpop-util 0.19.12 src/state_machine.rs for how they drive a parse):
- `__ACTION` (state x terminal: >0 shift to state n-1, <0 reduce production -(n+1), 0 error), stored sparsely as
  shift runs and reduce runs (each reduce with a shared terminal bit mask);
- `__EOF_ACTION` (the action at the end of input);
- `__goto` (state x nonterminal -> state), stored as per-nonterminal (state, target) runs ending with a default;
- each production's (states popped, nonterminal), from the `(pop, nt)` pairs `__reduce` returns;
- `__expected_tokens`' terminal names, in terminal order;
- the numbers of the productions whose actions can fail (`=>?` in grammar.lalrpop).
"""

import re
import sys

src = open(sys.argv[1]).read()
if 'auto-generated: "lalrpop 0.19.12"' not in src:
    sys.exit("not a lalrpop 0.19.12 parser")


def array(name):
    start = src.index("const %s: &[i16] = &[" % name)
    end = src.index("];", start)
    body = re.sub(r"//.*", "", src[start + len(name) + 18 : end])
    return [int(x) for x in re.findall(r"-?\d+", body)]


TERMINALS = 66
action = array("__ACTION")
eof = array("__EOF_ACTION")
states = len(eof)
assert len(action) == states * TERMINALS

# Shifts and reduces per state.
shifts, shift_start, reduces, reduce_start, masks = [], [0], [], [0], []
for s in range(states):
    row = action[s * TERMINALS : (s + 1) * TERMINALS]
    for t, a in enumerate(row):
        if a > 0:
            shifts.append((t, a - 1))
    for r in sorted(set(a for a in row if a < 0), reverse=True):
        mask = sum(1 << t for t, a in enumerate(row) if a == r)
        if mask not in masks:
            masks.append(mask)
        reduces.append((-(r + 1), masks.index(mask)))
    shift_start.append(len(shifts))
    reduce_start.append(len(reduces))

# Goto: `nt => target,` or `nt => match state { a | b => t, ..., _ => d },`.
goto_src = src[src.index("fn __goto(") : src.index("fn __expected_tokens(")]
gotos, goto_start = [], []
entries = {}
for m in re.finditer(r"\n            (\d+) => (?:(\d+),|match state \{(.*?)\n            \},)", goto_src, re.S):
    nt = int(m.group(1))
    if m.group(2) is not None:
        entries[nt] = ([], int(m.group(2)))
        continue
    pairs, default = [], None
    for arm in re.finditer(r"\n\s+([\d |_.=]+) => (\d+),", m.group(3)):
        if arm.group(1).strip() == "_":
            default = int(arm.group(2))
            continue
        for st in arm.group(1).split("|"):
            low, _, high = st.strip().partition("..=")
            for state in range(int(low), int(high or low) + 1):
                pairs.append((state, int(arm.group(2))))
    assert default is not None and m.group(3).count("=>") == len(re.findall(r"=> \d+,", m.group(3)))
    entries[nt] = (pairs, default)
nonterminals = max(entries) + 1
for nt in range(nonterminals):
    goto_start.append(len(gotos))
    pairs, default = entries.get(nt, ([], 0))
    gotos.extend(pairs)
    gotos.append((0xFFFF, default))
goto_start.append(len(gotos))

# Productions: the `(pop, nt)` each reduce returns, and which ones can fail.
reduce_src = src[src.index("pub(crate) fn __reduce<") :]
bodies = {}
arms = re.split(r"\n            (\d+) => \{", reduce_src[: reduce_src.index("pub(crate) fn __reduce0<")])
for k in range(1, len(arms), 2):
    n, text = int(arms[k]), arms[k + 1]
    if "__reduce%d(" % n in text:
        text = re.search(r"pub\(crate\) fn __reduce%d<.*?\n    \}\n" % n, src, re.S).group(0)
    bodies[n] = text
productions, fallible, accept = [], {}, None
for n in range(len(bodies)):
    text = bodies[n]
    comment = re.search(r"// (.*?) => ", text).group(1)
    pop_nt = re.search(r"\((\d+), (\d+)\)\s*\n\s*\}", text)
    if pop_nt is None:
        assert comment.startswith("__Starlark = "), comment
        accept = n
        productions.append((0, 0))
        continue
    productions.append((int(pop_nt.group(1)), int(pop_nt.group(2))))
    if "Err(e) => return Some(Err(e))" in text:
        fallible[comment] = n

names_src = src[src.index("const __TERMINAL: &[&str] = &[") :]
names = re.findall(r'r###"(.*?)"###', names_src[: names_src.index("];")])
assert len(names) == TERMINALS


def need(comment):
    return fallible.pop(comment)


assign = need("AssignStmt_ = TestList, Type, AssignOp, TestList")
for_clause = need('ForClause = "for", ExprList, "in", OrTest')
for_stmt = need('ForStmt_ = "for", ExprList, "in", Test, ":", Suite')
type_expr = need("TypeExpr = Test")
# The call's action is `=>?` but never fails (its errors are recoverable ones).
need('PrimaryExpr = PrimaryExpr, "(", COMMA<Argument>, ")"')
assert not fallible, fallible
assert max(nt for _, nt in productions) < 256 and max(p for p, _ in productions) < 256
assert states < 0xFFFF and len(masks) < 256


def rows(items, per_line=12):
    items = list(items)
    return "\n".join("    " + " ".join(items[i : i + per_line]) for i in range(0, len(items), per_line))


out = []
out.append(
    """//! `starlark_syntax` 0.13.0's LR(1) tables (LALRPOP 0.19.12), extracted by `scripts/gen-starlark-tables.py`.
//!
//! Generated; do not edit. To regenerate after a `starlark_syntax` upgrade, build the engine once, then run the
//! script on `<target>/<triple>/<profile>/build/starlark_syntax-*/out/syntax/grammar.rs` and write its output
//! here (the script documents what it takes from where).

/// Number of LR states.
pub(super) const STATES: usize = %d;
/// The production whose reduction accepts the input (`__Starlark = Starlark`).
pub(super) const ACCEPT: u16 = %d;
/// `AssignStmt_ = TestList Type AssignOp TestList` (its action checks the assignment).
pub(super) const ASSIGN_STMT: u16 = %d;
/// `ForClause = "for" ExprList "in" OrTest` (its action checks the loop variables).
pub(super) const FOR_CLAUSE: u16 = %d;
/// `ForStmt_ = "for" ExprList "in" Test ":" Suite` (its action checks the loop variables).
pub(super) const FOR_STMT: u16 = %d;
/// `TypeExpr = Test` (its action checks the type expression).
pub(super) const TYPE_EXPR: u16 = %d;
"""
    % (states, accept, assign, for_clause, for_stmt, type_expr)
)


def table(doc, name, ty, values, fmt, per_line):
    """Appends `doc` (one or more lines) and the constant array `name` of `values`, each written by `fmt`."""
    out.extend("/// " + line for line in doc.split("\n"))
    out.append("pub(super) const %s: [%s; %d] = [" % (name, ty, len(values)))
    out.append(rows((fmt(v) for v in values), per_line))
    out.append("];")


def mask(m):
    digits = "%032x" % m
    return "0x%s," % "_".join(digits[i : i + 4] for i in range(0, 32, 4))


number = lambda x: "%d," % x
pair = lambda x: "(%d, %d)," % x
assert len(names) == TERMINALS
table("Terminal names as LALRPOP lists them in an error's expected tokens, in terminal order.",
      "TERMINAL_NAMES", "&str", names, lambda n: 'r#"%s"#,' % n, 8)
table("Each state's shifts are `SHIFTS[SHIFT_START[s]..SHIFT_START[s + 1]]`.",
      "SHIFT_START", "u16", shift_start, number, 16)
table("(terminal, target state).", "SHIFTS", "(u8, u16)", shifts, pair, 10)
table("Each state's reductions are `REDUCES[REDUCE_START[s]..REDUCE_START[s + 1]]`.",
      "REDUCE_START", "u16", reduce_start, number, 16)
table("(production, index in `MASKS` of the terminals on which it reduces).",
      "REDUCES", "(u16, u8)", reduces, pair, 10)
table("Sets of terminals, bit `t` for terminal `t`.", "MASKS", "u128", masks, mask, 3)
table("The action at the end of input per state (as `__EOF_ACTION`: <0 reduce, 0 error).",
      "EOF_ACTIONS", "i16", eof, number, 16)
table("Each nonterminal's gotos are `GOTOS[GOTO_START[nt]..GOTO_START[nt + 1]]`, the last with state `u16::MAX`\n"
      "(the default).", "GOTO_START", "u16", goto_start, number, 16)
table("(state, target state).", "GOTOS", "(u16, u16)", gotos, pair, 10)
table("(symbols popped, nonterminal) per production.", "PRODUCTIONS", "(u8, u8)", productions, pair, 12)
print("\n".join(out))
