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

/// One line for a diagnostic: `path:line:col: message` (or `path: message` without a span).
pub fn render_diagnostic(diagnostic: &Diagnostic, files: &[&SourceFile]) -> String {
    let text = files.iter().find(|f| f.name == diagnostic.source).map_or("", |f| f.text.as_str());
    let line = diagnostic.render_line(text);
    // One line, whatever the message holds.
    line.replace('\n', " ")
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
