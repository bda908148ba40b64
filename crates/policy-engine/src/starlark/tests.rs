//! Unit tests of the evaluator. Behaviour vectors (spec E-cases, error messages) live in the
//! shared corpus, `tests/cases/starlark/` and `tests/cases/check/`.

use proptest::prelude::*;

use super::{MAX_NESTING, RulesFile, RulesLoadError, load_rules_files};
use crate::PathContext;
use crate::policy::Policy;

fn load(text: &str) -> Result<Policy, Box<RulesLoadError>> {
    load_rules_files(&[RulesFile { name: "t.rules", text }], &PathContext::default()).map_err(Box::new)
}

/// The pattern strings of every rule, in policy order.
fn patterns(text: &str) -> Vec<String> {
    let policy = load(text).unwrap_or_else(|e| panic!("{}: {}", e.diagnostic.message, e.codex_warning()));
    policy
        .rules()
        .map(|r| {
            let mut parts = vec![r.first.clone()];
            parts.extend(r.rest.iter().map(|t| match t {
                crate::PatternToken::Single(s) => s.clone(),
                crate::PatternToken::Alts(a) => format!("{a:?}"),
            }));
            parts.join(" ")
        })
        .collect()
}

/// The single string a file passes to `prefix_rule` as its only pattern token.
fn value_of(expr_setup: &str, expr: &str) -> String {
    let text = format!("{expr_setup}\nprefix_rule(pattern = [str({expr})])\n");
    patterns(&text).pop().unwrap_or_default()
}

fn error(text: &str) -> Box<RulesLoadError> {
    match load(text) {
        Ok(p) => panic!("expected an error, got {} rules", p.rule_count()),
        Err(e) => e,
    }
}

#[test]
fn expressions_evaluate_like_starlark() {
    assert_eq!(value_of("", "1 + 2 * 3 - 4 // 3 % 5"), "6");
    assert_eq!(value_of("", "-7 // 2"), "-4");
    assert_eq!(value_of("", "-7 % 3"), "2");
    assert_eq!(value_of("", "[1, 2] + [3]"), "[1, 2, 3]");
    assert_eq!(value_of("", "(1,) * 2"), "(1, 1)");
    assert_eq!(value_of("", "'ab' * 2 + 'c'"), "ababc");
    assert_eq!(value_of("", "'%s-%d-%r' % ('a', 3, 'b')"), "a-3-\"b\"");
    assert_eq!(value_of("", "1 if [] else 'no'"), "no");
    assert_eq!(value_of("", "[] or 0 or 'x'"), "x");
    assert_eq!(value_of("", "1 and 0"), "0");
    assert_eq!(value_of("", "'b' in 'abc' and 2 in [1, 2] and 'k' in {'k': 1} and 3 in range(5)"), "True");
    assert_eq!(value_of("", "(1, 2) < (1, 3)"), "True");
    assert_eq!(value_of("", "{'a': 1} | {'b': 2}"), "{\"a\": 1, \"b\": 2}");
    assert_eq!(value_of("", "range(10)[2:8:2]"), "range(2, 8, 2)");
    assert_eq!(value_of("", "'hello'[::-1] + 'hello'[1:3]"), "ollehel");
}

#[test]
fn builtins_and_methods_work() {
    assert_eq!(value_of("", "sorted(['b', 'a', 'C'])"), "[\"C\", \"a\", \"b\"]");
    assert_eq!(value_of("", "sorted(['bb', 'a'], key = len, reverse = True)"), "[\"bb\", \"a\"]");
    assert_eq!(value_of("", "list(enumerate(['a'], 1))"), "[(1, \"a\")]");
    assert_eq!(value_of("", "zip([1, 2], 'ab'.split('') if False else ['a', 'b'])"), "[(1, \"a\"), (2, \"b\")]");
    assert_eq!(value_of("", "[min(3, 1), max([1, 5]), abs(-2), len('héllo')]"), "[1, 5, 2, 5]");
    assert_eq!(value_of("", "[int('0x1f', 16), int('-12'), int(True)]"), "[31, -12, 1]");
    assert_eq!(value_of("", "dict([('a', 1)], b = 2)"), "{\"a\": 1, \"b\": 2}");
    assert_eq!(value_of("", "' a b '.strip().split(' ') + 'a,b,c'.rsplit(',', 1)"), "[\"a\", \"b\", \"a,b\", \"c\"]");
    assert_eq!(value_of("", "'{} {x} {0!r}'.format('a', x = 1) if False else '{} {x}'.format('a', x = 1)"), "a 1");
    assert_eq!(value_of("", "'-'.join(['a', 'b']).upper().replace('-', '+')"), "A+B");
    assert_eq!(
        value_of("", "['ab'.startswith(('x', 'a')), 'x.py'.endswith('.py'), 'abc'.find('c')]"),
        "[True, True, 2]"
    );
    assert_eq!(value_of("l = [3]\nl.append(1)\nl.extend([2])\nl.insert(0, 9)\nl.remove(9)", "l"), "[3, 1, 2]");
    assert_eq!(
        value_of("d = {}\nd['a'] = 1\nd.update({'b': 2}, c = 3)", "[d.get('z', 0), d.keys(), d.pop('a')]"),
        "[0, [\"a\", \"b\", \"c\"], 1]"
    );
    assert_eq!(
        value_of("", "[type(1), type(''), type(None), type(len), type(range(1))]"),
        "[\"int\", \"string\", \"NoneType\", \"function\", \"range\"]"
    );
}

