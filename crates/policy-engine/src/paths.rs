//! Program paths as Codex sees them: basename keys and lexical absolute paths (spec §3.1.4, §8).
//!
//! Codex runs on macOS and Linux here, so paths are Unix paths: `/` separates components and
//! basename keys are case-sensitive. Nothing touches the file system: the working directory and
//! the home directory are inputs.

/// The working and home directories an evaluation resolves relative and `~/` paths against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathContext {
    /// Absolute working directory (`codex` is started here).
    pub cwd: String,
    /// Absolute home directory (`~/` expands to it).
    pub home: String,
}

impl Default for PathContext {
    fn default() -> Self {
        Self { cwd: "/home/dev/project".to_owned(), home: "/home/dev".to_owned() }
    }
}

impl PathContext {
    /// Resolves `raw` the way Codex's `AbsolutePathBuf::try_from` does: `~/` expands to home,
    /// a relative path joins the working directory, then `.`/`..`/`//`/trailing `/` are removed
    /// lexically. `None` when `raw` is empty.
    pub fn absolutize(&self, raw: &str) -> Option<String> {
        if raw.is_empty() {
            return None;
        }
        // Concatenation rather than `format!`: this runs once per command on the batch path.
        let joined = if let Some(rest) = raw.strip_prefix("~/") {
            [self.home.as_str(), "/", rest].concat()
        } else if raw.starts_with('/') {
            raw.to_owned()
        } else {
            [self.cwd.as_str(), "/", raw].concat()
        };
        Some(normalize_absolute(&joined))
    }
}

/// Lexically normalises an absolute path: drops empty and `.` components, resolves `..`
/// (never above `/`).
pub fn normalize_absolute(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for component in path.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let mut out = String::with_capacity(path.len());
    for part in &parts {
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// The last normal component of `path`, as Rust's `Path::file_name` gives it on Unix:
/// trailing `/` and `.` components are skipped; a path ending in `..`, or `/`, `.` and `""`
/// have none.
pub fn file_name(path: &str) -> Option<&str> {
    let mut components = path.split('/').filter(|c| !c.is_empty());
    let mut last = None;
    let mut first = true;
    for component in components.by_ref() {
        // A leading `.` is a CurDir component; later `.` components are skipped by `Path`.
        if component == "." {
            if first {
                last = None;
            }
        } else {
            last = Some(component);
        }
        first = false;
    }
    match last {
        Some("..") | None => None,
        Some(name) => Some(name),
    }
}

/// The basename key rules are indexed under for a program path (Unix: the file name as is).
pub fn executable_key(path: &str) -> Option<&str> {
    file_name(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolutize_expands_home_and_resolves_dots() {
        let ctx = PathContext { cwd: "/work/repo".into(), home: "/home/me".into() };
        assert_eq!(ctx.absolutize("~/bin/rm").as_deref(), Some("/home/me/bin/rm"));
        assert_eq!(ctx.absolutize("./git").as_deref(), Some("/work/repo/git"));
        assert_eq!(ctx.absolutize("/usr/bin//ls").as_deref(), Some("/usr/bin/ls"));
        assert_eq!(ctx.absolutize("/usr/bin/ls/").as_deref(), Some("/usr/bin/ls"));
        assert_eq!(ctx.absolutize("/usr/sbin/../bin/git").as_deref(), Some("/usr/bin/git"));
        assert_eq!(ctx.absolutize(""), None);
    }

    #[test]
    fn file_name_follows_rust_path_semantics() {
        assert_eq!(file_name("/usr/bin/git"), Some("git"));
        assert_eq!(file_name("/usr/bin/git/."), Some("git"));
        assert_eq!(file_name("/usr/bin/git/"), Some("git"));
        assert_eq!(file_name("/usr/bin/.."), None);
        assert_eq!(file_name("/"), None);
        assert_eq!(file_name("."), None);
        assert_eq!(file_name("./git"), Some("git"));
        assert_eq!(file_name("git "), Some("git "));
    }
}
