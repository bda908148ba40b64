//! Hostile files and streams against every `codex-policy` subcommand (issue 10): bad, missing,
//! directory, non-UTF-8, empty, huge and binary inputs give one-line errors and exit 2, never a
//! panic; `check --batch` and `replay` skip and report bad lines and keep going; a closed stdout
//! is not a panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers: a broken fixture should stop the test loudly"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_codex-policy");

/// A labelled command line with optional stdin.
type Invocation<'a> = (&'a str, Vec<String>, Option<&'a [u8]>);

fn acme(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme").join(file).display().to_string()
}

/// A scratch directory holding one file of each hostile kind.
struct Fixtures {
    dir: PathBuf,
}

/// The hostile inputs, by file name, and whether the file exists at all.
const HOSTILE: &[&str] = &["missing.toml", "a-directory", "non-utf8.toml", "binary.toml", "huge.toml", "garbage.toml"];

impl Fixtures {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("codex-policy-hostile-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a-directory")).unwrap();
        std::fs::write(dir.join("non-utf8.toml"), b"name = \"caf\xe9\"\n").unwrap();
        let binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        std::fs::write(dir.join("binary.toml"), binary).unwrap();
        // Over the 16 MiB input limit without writing it: a sparse file.
        let huge = std::fs::File::create(dir.join("huge.toml")).unwrap();
        huge.set_len(17 << 20).unwrap();
        std::fs::write(dir.join("garbage.toml"), "\0\u{1}[[{(\"'''\u{202e}\n=\n]]]\n").unwrap();
        std::fs::write(dir.join("empty.toml"), "").unwrap();
        std::fs::write(dir.join("empty.rules"), "").unwrap();
        std::fs::write(dir.join("ok.rules"), "prefix_rule(pattern=[\"ls\"], decision=\"prompt\")\n").unwrap();
        std::fs::write(dir.join("commands.txt"), "ls\ngit push\n").unwrap();
        Self { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }
}

