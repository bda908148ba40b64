//! Exact semantic diff of two command policies: the set of argvs whose rule decision changes,
//! as prefixes with a concrete example each.
//!
//! Why it is exact: a rule matches an argv by comparing `argv[0]` with its program and each
//! following argument with a finite token set. So for one program only finitely many things
//! matter at each position: which of the tokens some still-matching rule mentions the argument
//! is, or "none of them". We walk that partition as a trie: at each node the argvs that reach it
//! have the same set of matching rules, hence the same decision under both policies. Tokens that
//! lead to the same set of still-matching rules are merged into one child, so the trie stays
//! about as large as the rules themselves. An argument no alive rule mentions (or the end of the
//! argv) leaves every argv at the current node, so the node itself stands for "this prefix,
//! followed by nothing or by anything not listed below it".
//!
//! `argv[0]` is partitioned the same way: each program a rule names (exact pass), and, with
//! host-executable resolution on (always inside Codex), every path spelling that reaches a
//! basename's rules: each path some `host_executable` list names, and "any other path". A path
//! class that behaves exactly like the bare name in both policies is folded into it.
//!
//! Order of decisions, most permissive first: `allow` (runs outside the sandbox) < no rule (the
//! heuristics decide: at most a prompt, or a rejection of a dangerous command under `never`;
//! never outside the sandbox) < `prompt` < `forbidden`.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::analysis::{NamedText, Verdict, locate, shell_words};
use crate::decision::Decision;
use crate::json::Json;
use crate::paths::executable_key;
use crate::policy::{MatchOptions, PatternToken, Policy, PrefixRule, RuleOrigin};

/// Largest trie built for one program before the diff gives up on it (reported as incomplete).
/// Only adversarial patterns (long rules whose alternatives interleave) come near it.
pub const MAX_NODES_PER_PROGRAM: usize = 1_000_000;

/// Strictness rank of a rule decision for one argv (`None` = no rule matched).
pub fn decision_rank(decision: Option<Decision>) -> u8 {
    match decision {
        Some(Decision::Allow) => 0,
        None => 1,
        Some(Decision::Prompt) => 2,
        Some(Decision::Forbidden) => 3,
    }
}

/// `allow`, `prompt`, `forbidden`, or `no rule`.
pub fn decision_label(decision: Option<Decision>) -> &'static str {
    decision.map_or("no rule", Decision::as_str)
}

/// Which spellings of `argv[0]` a change is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramClass {
    /// `argv[0]` written exactly as `name`, and the paths to it that behave the same in both
    /// policies (the basename pass reaches the same rules): `paths` lists such `host_executable`
    /// paths, `any_path` says every unlisted path does too.
    Exact {
        /// The program as rules name it.
        name: String,
        /// Listed paths that behave like the bare name.
        paths: Vec<String>,
        /// Unlisted paths behave like the bare name.
        any_path: bool,
    },
    /// `argv[0]` resolving to `path` (named in a `host_executable` list), not spelled as a rule's
    /// program.
    Path {
        /// The normalised absolute path.
        path: String,
        /// Its basename key.
        key: String,
        /// A spelling that resolves to `path`.
        example: String,
    },
    /// Any other path whose basename is `key`.
    OtherPath {
        /// The basename key.
        key: String,
        /// The paths listed in either policy (covered by [`ProgramClass::Path`]).
        listed: Vec<String>,
        /// A representative path.
        example: String,
    },
}

impl ProgramClass {
    /// How people read it: `git`, `/usr/bin/git`, `any other path to git`.
    pub fn label(&self) -> String {
        match self {
            ProgramClass::Exact { name, .. } => name.clone(),
            ProgramClass::Path { path, .. } => path.clone(),
            ProgramClass::OtherPath { key, .. } => format!("any other path to {key}"),
        }
    }

    /// The program as it starts a prefix: `git`, `/usr/bin/git`, `…/git`.
    pub fn short(&self) -> String {
        match self {
            ProgramClass::Exact { name, .. } => shell_words(std::slice::from_ref(name)),
            ProgramClass::Path { path, .. } => shell_words(std::slice::from_ref(path)),
            ProgramClass::OtherPath { key, .. } => format!("…/{key}"),
        }
    }

