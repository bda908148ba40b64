//! The shared case corpus: every `tests/cases/**/*.toml` file holds `[[case]]` tables, each an
//! input (policy, scenario) and an expected result. The same cases run against the engine
//! (in-process) and against the `codex-policy` binary, so the two can never drift apart.
//! The format is described in `tests/README.md`.

pub mod kinds;

include!(concat!(env!("OUT_DIR"), "/embedded_cases.rs"));

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One case as written. Kind-specific fields stay in `fields` and are read by the kind's module,
/// which rejects unknown keys so a typo in a case file is an error, not a silently passing case.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    /// Human name, shown on failure.
    pub name: String,
    /// What to run: `check`, `approval`, `split`, …
    pub kind: String,
    /// Spec vector id this case reproduces (e.g. `E1`), if any.
    #[serde(default)]
    pub spec: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub fields: toml::Table,
}

/// A case with where it came from.
#[derive(Debug, Clone)]
pub struct LocatedCase {
    /// The case file.
    pub file: PathBuf,
    /// Index of the case within the file.
    pub index: usize,
    /// The case.
    pub case: Case,
}

impl LocatedCase {
    /// `file#index (name)`, for failure messages.
    pub fn label(&self) -> String {
        format!("{}#{} ({})", self.file.display(), self.index, self.case.name)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    case: Vec<Case>,
}

/// The corpus root (`tests/cases`).
pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

/// Parses the cases of one case file's text.
pub fn parse_case_file(file: &Path, text: &str) -> Result<Vec<LocatedCase>, String> {
    let parsed: CaseFile = toml::from_str(text).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(parsed
        .case
        .into_iter()
        .enumerate()
        .map(|(index, case)| LocatedCase { file: file.to_path_buf(), index, case })
        .collect())
}

/// Reads every case file under `dir`, sorted by path.
pub fn load_cases(dir: &Path) -> Result<Vec<LocatedCase>, String> {
    let mut files = Vec::new();
    collect_toml_files(dir, &mut files).map_err(|e| format!("{}: {e}", dir.display()))?;
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        out.extend(parse_case_file(&file, &text)?);
    }
    Ok(out)
}

fn collect_toml_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_toml_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads a kind's own fields, rejecting unknown keys.
pub fn fields<T: serde::de::DeserializeOwned>(case: &Case) -> Result<T, String> {
    toml::Value::Table(case.fields.clone()).try_into().map_err(|e: toml::de::Error| format!("bad case fields: {e}"))
}

/// A file given inline in a case: `{ name = "…", text = '''…''' }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlineFile {
    /// File name (used in messages and, for CLI runs, as the file name on disk).
    pub name: String,
    /// Contents.
    pub text: String,
}

/// Compares and explains: `Ok` when equal, else a readable expected/actual message.
pub fn expect_eq(what: &str, expected: &str, actual: &str) -> Result<(), String> {
    if expected == actual {
        Ok(())
    } else {
        Err(format!("{what} differs\n  expected: {expected}\n    actual: {actual}"))
    }
}