impl Drop for Fixtures {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(args: &[String], stdin: Option<&[u8]>) -> Output {
    run_closing(args, stdin, None)
}

/// Which output's reading end `run_closing` shuts before the command writes anything.
#[derive(Clone, Copy, PartialEq)]
enum Closed {
    Stdout,
    Stderr,
}

/// Runs the binary with `stdin` fed from a thread; with `closed`, that output's reading end is
/// shut first, so every write there fails (EPIPE). The other outputs are collected.
fn run_closing(args: &[String], stdin: Option<&[u8]>, closed: Option<Closed>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    match closed {
        Some(Closed::Stdout) => drop(child.stdout.take()),
        Some(Closed::Stderr) => drop(child.stderr.take()),
        None => {}
    }
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    child.wait_with_output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_no_panic(what: &str, out: &Output) {
    let err = stderr(out);
    assert!(!err.contains("panicked") && out.status.code() != Some(101), "{what}: panicked\n{err}");
    assert!(out.status.code().is_some(), "{what}: killed by a signal: {:?}", out.status);
}

/// Exit 2 and exactly one stderr line naming `path`.
fn assert_one_line_error(what: &str, out: &Output, path: &str) {
    assert_no_panic(what, out);
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{what}: exit code\n{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: expected one error line, got:\n{err}");
    assert!(lines[0].contains(path), "{what}: the error does not name `{path}`: {err}");
}

/// Every subcommand, with `file` in each file-taking position it has.
fn invocations(f: &Fixtures, file: &str) -> Vec<(String, Vec<String>)> {
    let ws = acme("workspace.toml");
    let tests = acme("tests.toml");
    let log = acme("replay.jsonl");
    let rules = f.path("ok.rules");
    let commands = f.path("commands.txt");
    let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        ("check --rules".into(), s(&["check", "--rules", file, "ls"])),
        ("check --requirements".into(), s(&["check", "--rules", &rules, "--requirements", file, "ls"])),
        ("explain --workspace".into(), s(&["explain", "--workspace", file, "--user", "a@b", "ls"])),
        ("explain --rules".into(), s(&["explain", "--rules", file, "ls"])),
        ("explain --requirements".into(), s(&["explain", "--requirements", file, "ls"])),
        ("explain --grid".into(), s(&["explain", "--workspace", &ws, "--grid", file])),
        ("lint --workspace".into(), s(&["lint", "--workspace", file])),
        ("lint --requirements".into(), s(&["lint", "--requirements", file])),
        ("lint --rules".into(), s(&["lint", "--rules", file])),
        ("diff OLD".into(), s(&["diff", file, &ws])),
        ("diff NEW".into(), s(&["diff", &ws, file])),
        ("diff --commands".into(), s(&["diff", &ws, &ws, "--commands", file])),
        ("test CASES".into(), s(&["test", file, "--workspace", &ws])),
        ("test --workspace".into(), s(&["test", &tests, "--workspace", file])),
        ("replay --workspace".into(), s(&["replay", "--workspace", file, &log])),
        ("replay --baseline".into(), s(&["replay", "--workspace", &ws, "--baseline", file, &log])),
        ("replay LOG".into(), s(&["replay", "--workspace", &ws, file])).clone(),
        ("serve --dir".into(), s(&["serve", "--port", "0", "--dir", file])),
        ("check -r (commands)".into(), s(&["check", "-r", &commands, "ls"])),
    ]
}

#[test]
fn hostile_files_give_one_line_errors_and_exit_2() {
    let f = Fixtures::new("files");
    let mut failures = Vec::new();
    for name in HOSTILE {
        let file = f.path(name);
        for (what, args) in invocations(&f, &file) {
            if what.starts_with("check -r (commands)") {
                continue;
            }
            // A log is streamed line by line: binary and non-UTF-8 lines are skipped, not fatal.
            if what == "replay LOG" && matches!(*name, "non-utf8.toml" | "binary.toml" | "garbage.toml" | "huge.toml") {
                continue;
            }
            // Syntax garbage in a loose policy file is what `explain` simulates (Codex warns and
            // goes on, or refuses to start: an outcome, exit 0) and what `lint` reports (exit 1).
            if *name == "garbage.toml" && (what.starts_with("lint") || what.starts_with("explain --r")) {
                let out = run(&args, None);
                assert_no_panic(&what, &out);
                let expected = i32::from(what.starts_with("lint"));
                assert_eq!(out.status.code(), Some(expected), "{what}: {}", stderr(&out));
                let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
                assert!(all.contains(&file), "{what}: the problem names the file:\n{all}");
                continue;
            }
            // `serve --dir` wants a directory; the directory fixture has no index.html.
            let out = run(&args, None);
            let label = format!("{what} {name}");
            if let Err(e) = std::panic::catch_unwind(|| assert_one_line_error(&label, &out, &file)) {
                failures.push(e.downcast_ref::<String>().cloned().unwrap_or_else(|| label.clone()));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n---\n"));
}

#[test]
fn empty_files_never_panic() {
    let f = Fixtures::new("empty");
    for name in ["empty.toml", "empty.rules"] {
        let file = f.path(name);
        for (what, args) in invocations(&f, &file) {
            let out = run(&args, None);
            let label = format!("{what} {name}");
            assert_no_panic(&label, &out);
            if out.status.code() == Some(2) {
                assert_eq!(stderr(&out).lines().count(), 1, "{label}: {}", stderr(&out));
            }
        }
    }
}

#[test]
fn batch_skips_bad_lines_and_keeps_going() {
    let f = Fixtures::new("batch");
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"argv\":[\"ls\"]}\n");
    input.extend_from_slice(b"not json\n");
    input.extend_from_slice(b"{\"argv\":[\"caf\xe9\"]}\n");
    input.extend_from_slice(b"\0\xff\xfe binary\n");
    input.extend_from_slice(b"{\"argv\":");
    input.extend_from_slice("[".repeat(10_000).as_bytes());
    input.extend_from_slice(b"\n");
    input.extend_from_slice(format!("{{\"argv\":[\"{}\"]}}\n", "x".repeat(1 << 20)).as_bytes());
    input.extend_from_slice(b"{\"argv\":[\"ls\",\"-l\"]}\n");
    let out = run(&["check".into(), "-r".into(), f.path("ok.rules"), "--batch".into()], Some(&input));
    assert_no_panic("check --batch", &out);
    assert_eq!(out.status.code(), Some(2), "bad lines make exit 2");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 7, "one output line per input line:\n{stdout}");
    assert!(lines[0].contains("\"prompt\""), "{}", lines[0]);
    assert!(lines[6].contains("\"prompt\""), "the last line is still evaluated: {}", lines[6]);
    for (i, line) in lines.iter().enumerate().skip(1).take(4) {
        assert!(line.contains(&format!("\"line\":{}", i + 1)), "line {}: {line}", i + 1);
    }
    let err = stderr(&out);
    for n in 2..=5 {
        assert!(err.contains(&format!("stdin:{n}: ")), "line {n} is reported:\n{err}");
    }
}

#[test]
fn replay_skips_bad_lines_and_keeps_going() {
    let mut log = Vec::new();
    log.extend_from_slice(b"{\"user\":\"ana@acme.example\",\"command\":\"git push --force origin main\"}\n");
    log.extend_from_slice(b"\xff\xfe\0 binary\n");
    log.extend_from_slice(b"{\"user\":\"caf\xe9\"}\n");
    log.extend_from_slice(b"{\"user\":\"ana@acme.example\",\"argv\":");
    log.extend_from_slice("[".repeat(10_000).as_bytes());
    log.extend_from_slice(b"\n[1,2,3]\n");
    log.extend_from_slice(
        format!("{{\"user\":\"raj@acme.example\",\"command\":\"{}\"}}\n", "ls && ".repeat(100_000)).as_bytes(),
    );
    log.extend_from_slice(b"{\"user\":\"raj@acme.example\",\"command\":\"terraform plan\"}\n");
    let args = ["replay", "--workspace", &acme("workspace.toml"), "--json", "-"].map(str::to_owned);
    let out = run(&args, Some(&log));
    assert_no_panic("replay", &out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = String::from_utf8_lossy(&out.stdout);
    for n in [2, 3, 4, 5] {
        assert!(report.contains(&format!("\"line\": {n}")), "line {n} is reported as malformed:\n{report}");
    }
    assert!(report.contains("\"lines\": 7"), "every line is read:\n{report}");
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    let f = Fixtures::new("pipe");
    let ws = acme("workspace.toml");
    let many_commands = f.path("many.txt");
    std::fs::write(&many_commands, "ls\ngit push --force\ncargo test\n".repeat(200)).unwrap();
    let batch: Vec<u8> = "{\"argv\":[\"ls\"]}\n".repeat(50_000).into_bytes();
    let log = acme("replay.jsonl");
    let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let cases: Vec<Invocation<'_>> = vec![
        ("check", s(&["check", "-r", &f.path("ok.rules"), "ls"]), None),
        ("check --batch", s(&["check", "-r", &f.path("ok.rules"), "--batch"]), Some(&batch)),
        ("explain", s(&["explain", "--workspace", &ws, "--user", "ana@acme.example", "git", "push"]), None),
        ("explain --grid", s(&["explain", "--workspace", &ws, "--grid", &many_commands]), None),
        ("lint", s(&["lint", "--workspace", &ws]), None),
        ("diff", s(&["diff", &ws, &acme("draft.workspace.toml"), "--commands", &many_commands]), None),
        ("test", s(&["test", &acme("tests.toml")]), None),
        ("replay", s(&["replay", "--workspace", &ws, &log]), None),
        ("replay --json", s(&["replay", "--workspace", &ws, "--json", &log]), None),
        ("--help", s(&["--help"]), None),
    ];
    for (what, args, stdin) in cases {
        let out = run_closing(&args, stdin, Some(Closed::Stdout));
        assert_no_panic(what, &out);
    }
}

#[test]
fn a_closed_stderr_is_not_a_panic() {
    let ws = acme("workspace.toml");
    let bad_batch: Vec<u8> = "not json\n{\"argv\":[]}\n".repeat(5_000).into_bytes();
    let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    // (what, arguments, stdin, the exit code it must end with)
    let cases: Vec<(Invocation<'_>, i32)> = vec![
        (("a missing file", s(&["check", "-r", "/nonexistent/x.rules", "ls"]), None), 2),
        (
            (
                "a missing workspace",
                s(&["explain", "--workspace", "/nonexistent/ws.toml", "--user", "a@b", "ls"]),
                None,
            ),
            2,
        ),
        (("check --batch, bad lines", s(&["check", "-r", &acme("team.rules"), "--batch"]), Some(&bad_batch)), 2),
        (("lint", s(&["lint", "--workspace", &ws]), None), 0),
    ];
    for ((what, args, stdin), code) in cases {
        let status = run_closing(&args, stdin, Some(Closed::Stderr)).status;
        assert_eq!(status.code(), Some(code), "{what}: {status:?} (101 is a panic)");
    }
}

#[test]
fn bad_flags_and_values_are_one_line_errors() {
    let ws = acme("workspace.toml");
    let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let deep_key = format!("{}=1", vec!["a"; 10_000].join("."));
    for (what, args) in [
        ("explain -c without =", s(&["explain", "--workspace", &ws, "--user", "a@b", "-c", "nonsense", "ls"])),
        ("explain -c deep key", s(&["explain", "--workspace", &ws, "--user", "a@b", "-c", &deep_key, "ls"])),
        ("replay --config deep key", s(&["replay", "--workspace", &ws, "--config", &deep_key, &acme("replay.jsonl")])),
        (
            "explain --internet garbage",
            s(&["explain", "--workspace", &ws, "--user", "a@b", "--internet", "\u{1}\u{202e}"]),
        ),
        ("check unknown flag", s(&["check", "--nope"])),
    ] {
        let out = run(&args, None);
        assert_no_panic(what, &out);
        assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(&out));
    }
    let huge_arg = "x".repeat(100_000);
    let out = run(&s(&["explain", "--workspace", &ws, "--user", &huge_arg, &huge_arg]), None);
    assert_no_panic("explain with a 100 kB argument", &out);
}

#[test]
fn serve_survives_hostile_requests_and_stays_in_its_directory() {
    use std::io::{BufRead, BufReader, Read};
    use std::net::TcpStream;

    let f = Fixtures::new("serve");
    let root = f.dir.join("dist");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("index.html"), "<!doctype html>home").unwrap();
    std::fs::write(f.dir.join("secret.txt"), "secret").unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--dir"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let addr = first.trim().rsplit("http://").next().unwrap().trim_end_matches('/').to_owned();
    let ask = |request: &[u8]| -> String {
        let mut stream = TcpStream::connect(&addr).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let _ = stream.write_all(request);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    };
    let mut long = b"GET /".to_vec();
    long.extend(std::iter::repeat_n(b'a', 1 << 20));
    long.extend_from_slice(b" HTTP/1.1\r\n\r\n");
    let hostile: Vec<Vec<u8>> = vec![
        b"GET /../secret.txt HTTP/1.1\r\n\r\n".to_vec(),
        b"GET /%2e%2e/secret.txt HTTP/1.1\r\n\r\n".to_vec(),
        b"GET /%2e%2e%2fsecret.txt HTTP/1.1\r\n\r\n".to_vec(),
        b"GET /..%5csecret.txt HTTP/1.1\r\n\r\n".to_vec(),
        b"GET //etc/passwd HTTP/1.1\r\n\r\n".to_vec(),
        b"GET /%ff%fe HTTP/1.1\r\n\r\n".to_vec(),
        b"GET /% HTTP/1.1\r\n\r\n".to_vec(),
        b"GET /%\xc3\xa9 HTTP/1.1\r\n\r\n".to_vec(),
        b"GET /\0 HTTP/1.1\r\n\r\n".to_vec(),
        b"\xff\xfe\xfd\r\n\r\n".to_vec(),
        b"POST / HTTP/1.1\r\n\r\n".to_vec(),
        b"\r\n".to_vec(),
        Vec::new(),
        long,
    ];
    for request in &hostile {
        let answer = ask(request);
        assert!(
            !answer.contains("secret"),
            "{:?} leaked a file outside the directory",
            String::from_utf8_lossy(request)
        );
    }
    let home = ask(b"GET / HTTP/1.1\r\n\r\n");
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    assert!(home.starts_with("HTTP/1.1 200") && home.contains("home"), "still serving after hostile requests: {home}");
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn overlong_lines_are_skipped_and_reported() {
    let f = Fixtures::new("long");
    let mut input = b"{\"argv\":[\"".to_vec();
    input.extend(std::iter::repeat_n(b'x', 17 << 20));
    input.extend_from_slice(b"\"]}\n{\"argv\":[\"ls\"]}\n");
    let out = run(&["check".into(), "-r".into(), f.path("ok.rules"), "--batch".into()], Some(&input));
    assert_no_panic("check --batch", &out);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].contains("input too large") && lines[0].contains("\"line\":1"), "{}", lines[0]);
    assert!(lines[1].contains("\"prompt\""), "the next line is evaluated: {}", lines[1]);

    let mut log = b"{\"user\":\"ana@acme.example\",\"command\":\"".to_vec();
    log.extend(std::iter::repeat_n(b'x', 17 << 20));
    log.extend_from_slice(b"\"}\n{\"user\":\"raj@acme.example\",\"command\":\"terraform plan\"}\n");
    let args = ["replay", "--workspace", &acme("workspace.toml"), "--json", "-"].map(str::to_owned);
    let out = run(&args, Some(&log));
    assert_no_panic("replay", &out);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("input too large") && report.contains("\"lines\": 2"), "{report}");
}
