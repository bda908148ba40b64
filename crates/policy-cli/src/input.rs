//! Reading input files with one-line errors, and the directories an evaluation resolves against.

use std::path::{Path, PathBuf};

use policy_engine::{Diagnostic, PathContext};

/// Largest input file we read (bigger files are refused with a clear message, never read whole).
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// A file read into memory, with the name messages use.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as given on the command line.
    pub name: String,
    /// The contents (UTF-8).
    pub text: String,
}

/// Reads `path` as UTF-8 text; `what` names the file's role in the error (`policy`, `requirements`…).
pub fn read_source(path: &Path, what: &str) -> Result<SourceFile, String> {
    let name = path.display().to_string();
    let fail = |reason: String| format!("failed to read {what} at {name}: {reason}");
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if meta.is_dir() {
        return Err(fail("is a directory".into()));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(fail(format!("input too large: {} bytes (the limit is {MAX_INPUT_BYTES} bytes)", meta.len())));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| fail(format!("not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to())))?;
    Ok(SourceFile { name, text })
}

/// Longest line `check --batch` and `replay` read: a longer line is skipped and reported, so one
/// runaway line cannot exhaust memory.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// Reads the next line of a stream into `buf` (without its line end, bytes as they are: the
/// caller decides what non-UTF-8 means). `Ok(None)` at the end of the stream; `Ok(Some(false))`
/// when the line was longer than [`MAX_LINE_BYTES`]: the rest of it is skipped, `buf` is empty.
pub fn read_line_bounded(reader: &mut impl std::io::BufRead, buf: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    use std::io::{BufRead, Read};
    buf.clear();
    let limit = u64::try_from(MAX_LINE_BYTES).unwrap_or(u64::MAX).saturating_add(1);
    if reader.by_ref().take(limit).read_until(b'\n', buf)? == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        return Ok(Some(true));
    }
    if buf.len() <= MAX_LINE_BYTES {
        return Ok(Some(true));
    }
    buf.clear();
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            break;
        }
        if let Some(end) = available.iter().position(|&b| b == b'\n') {
            reader.consume(end + 1);
            break;
        }
        let len = available.len();
        reader.consume(len);
    }
    Ok(Some(false))
}

/// Writes `text` to stdout. A reader that went away (`| head -1`) ends the process quietly with
/// success (as `check --batch` does) instead of the panic `print!` raises; any other write error
/// is a one-line error with exit code 2.
pub fn print_stdout(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        print_stderr(&format!("stdout: {e}"));
        std::process::exit(i32::from(crate::EXIT_BAD_INPUT));
    }
}

/// Writes one line to stderr. Unlike `eprintln!`, which panics when stderr's reader went away
/// (`2>&1 | head -1`), a failed write is dropped: the exit code still tells.
pub fn print_stderr(line: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(line.as_bytes()).and_then(|()| err.write_all(b"\n"));
}

/// One line for a diagnostic: `path:line:col: message` (or `path: message` without a span).
pub fn render_diagnostic(diagnostic: &Diagnostic, files: &[&SourceFile]) -> String {
    let text = files.iter().find(|f| f.name == diagnostic.source).map_or("", |f| f.text.as_str());
    let line = diagnostic.render_line(text);
    // One line, whatever the message holds.
    line.replace('\n', " ")
}

/// `--cwd` and `--home`, shared by every subcommand that evaluates commands.
#[derive(Debug, Clone, clap::Args)]
pub struct PathArgs {
    /// Working directory that relative program paths resolve against (default: the process's).
    #[arg(long, value_name = "DIR")]
    cwd: Option<PathBuf>,
    /// Home directory that `~/` expands to (default: `$HOME`).
    #[arg(long, value_name = "DIR")]
    home: Option<PathBuf>,
}

impl PathArgs {
    /// The directories an evaluation resolves against.
    pub fn context(&self) -> PathContext {
        path_context(self.cwd.as_ref(), self.home.as_ref())
    }
}

/// The process's working and home directories, overridable for simulation.
pub fn path_context(cwd: Option<&PathBuf>, home: Option<&PathBuf>) -> PathContext {
    let default = PathContext::default();
    let cwd = cwd.cloned().or_else(|| std::env::current_dir().ok()).map_or(default.cwd, |p| p.display().to_string());
    let home = home
        .cloned()
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
        .map_or(default.home, |p| p.display().to_string());
    PathContext { cwd, home }
}

/// A workspace file read from disk, with every text it references (for line/column rendering).
#[derive(Debug)]
pub struct LoadedWorkspace {
    /// The parsed model.
    pub workspace: policy_engine::workspace::Workspace,
    /// Diagnostics that did not stop parsing (per-policy problems, warnings).
    pub diagnostics: Vec<Diagnostic>,
    /// The workspace file and every file it references, by the name diagnostics use.
    pub sources: Vec<SourceFile>,
}

/// Reads and parses a workspace file; `file = …` references resolve relative to it. Errors in the
/// workspace file itself (unknown keys, dangling names) are fatal here; problems inside one
/// policy stay diagnostics so other users' answers still come out.
pub fn load_workspace(path: &Path) -> Result<LoadedWorkspace, String> {
    let main = read_source(path, "workspace")?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let referenced = std::cell::RefCell::new(Vec::new());
    let resolve = |relative: &str| -> Result<String, String> {
        let file = read_source(&base.join(relative), "file")?;
        let text = file.text.clone();
        referenced.borrow_mut().push(SourceFile { name: relative.to_owned(), text: file.text });
        Ok(text)
    };
    let parsed = policy_engine::workspace::parse_workspace(&main.text, &main.name, &resolve);
    let main_name = main.name.clone();
    let mut sources = vec![main];
    sources.extend(referenced.into_inner());
    let refs: Vec<&SourceFile> = sources.iter().collect();
    let fatal: Vec<String> = parsed
        .diagnostics
        .iter()
        .filter(|d| {
            d.severity == policy_engine::Severity::Error && (d.source == main_name || parsed.workspace.is_none())
        })
        .map(|d| render_diagnostic(d, &refs))
        .collect();
    match parsed.workspace {
        Some(workspace) if fatal.is_empty() => {
            Ok(LoadedWorkspace { workspace, diagnostics: parsed.diagnostics, sources })
        }
        _ => Err(fatal.join("\n")),
    }
}