    /// Which spellings of `argv[0]` this is.
    pub fn describe(&self) -> String {
        match self {
            ProgramClass::Exact { name, any_path: true, .. } => format!("also any path ending in /{name}"),
            ProgramClass::Exact { paths, any_path: false, .. } if !paths.is_empty() => {
                format!("also {}", paths.join(", "))
            }
            ProgramClass::Exact { .. } => "this spelling only".to_owned(),
            ProgramClass::Path { .. } => "this path, spelled differently from any rule".to_owned(),
            ProgramClass::OtherPath { listed, .. } if listed.is_empty() => "any path".to_owned(),
            ProgramClass::OtherPath { listed, .. } => format!("any path except {}", listed.join(", ")),
        }
    }

    /// The `argv[0]` used in examples.
    pub fn example(&self) -> &str {
        match self {
            ProgramClass::Exact { name, .. } => name,
            ProgramClass::Path { example, .. } | ProgramClass::OtherPath { example, .. } => example,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            ProgramClass::Exact { .. } => "exact",
            ProgramClass::Path { .. } => "path",
            ProgramClass::OtherPath { .. } => "other-path",
        }
    }
}

/// One set of argvs whose decision changes the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixChange {
    /// Index into [`PolicyDiff::programs`].
    pub program: usize,
    /// Accepted tokens at each position after the program (alternatives per position).
    pub prefix: Vec<Vec<String>>,
    /// Longer prefixes (same form as `prefix`) that are decided differently and so are not part
    /// of this change: they are listed as their own change or do not change at all.
    pub except: Vec<Vec<Vec<String>>>,
    /// A concrete argv in this set.
    pub example: Vec<String>,
    /// Decision under the old policy (`None`: no rule).
    pub old: Option<Decision>,
    /// Decision under the new policy.
    pub new: Option<Decision>,
    /// Stricter or looser.
    pub verdict: Verdict,
    /// The old rules that decide it (strictest matches).
    pub old_rules: Vec<RuleOrigin>,
    /// The new rules that decide it.
    pub new_rules: Vec<RuleOrigin>,
}

impl PrefixChange {
    /// Whether `args` (`argv[1..]`) starts with `prefix` and with none of `except`.
    pub fn contains_args(&self, args: &[String]) -> bool {
        prefix_matches(&self.prefix, args) && !self.except.iter().any(|e| prefix_matches(e, args))
    }
}

fn prefix_matches(prefix: &[Vec<String>], args: &[String]) -> bool {
    args.len() >= prefix.len() && prefix.iter().zip(args).all(|(alts, arg)| alts.contains(arg))
}

/// The diff of two command policies.
#[derive(Debug, Clone)]
pub struct PolicyDiff {
    /// Every program class analysed (also those that did not change).
    pub programs: Vec<ProgramClass>,
    /// The changes, by program then prefix.
    pub changes: Vec<PrefixChange>,
    /// Per program with changes: stricter, looser or mixed.
    pub program_verdicts: Vec<(usize, Verdict)>,
    /// All changes together; `None` when nothing changes.
    pub verdict: Option<Verdict>,
    /// Programs whose trie exceeded [`MAX_NODES_PER_PROGRAM`]: their changes are incomplete.
    pub incomplete: Vec<usize>,
    options: MatchOptions,
}

/// A rule in the trie, from one of four groups.
struct TrieRule<'p> {
    rule: &'p PrefixRule,
    group: usize,
}

const OLD_EXACT: usize = 0;
const OLD_BASENAME: usize = 1;
const NEW_EXACT: usize = 2;
const NEW_BASENAME: usize = 3;

#[derive(Debug, Clone)]
struct Node {
    tokens: Vec<String>,
    parent: Option<usize>,
    children: Vec<usize>,
    old: Option<Decision>,
    new: Option<Decision>,
    old_rules: Vec<u32>,
    new_rules: Vec<u32>,
}