#[test]
fn functions_closures_and_loops_work() {
    let text = r"
def f(a, b = 2, *args, c, d = 4, **kw):
    return [a, b, args, c, d, kw]

def outer():
    y = 1
    def inner():
        return y + 1
    return inner()

total = 0
for i in range(10):
    if i == 2:
        continue
    if i == 5:
        break
    total += i

(p, q), r = [1, 2], 3
lam = lambda x, y = 2: x * y
prefix_rule(pattern = [str(f(1, c = 3)), str(f(1, 2, 3, c = 5, e = 6)), str(outer()), str(total), str(p + q + r), str(lam(3))])
";
    assert_eq!(patterns(text), vec!["[1, 2, (), 3, 4, {}] [1, 2, (3,), 5, 4, {\"e\": 6}] 2 8 6 6".to_owned()]);
}

#[test]
fn rules_come_from_loops_comprehensions_and_f_strings() {
    let text = r#"
TOOLS = ["cargo", "npm"]
for t in TOOLS:
    prefix_rule(pattern = [t, "publish"], decision = "forbidden", justification = f"publishing with {t} needs review")
[prefix_rule(pattern = [p, s], decision = "prompt") for p, subs in {"git": ["push"]}.items() for s in subs]
prefix_rule(pattern = [["bash", "sh", "bash"], ["-c", "-lc"]])
"#;
    let policy = load(text).unwrap_or_else(|e| panic!("{}", e.diagnostic.message));
    let rules: Vec<_> = policy.rules().collect();
    assert_eq!(rules.len(), 6, "first-position alternatives expand, duplicates kept");
    assert_eq!(rules.first().and_then(|r| r.justification.as_deref()), Some("publishing with cargo needs review"));
    assert_eq!(policy.rules_for("bash").len(), 2);
    let origin = rules.first().and_then(|r| r.origin.clone()).unwrap_or_else(|| panic!("no origin"));
    assert_eq!(&*origin.source, "t.rules");
    assert!(text.get(origin.span.start..origin.span.end).is_some_and(|s| s.starts_with("prefix_rule(")));
    assert!(!origin.from_requirements);
}

#[test]
fn scoping_follows_starlark_rust() {
    let e = error("x = 1\ny = prnt\n");
    assert_eq!(e.diagnostic.message, "Variable `prnt` not found, did you mean `int`?");
    let e = error("def f():\n    y = x\n    x = 1\nf()\n");
    assert_eq!(e.diagnostic.message, "Local variable `x` referenced before assignment");
    assert_eq!(
        e.codex_warning(),
        "t.rules:2: error: Local variable `x` referenced before assignment (problem is on or around line 2)"
    );
    // Names are checked before anything runs, even inside functions that are never called.
    let e = error("prefix_rule(pattern = [\"a\"])\ndef never():\n    print(1)\n");
    assert_eq!(e.diagnostic.message, "Variable `print` not found, did you mean `int`?");
    assert_eq!(value_of("x = 5\ndef f():\n    return x\nx = 6", "f()"), "6");
}

#[test]
fn warnings_render_like_codex() {
    let e = error("x = [1][5]\n");
    assert_eq!(
        e.codex_warning(),
        "t.rules:1: starlark error: error: Index `5` is out of bound (problem is on or around line 1)"
    );
    let e = error("\n\nprefix_rule(\n    pattern = [\"git\"],\n    decision = \"maybe\",\n)\n");
    assert_eq!(e.diagnostic.message, "invalid decision: maybe");
    assert_eq!(e.codex_warning(), "t.rules:3: error: invalid decision: maybe (problem is on or around line 3)");
    let span = e.diagnostic.span.unwrap_or_default();
    assert_eq!(
        &"\n\nprefix_rule(\n    pattern = [\"git\"],\n    decision = \"maybe\",\n)\n"[span.start..span.end],
        "decision = \"maybe\""
    );
    let e = error("prefix_rule(pattern = [\"a\"], match = [\"b\"])\n");
    assert!(e.codex_warning().starts_with("t.rules:1: expected every example to match at least one rule. rules: ["));
    let e = error("x = (\n");
    assert_eq!(e.diagnostic.code, "starlark/syntax");
}

