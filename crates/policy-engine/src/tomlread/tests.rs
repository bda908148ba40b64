//! Recorded `Result`s of the serde/toml implementation this reader replaced: each input with
//! the exact message and span serde reported (generated from a differential run over ~95,000
//! documents; these are the most varied cases). Any change here is a change of Codex's texts.

use crate::analysis::cases::parse_cases;
use crate::config::{apply_override, user_config_from_table};
use crate::diagnostic::{Diagnostic, Severity};
use crate::requirements::document::parse_requirements;
use crate::requirements::layers::{LayerInput, LayerOptions, MergeMode, compose};
use crate::tomlread::Table;
use crate::workspace::file::parse_workspace;

/// An input, serde's message, and its span.
type Recorded = (&'static str, &'static str, Option<(usize, usize)>);

const REQUIREMENTS: &[Recorded] = &[
    ("features = 07:32:00\n", "invalid type: string \"07:32:00\", expected a boolean", Some((11, 19))),
    ("hooks = [1]\n", "invalid type: integer `1`, expected a string", Some((9, 10))),
    (
        "apps = 99999999999999999999\n",
        "invalid type: integer `99999999999999999999` as i128, expected a map",
        Some((7, 27)),
    ),
    ("[[rules]]\n", "invalid type: map, expected a sequence", Some((0, 9))),
    ("apps = []\n", "invalid type: sequence, expected a map", Some((7, 9))),
    ("apps = nan\n", "invalid type: floating point `NaN`, expected a map", Some((7, 10))),
    ("rules = 2.0\n", "invalid type: floating point `2.0`, expected struct RequirementsRulesToml", Some((8, 11))),
    ("hooks = 0\n", "invalid type: integer `0`, expected struct HooksToml", Some((8, 9))),
    ("experimental_network = [true, 65536]\n", "invalid value: integer `65536`, expected u16", Some((30, 35))),
    (
        "hooks = { PreToolUse = [{ hooks = [[18446744073709551615]] }] }\n",
        "invalid value: integer `18446744073709551615`, expected variant index 0 <= i < 3",
        Some((36, 56)),
    ),
    (
        "hooks = { PreToolUse = [{ hooks = [[1]] }] }\n",
        "invalid type: integer `1`, expected variant identifier",
        Some((36, 37)),
    ),
    (
        "allowed_sandbox_modes = ['lit']",
        "unknown variant `lit`, expected one of `read-only`, `workspace-write`, `danger-full-access`, `external-sandbox`",
        Some((25, 30)),
    ),
    (
        "allowed_approval_policies = [\"\"]",
        "unknown variant ``, expected one of `untrusted`, `on-failure`, `on-request`, `granular`, `never`",
        Some((29, 31)),
    ),
    (
        "allowed_approvals_reviewers = [\"a\"]",
        "unknown variant `a`, expected one of `user`, `auto_review`, `guardian_subagent`",
        Some((31, 34)),
    ),
    ("enforce_residency = \"\"\n", "unknown variant ``, expected `us`", Some((20, 22))),
    (
        "experimental_network = { domains = { a = { zz = [] } } }\n",
        "unknown variant `zz`, expected `allow` or `deny`",
        Some((43, 45)),
    ),
    (
        "hooks = { PreToolUse = [{ hooks = [[\"us\"]] }] }\n",
        "unknown variant `us`, expected one of `command`, `prompt`, `agent`",
        Some((36, 40)),
    ),
    (
        "\"marketplaces\" = { \"source\" = {  } }\n",
        "unknown field `source`, expected `restrict_to_allowed_sources` or `allowed_sources`",
        Some((19, 27)),
    ),
    ("[rules]\n", "missing field `prefix_rules`", Some((0, 7))),
    ("hooks = { PreToolUse = [{ hooks = [{ zz = 0 }] }] }\n", "missing field `type`", Some((35, 45))),
    (
        "hooks = { PreToolUse = [{ hooks = [{ a = 5, type = \"command\" }] }] }\n",
        "missing field `command`",
        Some((34, 63)),
    ),
    ("[[remote_sandbox_config]]\n", "missing field `hostname_patterns`", Some((0, 25))),
    ("feature_requirements = {}\nfeatures = 5\n", "duplicate field `features`", Some((0, 0))),
    (
        "hooks = { PreToolUse = [{ hooks = [{ type = \"command\", zz = \"x\", commandWindows = \"a\", command_windows = \"b\" }] }] }\n",
        "duplicate field `command_windows`",
        Some((34, 111)),
    ),
    ("windows = [[1]]\n", "wanted string or table", Some((12, 13))),
    ("[enforce_residency]\n", "wanted exactly 1 element, found 0 elements", Some((0, 19))),
    ("windows = [[{ a = 1, b = 2 }], true]\n", "wanted exactly 1 element, more than 1 element", Some((12, 28))),
    ("enforce_residency = { us = { a = 1 } }\n", "expected empty table", Some((27, 36))),
    ("enforce_residency = { us = [1e400] }\n", "expected empty array", Some((27, 34))),
    ("enforce_residency = { us = 1.5 }\n", "expected table, found float", Some((27, 30))),
    ("x = 340282366920938463463374607431768211456\n", "integer number overflowed", Some((4, 43))),
    ("_=1e400", "floating-point number overflowed", Some((2, 7))),
    ("hooks = []\n", "invalid length 0, expected struct HooksToml with 10 elements", Some((8, 10))),
    (
        "hooks = { PreToolUse = [{ hooks = [[\"prompt\", 1]] }] }\n",
        "invalid length 1, expected 0 elements in sequence",
        Some((34, 49)),
    ),
    (
        "mcp_servers = { a = [[]] }\n",
        "data did not match any variant of untagged enum McpServerIdentity",
        Some((20, 24)),
    ),
    (
        "experimental_network = { domains = {}, allowed_domains = [] }\n",
        "`experimental_network.domains` cannot be combined with legacy `allowed_domains` or `denied_domains`",
        Some((23, 61)),
    ),
    (
        "[experimental_network]\nunix_sockets = {}\nallow_unix_sockets = [\"/s\"]\n",
        "`experimental_network.unix_sockets` cannot be combined with legacy `allow_unix_sockets`",
        Some((0, 22)),
    ),
    (
        "allowed_approval_policies = [\"granular\"]",
        "invalid type: unit variant, expected newtype variant",
        Some((29, 39)),
    ),
    ("permissions = { a = 18446744073709551615 }\n", "u64 value was too large", Some((14, 42))),
    (
        "permissions = { a = 99999999999999999999 }\n",
        "invalid type: integer `99999999999999999999` as i128, expected any value",
        Some((20, 40)),
    ),
    ("_=1\n_=1", "duplicate key", Some((4, 5))),
    ("\n\n\"\"\"\n", "key with no value, expected `=`", Some((6, 6))),
];
const WORKSPACES: &[Recorded] = &[
    (
        "_=1",
        "unknown field `_`, expected one of `workspace`, `roles`, `groups`, `policies`, `policy_rules`, `default_policy`, `layers`, `rules`, `internet`",
        Some((0, 1)),
    ),
    ("[[groups]]\n", "missing field `name`", Some((0, 10))),
    (
        "roles = 07:32:00\n",
        "invalid type: string \"$__toml_private_datetime\", expected a spanned value",
        Some((8, 16)),
    ),
    ("roles = { a = 1 }\n", "invalid type: integer `1`, expected struct RoleToml", Some((14, 15))),
    ("[[layers]]\n", "invalid length 1, expected struct LayersToml with 3 elements", Some((0, 10))),
];
const CASES: &[Recorded] = &[
    ("_=1", "unknown field `_`, expected one of `workspace`, `defaults`, `case`", Some((0, 1))),
    (
        "defaults = { config = { sandbox_mode = [] } }\n",
        "invalid `config`: invalid type: unit variant, expected string only",
        Some((22, 43)),
    ),
    (
        "defaults = { config = { mcp_servers = { a = [\"x\", \"y\", 1e10] } } }\n",
        "invalid `config`: invalid length 3, expected fewer elements in array",
        Some((22, 64)),
    ),
    (
        "defaults = { config = { a = 99999999999999999999 } }\n",
        "invalid type: integer `99999999999999999999` as i128, expected any valid TOML value",
        Some((28, 48)),
    ),
    (
        "defaults = { config = { mcp_servers = { a = [{}] } } }\n",
        "invalid `config`: invalid type: map, expected a string",
        Some((22, 52)),
    ),
];
const OVERRIDES: &[(&[&str], &str)] = &[
    (&["web_search=0"], "invalid type: unit variant, expected string only"),
    (
        &["approval_policy={ granular = [true, false, true, true, true, false] }"],
        "invalid length 6, expected fewer elements in array",
    ),
    (&["approval_policy.granular=[]"], "invalid length 0, expected struct GranularToml with 5 elements"),
    (&["web_search=["], "unknown variant `[`, expected one of `disabled`, `cached`, `live`"),
    (&["features.apps=["], "invalid type: string \"[\", expected a boolean"),
    (&["mcp_servers.a={}"], "mcp server `a` needs exactly one of `command` or `url`"),
];
const V2_LAYERS: &[Recorded] = &[
    (
        "[rules]\n",
        "failed to parse requirements layer /etc/codex/requirements.toml: TOML parse error at line 1, column 1\n  |\n1 | [rules]\n  | ^^^^^^^\nmissing field `prefix_rules`",
        Some((0, 7)),
    ),
    (
        "windows = [[\"deny\"]]\n",
        "failed to parse requirements layer /etc/codex/requirements.toml: TOML parse error at line 1, column 13\n  |\n1 | windows = [[\"deny\"]]\n  |             ^^^^^^\nunknown variant `deny`, expected `elevated` or `unelevated`",
        Some((12, 18)),
    ),
    (
        "_=18446744073709551615",
        "failed to parse requirements layer /etc/codex/requirements.toml: TOML parse error at line 1, column 3\n  |\n1 | _=18446744073709551615\n  |   ^^^^^^^^^^^^^^^^^^^^\nu64 value was too large",
        Some((2, 22)),
    ),
];