impl Node {
    fn pair(&self) -> (Option<Decision>, Option<Decision>) {
        (self.old, self.new)
    }

    fn changed(&self) -> bool {
        self.old != self.new
    }
}

/// The strictest completed decision of each group, with the rules that reach it.
#[derive(Debug, Clone, Default)]
struct Completed {
    max: [Option<Decision>; 4],
    rules: [Vec<u32>; 4],
}

impl Completed {
    fn add(&mut self, id: u32, rule: &TrieRule<'_>) {
        let group = rule.group;
        let (Some(max), Some(rules)) = (self.max.get_mut(group), self.rules.get_mut(group)) else { return };
        match max {
            Some(m) if *m > rule.rule.decision => {}
            Some(m) if *m == rule.rule.decision => rules.push(id),
            _ => {
                *max = Some(rule.rule.decision);
                rules.clear();
                rules.push(id);
            }
        }
    }

    /// The exact pass decides when it matched anything, else the basename pass.
    fn decide(&self, exact: usize, basename: usize) -> (Option<Decision>, Vec<u32>) {
        match (self.max.get(exact).copied().flatten(), self.max.get(basename).copied().flatten()) {
            (Some(d), _) => (Some(d), self.rules.get(exact).cloned().unwrap_or_default()),
            (None, Some(d)) => (Some(d), self.rules.get(basename).cloned().unwrap_or_default()),
            (None, None) => (None, Vec::new()),
        }
    }
}

fn tokens_at(rule: &PrefixRule, depth: usize) -> &[String] {
    match rule.rest.get(depth) {
        Some(PatternToken::Single(s)) => std::slice::from_ref(s),
        Some(PatternToken::Alts(alts)) => alts,
        None => &[],
    }
}