#[test]
fn examples_see_host_executables_of_the_whole_file_and_earlier_files() {
    let paths = PathContext::default();
    let later_in_file = "prefix_rule(pattern = [\"git\"], match = [\"/usr/bin/git status\"])\nhost_executable(name = \"git\", paths = [\"/opt/git\"])\n";
    let e = load_rules_files(&[RulesFile { name: "a.rules", text: later_in_file }], &paths)
        .err()
        .unwrap_or_else(|| panic!("the allowlist defined later in the file applies"));
    assert_eq!(e.diagnostic.code, "rules/example-did-not-match");
    let files = [
        RulesFile { name: "a.rules", text: "host_executable(name = \"git\", paths = [\"/usr/bin/git\"])\n" },
        RulesFile { name: "b.rules", text: "prefix_rule(pattern = [\"git\"], match = [\"/usr/bin/git status\"])\n" },
        RulesFile { name: "c.rules", text: "host_executable(name = \"git\", paths = [\"/opt/git\"])\n" },
    ];
    let policy = load_rules_files(&files, &paths).unwrap_or_else(|e| panic!("{}", e.diagnostic.message));
    assert_eq!(policy.host_executable("git"), Some(&["/opt/git".to_owned()][..]), "last definition wins");
}

#[test]
fn unsupported_constructs_say_so() {
    let e = error("x = 1.5\n");
    assert_eq!(e.diagnostic.code, "starlark/unsupported");
    assert_eq!(e.diagnostic.message, "a float is not supported by the playground");
    assert!(e.diagnostic.help.is_some());
    let e = error("def f(x: int):\n    pass\n");
    assert_eq!(e.diagnostic.code, "starlark/unsupported");
}

#[test]
fn limits_end_hostile_input_cleanly() {
    let e = error("def f():\n    for i in range(1000000000):\n        pass\nf()\n");
    assert!(e.diagnostic.message.starts_with("evaluation limit exceeded: more than 10000000 steps"));
    let e = error("x = [1] * 100000000\n");
    assert!(e.diagnostic.message.starts_with("input too large: a collection"));
    let e = error("def f(n):\n    return f(n - 1) if n > 0 else 0\nf(49)\n");
    assert_eq!(e.diagnostic.message, "Starlark call stack overflow");
    let deep = format!("x = {}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let e = error(&deep);
    assert_eq!(e.diagnostic.message, format!("input too large: nested more than {MAX_NESTING} levels deep"));
    let chain = format!("x = 1{}", " + 1".repeat(100_000));
    assert_eq!(error(&chain).diagnostic.code, "starlark/limit");
    let e = error(&"x".repeat(super::MAX_SOURCE_BYTES + 1));
    assert!(e.diagnostic.message.starts_with("input too large: the file is larger"));
}

/// Everything a hostile file can do must end in a result on a small stack (the browser gives
/// wasm 1 MiB; debug builds use several times more stack per frame than release builds).
#[test]
fn hostile_input_does_not_overflow_the_stack() {
    let cases = [
        format!("x = {}1{}", "[".repeat(95), "]".repeat(95)),
        format!("x = {}1", "-".repeat(90)),
        format!("x = {}1", "lambda: ".repeat(90)),
        format!("x = False{}", " or False".repeat(90)),
        format!("x = 'a'{}", ".lower()".repeat(45)),
        (0..90).fold(String::new(), |mut s, i| {
            s.push_str(&" ".repeat(i));
            s.push_str("if True:\n");
            s
        }) + &" ".repeat(90)
            + "x = 1\n",
        format!("def f(n):\n    return {}f(n - 1) if n > 0 else 0{}\nf(47)\n", "[".repeat(90), "]".repeat(90)),
        "x = []\nfor i in range(100000):\n    x = [x]\ny = str(x)\n".to_owned(),
        "x = ()\nfor i in range(100000):\n    x = (x,)\nd = {x: 1}\n".to_owned(),
        "x = [1]\nx.append(x)\nprefix_rule([str(x)])\n".to_owned(),
    ];
    let stack = if cfg!(debug_assertions) { 8 << 20 } else { 1 << 20 };
    for text in cases {
        let result = std::thread::Builder::new()
            .stack_size(stack)
            .spawn(move || load(&text).map(|p| p.rule_count()).map_err(|e| e.diagnostic.code))
            .unwrap_or_else(|e| panic!("{e}"))
            .join();
        assert!(result.is_ok(), "the evaluation thread died");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = load(&text);
    }

    #[test]
    fn mutated_rules_files_never_panic(edits in prop::collection::vec((0usize..2000, 0usize..6, "\\PC{0,12}"), 1..6)) {
        let mut text = include_str!("../../../../examples/acme/team.rules").to_owned();
        for (at, len, insert) in edits {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + len).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(at..end, &insert);
        }
        let _ = load(&text);
    }
}