const CLOUD: &str = "allowed_sandbox_modes = [\"read-only\", \"workspace-write\"]\n[features]\nq = true\n[rules]\nprefix_rules = [{ pattern = [{ token = \"curl\" }], decision = \"forbidden\" }]\n";

/// The first error of `diagnostics` is `message` at `span`.
fn check(input: &str, diagnostics: &[Diagnostic], message: &str, span: Option<(usize, usize)>) {
    let got = diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .map(|d| (d.message.as_str(), d.span.map(|s| (s.start, s.end))));
    assert_eq!(got, Some((message, span)), "input: {input:?}");
}

#[test]
fn requirements_errors_are_serdes() {
    for (doc, message, span) in REQUIREMENTS {
        check(doc, &parse_requirements(doc, "r.toml").diagnostics, message, *span);
    }
}

#[test]
fn workspace_errors_are_serdes() {
    for (doc, message, span) in WORKSPACES {
        let parsed = parse_workspace(doc, "ws.toml", &|p| Err(format!("no {p}")));
        check(doc, &parsed.diagnostics, message, *span);
    }
}

#[test]
fn cases_errors_are_serdes() {
    for (doc, message, span) in CASES {
        let diagnostics = parse_cases(doc, "t.toml").err().unwrap_or_default();
        check(doc, &diagnostics, message, *span);
    }
}

