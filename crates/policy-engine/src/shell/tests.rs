use proptest::prelude::*;

use super::*;

fn argv(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn split(script: &str) -> SplitCommands {
    commands_for_exec_policy(&argv(&["bash", "-lc", script]))
}

#[test]
fn shlex_rendering_matches_codex() {
    assert_eq!(render_command(&argv(&["ls", "-la"])), "ls -la");
    assert_eq!(render_command(&argv(&["touch", ""])), "touch ''");
    assert_eq!(render_command(&argv(&["echo", "it's"])), r#"echo "it's""#);
    assert_eq!(render_command(&argv(&["bash", "-lc", "rm -rf /x"])), "bash -lc 'rm -rf /x'");
    // A NUL byte cannot be quoted: plain space join.
    assert_eq!(render_command(&argv(&["a\0b", "c d"])), "a\0b c d");
}

#[test]
fn wrapper_detection_is_exact() {
    assert!(extract_shell_script(&argv(&["bash", "-lc", "ls"])).is_ok());
    assert!(extract_shell_script(&argv(&["/usr/local/bin/bash", "-c", "ls"])).is_ok());
    assert_eq!(extract_shell_script(&argv(&["bash", "-lc"])), Err(NotAWrapper::ArgumentCount(2)));
    assert_eq!(extract_shell_script(&argv(&["/tmp/bash", "-lc", "ls"])), Err(NotAWrapper::UnknownShell));
    assert_eq!(extract_shell_script(&argv(&["bash.exe", "-lc", "ls"])), Err(NotAWrapper::UnknownShell));
    assert_eq!(extract_shell_script(&argv(&["sh", "-x", "ls"])), Err(NotAWrapper::UnknownFlag));
    assert_eq!(detect_shell("/usr/local/bin/sh"), None);
}

#[test]
fn explanation_names_construct_and_offset() {
    let s = split("echo $HOME");
    let SplitExplanation::Unsplittable { plain, .. } = s.explanation else { unreachable!("{s:?}") };
    assert_eq!(plain.to_string(), "`$` expansion at 5");
    assert_eq!(plain.construct.code(), "expansion");
    assert_eq!(s.commands, vec![argv(&["bash", "-lc", "echo $HOME"])]);
}

#[test]
fn heredoc_is_complex_parsing() {
    let s = split("cat <<'EOF'\nx\nEOF");
    assert!(s.used_complex_parsing);
    assert_eq!(s.commands, vec![argv(&["cat"])]);
    assert_eq!(s.explanation.kind(), "heredoc");
}

#[test]
fn non_wrapper_is_evaluated_whole() {
    let s = commands_for_exec_policy(&argv(&["git", "status"]));
    assert_eq!(s.commands, vec![argv(&["git", "status"])]);
    assert!(!s.used_complex_parsing);
    let empty = commands_for_exec_policy(&[]);
    assert_eq!(empty.commands, vec![Vec::<String>::new()]);
}

#[test]
fn carriage_return_line_continuation() {
    assert_eq!(split("echo a \\\r\nb").commands, vec![argv(&["echo", "a", "b"])]);
}

#[test]
fn literal_commands_find_nested_commands() {
    let found = literal::literal_commands("if test -d /t; then rm --force /t; fi").unwrap_or_default();
    assert!(found.contains(&argv(&["rm", "--force", "/t"])), "{found:?}");
    assert_eq!(literal::literal_commands("if then rm -rf x"), None);
    let found = literal::literal_commands("cmd=rm; $cmd -rf x").unwrap_or_default();
    assert!(found.iter().all(|c| c.first().is_none_or(|p| p != "rm")), "{found:?}");
    let found = literal::literal_commands("case $x in a) rm -f y;; esac").unwrap_or_default();
    assert!(found.contains(&argv(&["rm", "-f", "y"])), "{found:?}");
}

#[test]
fn pathological_scripts_complete() {
    let ands = "&&".repeat(50_000);
    assert_eq!(split(&ands).explanation.kind(), "unsplittable");
    let long_chain = "ls && ".repeat(20_000) + "ls";
    assert_eq!(split(&long_chain).commands.len(), 20_001);
    let quotes = "echo ".to_owned() + &"\"'\"".repeat(30_000);
    let _ = split(&quotes);
    let pipes = "a | b | c\n".repeat(10_000) + "d && e";
    let _ = split(&pipes);
    let nested = "$(".repeat(10_000);
    assert_eq!(literal::literal_commands(&nested), None);
    let heredocs = "cat <<EOF\n".repeat(5_000);
    let _ = split(&heredocs);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn splitting_never_panics(script in "[ -~\\t\\n\\x0b\\x0c\\ré]{0,40}") {
        let s = split(&script);
        prop_assert!(!s.commands.is_empty());
        let _ = literal::literal_commands(&script);
        let _ = single_heredoc_command(&script);
    }

    #[test]
    fn shell_alphabet_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just("ls"), Just(" "), Just("&&"), Just("|"), Just(";"), Just("\n"), Just("\\"), Just("'"), Just("\""),
            Just("$("), Just(")"), Just("<<"), Just("EOF"), Just("{1..2}"), Just("]"), Just("#"), Just("a=b"), Just("`"),
            Just("if"), Just("then"), Just("fi"), Just("-f"), Just("rm")
        ],
        0..30,
    )) {
        let script: String = parts.concat();
        let s = split(&script);
        prop_assert!(!s.commands.is_empty());
        if s.explanation.kind() == "plain" {
            prop_assert!(s.commands.iter().all(|c| !c.is_empty()));
        }
        let _ = literal::literal_commands(&script);
    }

    #[test]
    fn arbitrary_argv_never_panics(args in proptest::collection::vec(".{0,12}", 0..5)) {
        let s = commands_for_exec_policy(&args);
        prop_assert!(!s.commands.is_empty());
        let _ = render_command(&args);
    }
}