/// Builds the partition trie of one program class; `None` when it exceeds the node budget.
fn build_trie(rules: &[TrieRule<'_>]) -> Option<Vec<Node>> {
    let mut completed = Completed::default();
    let mut alive = Vec::new();
    for (id, rule) in rules.iter().enumerate() {
        let id = u32::try_from(id).ok()?;
        if rule.rule.rest.is_empty() {
            completed.add(id, rule);
        } else {
            alive.push(id);
        }
    }
    let mut nodes: Vec<Node> = Vec::new();
    let root = new_node(&mut nodes, Vec::new(), None, &completed);
    let mut stack: Vec<(usize, usize, Vec<u32>, Completed)> = vec![(root, 0, alive, completed)];
    while let Some((node, depth, alive, completed)) = stack.pop() {
        if alive.is_empty() {
            continue;
        }
        // token -> the alive rules accepting it (ids ascending, as `alive` is).
        let mut order: Vec<&str> = Vec::new();
        let mut accepting: HashMap<&str, Vec<u32>> = HashMap::new();
        for &id in &alive {
            let Some(rule) = rules.get(id as usize) else { continue };
            for token in tokens_at(rule.rule, depth) {
                let list = accepting.entry(token.as_str()).or_insert_with(|| {
                    order.push(token.as_str());
                    Vec::new()
                });
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
        }
        // Tokens accepted by the same rules lead to identical subtrees: one child for them.
        let mut groups: Vec<(Vec<u32>, Vec<String>)> = Vec::new();
        let mut group_of: HashMap<&[u32], usize> = HashMap::new();
        for token in &order {
            let Some(ids) = accepting.get(token) else { continue };
            if let Some(&g) = group_of.get(ids.as_slice()) {
                if let Some(group) = groups.get_mut(g) {
                    group.1.push((*token).to_owned());
                }
            } else {
                group_of.insert(ids.as_slice(), groups.len());
                groups.push((ids.clone(), vec![(*token).to_owned()]));
            }
        }
        for (ids, tokens) in groups {
            let mut next_completed = completed.clone();
            let mut next_alive = Vec::new();
            for id in ids {
                let Some(rule) = rules.get(id as usize) else { continue };
                if rule.rule.rest.len() == depth + 1 {
                    next_completed.add(id, rule);
                } else {
                    next_alive.push(id);
                }
            }
            if nodes.len() >= MAX_NODES_PER_PROGRAM {
                return None;
            }
            let child = new_node(&mut nodes, tokens, Some(node), &next_completed);
            if let Some(parent) = nodes.get_mut(node) {
                parent.children.push(child);
            }
            stack.push((child, depth + 1, next_alive, next_completed));
        }
    }
    Some(nodes)
}

fn new_node(nodes: &mut Vec<Node>, tokens: Vec<String>, parent: Option<usize>, completed: &Completed) -> usize {
    let (old, old_rules) = completed.decide(OLD_EXACT, OLD_BASENAME);
    let (new, new_rules) = completed.decide(NEW_EXACT, NEW_BASENAME);
    nodes.push(Node { tokens, parent, children: Vec::new(), old, new, old_rules, new_rules });
    nodes.len() - 1
}

/// Whether the basename pass can reach `key`'s rules from `argv0` under `policy`.
fn basename_reachable(policy: &Policy, argv0: &str, key: &str, options: &MatchOptions) -> bool {
    if !options.resolve_host_executables || policy.rules_for(key).is_empty() {
        return false;
    }
    let Some(resolved) = options.paths.absolutize(argv0) else {
        return false;
    };
    policy.host_executable(key).is_none_or(|paths| paths.contains(&resolved))
}

fn same_rules(a: &[PrefixRule], b: &[PrefixRule]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.rest == y.rest && x.decision == y.decision)
}

/// A basename key rules can be reached by: one path component equal to itself.
fn is_basename_key(name: &str) -> bool {
    !name.contains('/') && executable_key(name) == Some(name)
}

/// Every program class worth analysing, with its four rule groups.
fn program_classes<'p>(
    old: &'p Policy,
    new: &'p Policy,
    options: &MatchOptions,
) -> Vec<(ProgramClass, [&'p [PrefixRule]; 4])> {
    let mut keys: Vec<&str> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for rule in old.rules().chain(new.rules()) {
        if seen.insert(rule.first.as_str()) {
            keys.push(rule.first.as_str());
        }
    }
    let resolve = options.resolve_host_executables;
    let mut out = Vec::new();
    let basename_group = |policy: &'p Policy, argv0: &str, key: &str| -> &'p [PrefixRule] {
        if basename_reachable(policy, argv0, key, options) { policy.rules_for(key) } else { &[] }
    };
    for &key in &keys {
        let basename = executable_key(key).filter(|b| *b != key && resolve);
        let (old_b, new_b) = match basename {
            Some(b) => (basename_group(old, key, b), basename_group(new, key, b)),
            None => (&[][..], &[][..]),
        };
        out.push((
            ProgramClass::Exact { name: key.to_owned(), paths: Vec::new(), any_path: false },
            [old.rules_for(key), old_b, new.rules_for(key), new_b],
        ));
    }
    if !resolve {
        return out;
    }
    // The first loop pushed exactly one `Exact` class per key, in `keys` order: key `i`'s class is
    // `out[i]` (an index instead of a search keeps this linear in the number of programs).
    for (exact_index, &key) in keys.iter().enumerate().filter(|(_, k)| is_basename_key(k)) {
        let mut listed: Vec<String> = Vec::new();
        for policy in [old, new] {
            for path in policy.host_executable(key).unwrap_or_default() {
                if !listed.contains(path) {
                    listed.push(path.clone());
                }
            }
        }
        // A path class that behaves like the bare name in both policies is folded into it.
        let like_bare = |argv0: &str| {
            [old, new].iter().all(|p| p.rules_for(key).is_empty() || basename_reachable(p, argv0, key, options))
        };
        let mut folded_paths = Vec::new();
        for path in &listed {
            let example = unused_spelling(path, &seen);
            if like_bare(&example) {
                folded_paths.push(path.clone());
                continue;
            }
            out.push((
                ProgramClass::Path { path: path.clone(), key: key.to_owned(), example: example.clone() },
                [&[], basename_group(old, &example, key), &[], basename_group(new, &example, key)],
            ));
        }
        let example = other_path(key, &listed, &seen, options);
        let folded_any = like_bare(&example);
        if !folded_any {
            out.push((
                ProgramClass::OtherPath { key: key.to_owned(), listed: listed.clone(), example: example.clone() },
                [&[], basename_group(old, &example, key), &[], basename_group(new, &example, key)],
            ));
        }
        if let Some((ProgramClass::Exact { name, paths, any_path }, _)) = out.get_mut(exact_index)
            && name == key
        {
            *paths = folded_paths;
            *any_path = folded_any;
        }
    }
    out
}

/// A spelling of `path` that no rule names (so the exact pass cannot see it).
fn unused_spelling(path: &str, keys: &std::collections::HashSet<&str>) -> String {
    let mut candidate = path.to_owned();
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let mut dots = String::new();
    while keys.contains(candidate.as_str()) {
        dots.push_str("./");
        candidate = format!("{dir}/{dots}{file}");
    }
    candidate
}

/// An absolute path ending in `key` that no list names and no rule spells.
fn other_path(key: &str, listed: &[String], keys: &std::collections::HashSet<&str>, options: &MatchOptions) -> String {
    let usable =
        |p: &str| !keys.contains(p) && options.paths.absolutize(p).is_none_or(|resolved| !listed.contains(&resolved));
    for dir in ["/usr/local/bin", "/opt/bin", "/opt/other/bin"] {
        let candidate = format!("{dir}/{key}");
        if usable(&candidate) {
            return candidate;
        }
    }
    let mut n = 1usize;
    loop {
        let candidate = format!("/opt/other{n}/bin/{key}");
        if usable(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

/// Diffs two command policies under `options` (host-executable resolution and the directories
/// it resolves against; Codex always resolves inside its approval flow).
pub fn diff_policies(old: &Policy, new: &Policy, options: &MatchOptions) -> PolicyDiff {
    let mut diff = PolicyDiff {
        programs: Vec::new(),
        changes: Vec::new(),
        program_verdicts: Vec::new(),
        verdict: None,
        incomplete: Vec::new(),
        options: options.clone(),
    };
    for (class, groups) in program_classes(old, new, options) {
        let index = diff.programs.len();
        diff.programs.push(class);
        let [old_exact, old_basename, new_exact, new_basename] = groups;
        if same_rules(old_exact, new_exact) && same_rules(old_basename, new_basename) {
            continue;
        }
        let mut rules: Vec<TrieRule<'_>> = Vec::new();
        for (group, list) in groups.iter().enumerate() {
            rules.extend(list.iter().map(|rule| TrieRule { rule, group }));
        }
        let Some(nodes) = build_trie(&rules) else {
            diff.incomplete.push(index);
            continue;
        };
        let Some(example0) = diff.programs.get(index).map(|c| c.example().to_owned()) else { continue };
        let changes = collect_changes(&nodes, &rules, index, &example0);
        if let Some(v) = Verdict::fold(changes.iter().map(|c| c.verdict)) {
            diff.program_verdicts.push((index, v));
        }
        diff.changes.extend(changes);
    }
    diff.verdict = Verdict::fold(diff.program_verdicts.iter().map(|(_, v)| *v));
    diff
}

/// Whether every node below `n` is decided like `n` (bottom-up, children after parents).
fn uniformity(nodes: &[Node]) -> Vec<bool> {
    let mut uniform = vec![true; nodes.len()];
    for i in (0..nodes.len()).rev() {
        let Some(node) = nodes.get(i) else { continue };
        let ok = node.children.iter().all(|&c| {
            uniform.get(c).copied().unwrap_or(false) && nodes.get(c).is_some_and(|child| child.pair() == node.pair())
        });
        if let Some(u) = uniform.get_mut(i) {
            *u = ok;
        }
    }
    uniform
}

fn prefix_of(nodes: &[Node], mut n: usize) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    while let Some(node) = nodes.get(n) {
        let Some(parent) = node.parent else { break };
        out.push(node.tokens.clone());
        n = parent;
    }
    out.reverse();
    out
}

/// Groups siblings that are uniform and decided alike into one prefix (union of their tokens).
fn sibling_groups(nodes: &[Node], uniform: &[bool], siblings: &[usize]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &s in siblings {
        let Some(node) = nodes.get(s) else { continue };
        let mergeable = uniform.get(s).copied().unwrap_or(false);
        let existing = groups.iter_mut().find(|g| {
            mergeable
                && g.first().is_some_and(|&f| {
                    uniform.get(f).copied().unwrap_or(false) && nodes.get(f).is_some_and(|x| x.pair() == node.pair())
                })
        });
        match existing {
            Some(g) => g.push(s),
            None => groups.push(vec![s]),
        }
    }
    groups
}

fn group_prefix(nodes: &[Node], group: &[usize]) -> Vec<Vec<String>> {
    let Some(&first) = group.first() else { return Vec::new() };
    let mut prefix = prefix_of(nodes, first);
    if let Some(last) = prefix.last_mut() {
        for &other in group.iter().skip(1) {
            if let Some(node) = nodes.get(other) {
                last.extend(node.tokens.iter().cloned());
            }
        }
    }
    prefix
}

fn origins(rules: &[TrieRule<'_>], ids: &[u32]) -> Vec<RuleOrigin> {
    let mut out: Vec<RuleOrigin> = Vec::new();
    for id in ids {
        if let Some(origin) = rules.get(*id as usize).and_then(|r| r.rule.origin.clone())
            && !out.contains(&origin)
        {
            out.push(origin);
        }
    }
    out
}

fn collect_changes(nodes: &[Node], rules: &[TrieRule<'_>], program: usize, argv0: &str) -> Vec<PrefixChange> {
    let uniform = uniformity(nodes);
    let mut out = Vec::new();
    // Heads: the root, and every sibling group whose decisions differ from its parent's.
    let mut heads: Vec<Vec<usize>> = vec![vec![0]];
    let mut queue: Vec<usize> = vec![0];
    while let Some(n) = queue.pop() {
        let Some(node) = nodes.get(n) else { continue };
        let differing: Vec<usize> =
            node.children.iter().copied().filter(|&c| nodes.get(c).is_some_and(|x| x.pair() != node.pair())).collect();
        heads.extend(sibling_groups(nodes, &uniform, &differing));
        queue.extend(node.children.iter().rev());
    }
    for group in heads {
        let Some(head) = group.first().and_then(|&h| nodes.get(h)) else { continue };
        if !head.changed() {
            continue;
        }
        // The head's region: its own nodes and every descendant decided alike, down to the
        // first descendants decided differently (the exceptions).
        let mut except_nodes: Vec<usize> = Vec::new();
        let mut walk: Vec<usize> = group.clone();
        while let Some(n) = walk.pop() {
            let Some(node) = nodes.get(n) else { continue };
            let mut differing = Vec::new();
            for &c in &node.children {
                match nodes.get(c) {
                    Some(child) if child.pair() == head.pair() => walk.push(c),
                    Some(_) => differing.push(c),
                    None => {}
                }
            }
            except_nodes.extend(differing);
        }
        let mut except: Vec<Vec<Vec<String>>> = Vec::new();
        let mut by_parent: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
        for e in except_nodes {
            let parent = nodes.get(e).and_then(|x| x.parent);
            match by_parent.iter_mut().find(|(p, _)| *p == parent) {
                Some((_, list)) => list.push(e),
                None => by_parent.push((parent, vec![e])),
            }
        }
        for (_, siblings) in by_parent {
            for g in sibling_groups(nodes, &uniform, &siblings) {
                except.push(group_prefix(nodes, &g));
            }
        }
        except.sort();
        let prefix = group_prefix(nodes, &group);
        let mut example = vec![argv0.to_owned()];
        example.extend(prefix.iter().filter_map(|alts| alts.first().cloned()));
        let verdict = Verdict::between(decision_rank(head.old), decision_rank(head.new)).unwrap_or(Verdict::Mixed);
        let mut old_ids = Vec::new();
        let mut new_ids = Vec::new();
        for &g in &group {
            if let Some(n) = nodes.get(g) {
                old_ids.extend(n.old_rules.iter().copied());
                new_ids.extend(n.new_rules.iter().copied());
            }
        }
        out.push(PrefixChange {
            program,
            prefix,
            except,
            example,
            old: head.old,
            new: head.new,
            verdict,
            old_rules: origins(rules, &old_ids),
            new_rules: origins(rules, &new_ids),
        });
    }
    out
}

impl PolicyDiff {
    /// The program class `argv0` belongs to.
    pub fn program_of(&self, argv0: &str) -> Option<usize> {
        let position = |f: &dyn Fn(&ProgramClass) -> bool| self.programs.iter().position(f);
        if let Some(i) = position(&|c| matches!(c, ProgramClass::Exact { name, .. } if name == argv0)) {
            return Some(i);
        }
        if !self.options.resolve_host_executables {
            return None;
        }
        let key = executable_key(argv0)?;
        let resolved = self.options.paths.absolutize(argv0)?;
        position(&|c| matches!(c, ProgramClass::Path { path, key: k, .. } if *path == resolved && k == key))
            .or_else(|| {
                position(&|c| matches!(c, ProgramClass::OtherPath { key: k, listed, .. } if k == key && !listed.contains(&resolved)))
            })
            .or_else(|| {
                position(&|c| {
                    matches!(c, ProgramClass::Exact { name, paths, any_path } if name == key && (*any_path || paths.contains(&resolved)))
                })
            })
    }

    /// The change `argv` falls in, if its decision changes.
    pub fn change_for(&self, argv: &[String]) -> Option<&PrefixChange> {
        let (program_name, rest) = argv.split_first()?;
        let program = self.program_of(program_name)?;
        self.changes.iter().find(|c| c.program == program && c.contains_args(rest))
    }

    /// The argv prefix as people read it: `git [push|commit] …`.
    pub fn render_prefix(&self, change: &PrefixChange) -> String {
        self.render_args(change.program, &change.prefix)
    }

    /// `{"verdict", "changes":[…], "programs":[…], "incomplete":[…]}`, rule origins as
    /// `file:line:col` from `sources`.
    pub fn to_json(&self, sources: &[NamedText]) -> Json {
        let site = |o: &RuleOrigin| locate(sources, &o.source, Some(o.span));
        self.to_json_with(&site, &site)
    }

    /// Like [`PolicyDiff::to_json`], with a function per side that says where a rule is written.
    pub fn to_json_with(
        &self,
        old_site: &dyn Fn(&RuleOrigin) -> String,
        new_site: &dyn Fn(&RuleOrigin) -> String,
    ) -> Json {
        let sites = |list: &[RuleOrigin], site: &dyn Fn(&RuleOrigin) -> String| {
            Json::Array(list.iter().map(|o| Json::from(site(o))).collect())
        };
        let changes = self
            .changes
            .iter()
            .map(|c| {
                let program = self.programs.get(c.program);
                Json::object()
                    .with("program", program.map(ProgramClass::label).unwrap_or_default())
                    .with("programKind", program.map_or("exact", ProgramClass::kind))
                    .with("prefix", Json::Array(c.prefix.iter().map(|alts| Json::from(alts.as_slice())).collect()))
                    .with(
                        "except",
                        Json::Array(
                            c.except
                                .iter()
                                .map(|e| Json::Array(e.iter().map(|alts| Json::from(alts.as_slice())).collect()))
                                .collect(),
                        ),
                    )
                    .with("example", c.example.as_slice())
                    .with("old", c.old.map_or(Json::Null, |d| Json::from(d.as_str())))
                    .with("new", c.new.map_or(Json::Null, |d| Json::from(d.as_str())))
                    .with("verdict", c.verdict.as_str())
                    .with("oldRules", sites(&c.old_rules, old_site))
                    .with("newRules", sites(&c.new_rules, new_site))
            })
            .collect();
        Json::object()
            .with("verdict", self.verdict.map_or(Json::Null, |v| Json::from(v.as_str())))
            .with("changes", Json::Array(changes))
            .with(
                "programs",
                Json::Array(
                    self.program_verdicts
                        .iter()
                        .map(|(i, v)| {
                            Json::object()
                                .with("program", self.programs.get(*i).map(ProgramClass::label).unwrap_or_default())
                                .with("verdict", v.as_str())
                        })
                        .collect(),
                ),
            )
            .with(
                "incomplete",
                Json::Array(
                    self.incomplete
                        .iter()
                        .filter_map(|i| self.programs.get(*i).map(|c| Json::from(c.label())))
                        .collect(),
                ),
            )
    }

    /// Readable text, rule origins as `file:line:col` from `sources`.
    pub fn render_text(&self, sources: &[NamedText]) -> String {
        let site = |o: &RuleOrigin| locate(sources, &o.source, Some(o.span));
        self.render_text_with(&site, &site)
    }

    /// Per program with changes a header, then one line per change: verdict, prefix,
    /// old -> new, an example, the deciding rules and the exceptions.
    pub fn render_text_with(
        &self,
        old_site: &dyn Fn(&RuleOrigin) -> String,
        new_site: &dyn Fn(&RuleOrigin) -> String,
    ) -> String {
        let mut out = String::new();
        if self.changes.is_empty() && self.incomplete.is_empty() {
            out.push_str("no command prefix changes its decision\n");
            return out;
        }
        for (program, verdict) in &self.program_verdicts {
            let Some(class) = self.programs.get(*program) else { continue };
            let _ = writeln!(out, "{} ({}): {}", class.label(), class.describe(), verdict.as_str());
            for c in self.changes.iter().filter(|c| c.program == *program) {
                let _ = writeln!(
                    out,
                    "  {:<8}  {}  {} -> {}  e.g. `{}`",
                    c.verdict.as_str(),
                    self.render_prefix(c),
                    decision_label(c.old),
                    decision_label(c.new),
                    shell_words(&c.example)
                );
                let sites = |list: &[RuleOrigin], site: &dyn Fn(&RuleOrigin) -> String| {
                    if list.is_empty() { "-".to_owned() } else { list.iter().map(site).collect::<Vec<_>>().join(", ") }
                };
                if !c.old_rules.is_empty() || !c.new_rules.is_empty() {
                    let _ = writeln!(
                        out,
                        "            old rule: {}  new rule: {}",
                        sites(&c.old_rules, old_site),
                        sites(&c.new_rules, new_site)
                    );
                }
                if !c.except.is_empty() {
                    let list: Vec<String> = c.except.iter().map(|e| self.render_args(c.program, e)).collect();
                    let _ = writeln!(out, "            except: {}", list.join("; "));
                }
            }
        }
        for i in &self.incomplete {
            if let Some(c) = self.programs.get(*i) {
                let _ =
                    writeln!(out, "{}: more than {MAX_NODES_PER_PROGRAM} distinct prefixes; not analysed", c.label());
            }
        }
        let _ = writeln!(
            out,
            "{} change(s); overall {}",
            self.changes.len(),
            self.verdict.map_or("unchanged", Verdict::as_str)
        );
        out
    }

    fn render_args(&self, program: usize, prefix: &[Vec<String>]) -> String {
        let mut out = self.programs.get(program).map(ProgramClass::short).unwrap_or_default();
        for alts in prefix {
            out.push(' ');
            out.push_str(&render_alts(alts));
        }
        out.push_str(" …");
        out
    }
}

fn render_alts(alts: &[String]) -> String {
    let words: Vec<String> = alts.iter().map(|a| shell_words(std::slice::from_ref(a))).collect();
    match words.as_slice() {
        [one] => one.clone(),
        _ => format!("[{}]", words.join("|")),
    }
}