#[test]
fn override_errors_are_serdes() {
    for (assignments, message) in OVERRIDES {
        let mut table = Table::new();
        for assignment in *assignments {
            let _ = apply_override(&mut table, assignment);
        }
        assert_eq!(user_config_from_table(&table).err().as_deref(), Some(*message), "{assignments:?}");
    }
}

#[test]
fn v2_layer_errors_render_like_toml() {
    let options = LayerOptions {
        mode: MergeMode::DeepMerge,
        host: Some("build-01.example.com".into()),
        ..LayerOptions::default()
    };
    for (doc, message, span) in V2_LAYERS {
        let composed = compose(&[LayerInput::system(None, *doc), LayerInput::cloud(CLOUD)], &options);
        check(doc, &composed.diagnostics, message, *span);
    }
}

/// The key-ordered lists read with `tomlread::entries` (apps, MCP servers, plugins, network
/// permissions, workspace roles and policies, …) stand in for Codex's `BTreeMap`s because a
/// table's entries come sorted: `toml` is built without `preserve_order`. If a dependency ever
/// turns that feature on, this fails instead of the lists silently following the text order.
#[test]
fn table_entries_come_in_key_order() {
    let Ok(doc) = crate::tomlread::parse("[t]\nb = 1\nc = 2\na = 3\n\"B\" = 4\n") else {
        panic!("the document parses");
    };
    let Some(node) = crate::tomlread::only_value(&doc, "t") else {
        panic!("one table");
    };
    let read = crate::tomlread::entries(&node, &mut |e| crate::tomlread::value(&e.value));
    let keys: Vec<String> = read.map(|list| list.into_iter().map(|(k, _)| k).collect()).unwrap_or_default();
    assert_eq!(keys, ["B", "a", "b", "c"]);
}
