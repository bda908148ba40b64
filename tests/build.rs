//! Embeds every case file (`cases/**/*.toml`) into the test binary, so the corpus also runs where
//! there is no file system: the wasm32 build in headless Chromium (`wasm_corpus.rs`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let cases = root.join("cases");
    println!("cargo::rerun-if-changed={}", cases.display());
    let mut files = Vec::new();
    collect(&cases, &mut files);
    files.sort();
    let mut code = String::from(
        "/// Every case file: (path relative to tests/cases, contents).\npub const EMBEDDED_CASES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        println!("cargo::rerun-if-changed={}", file.display());
        let relative = file.strip_prefix(&cases).unwrap_or(file).display().to_string();
        let _ = writeln!(code, "    ({relative:?}, include_str!({:?})),", file.display().to_string());
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("embedded_cases.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo::warning=cannot write {}: {e}", out.display());
    }
}
