//! `codex-policy serve`: serves the built playground (`dist/`) on 127.0.0.1 with the same strict
//! Content-Security-Policy the page declares. Static files only; nothing is ever uploaded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

/// The policy `index.html` and `docs/index.html` declare (same-origin only, wasm compilation
/// allowed, no inline script, Trusted Types), sent as a header too; `frame-ancestors` only works
/// as a header, so it is added here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; \
form-action 'none'; require-trusted-types-for 'script'; trusted-types 'none'; frame-ancestors 'self'";

/// Flags of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The built playground.
    #[arg(long, default_value = "dist", value_name = "DIR")]
    dir: PathBuf,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
}

/// Serves until killed.
pub fn run(args: &ServeArgs) -> Result<ExitCode, String> {
    let root = args.dir.canonicalize().map_err(|e| format!("{}: cannot serve: {e}", args.dir.display()))?;
    if !root.join("index.html").is_file() {
        return Err(format!(
            "{}: no index.html here; build the playground first (scripts/build-web.sh)",
            root.display()
        ));
    }
    let listener = TcpListener::bind(("127.0.0.1", args.port)).map_err(|e| format!("127.0.0.1:{}: {e}", args.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    crate::input::print_stdout(&format!("serving {} on http://{addr}/\n", root.display()));
    for stream in listener.incoming().flatten() {
        let root = root.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &root);
        });
    }
    Ok(ExitCode::SUCCESS)
}

/// The most of a request's line and headers read (browsers send 1–2 KB); a longer head gets 431.
const MAX_REQUEST_HEAD: u64 = 16 * 1024;
/// How long a connection may take to send its request head before it is dropped.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

fn handle(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(REQUEST_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?.take(MAX_REQUEST_HEAD));
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain headers; we need none of them. A head that reaches the limit without its blank line
    // (or a line cut off there) is refused instead of read on without end.
    let mut header = String::new();
    let mut complete = request_line.ends_with('\n');
    while complete {
        header.clear();
        if reader.read_line(&mut header)? == 0 || !header.ends_with('\n') {
            complete = false;
        } else if header.trim_end().is_empty() {
            break;
        }
    }
    if !complete {
        respond(&mut stream, 431, "text/plain", b"request header fields too large", false)?;
        // Lingering close: closing with unread input would reset the connection, and the client's
        // stack may drop the answer. Half-close, then discard what is still coming (bounded).
        stream.shutdown(std::net::Shutdown::Write)?;
        std::io::copy(&mut (&stream).take(1 << 20), &mut std::io::sink())?;
        return Ok(());
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        return respond(&mut stream, 405, "text/plain", b"method not allowed", method == "HEAD");
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    match resolve(root, path) {
        Some(file) => match std::fs::read(&file) {
            Ok(body) => respond(&mut stream, 200, content_type(&file), &body, method == "HEAD"),
            Err(_) => respond(&mut stream, 404, "text/plain", b"not found", method == "HEAD"),
        },
        None => respond(&mut stream, 404, "text/plain", b"not found", method == "HEAD"),
    }
}

/// Maps a URL path to a file under `root`; `None` for anything that would leave it.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut file = root.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let canonical = file.canonicalize().ok()?;
    canonical.starts_with(root).then_some(canonical)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("md" | "txt" | "toml" | "rules") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        431 => "Request Header Fields Too Large",
        _ => "Method Not Allowed",
    };
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Content-Security-Policy: {CONTENT_SECURITY_POLICY}\r\nX-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_policy_is_the_pages_policy_plus_frame_ancestors() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        for page in ["index.html", "docs/index.html"] {
            let html = std::fs::read_to_string(root.join(page)).unwrap();
            let meta = html.split("content=\"default-src").nth(1).and_then(|rest| rest.split('"').next()).unwrap();
            assert_eq!(
                CONTENT_SECURITY_POLICY,
                format!("default-src{meta}; frame-ancestors 'self'"),
                "{page} and the served header disagree"
            );
        }
    }

    #[test]
    fn resolve_refuses_to_leave_the_root() {
        let root = std::env::temp_dir().join(format!("codex-policy-serve-{}", std::process::id()));
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(root.join("index.html"), "x").unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/index.html?x=1".split('?').next().unwrap()), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/../etc/passwd"), None);
        assert_eq!(resolve(&root, "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(&root, "/missing.js"), None);
    }

    /// One request through `handle` on a real loopback socket; returns the status line.
    fn status_of(root: &Path, request: &[u8]) -> String {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let root = root.to_path_buf();
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let _ = handle(stream, &root);
        });
        let mut client = TcpStream::connect(addr).unwrap();
        // The server may answer and close before every byte of an oversized head is sent.
        let _ = client.write_all(request);
        let mut response = String::new();
        let _ = BufReader::new(client).read_line(&mut response);
        server.join().unwrap();
        response.trim_end().to_owned()
    }

    #[test]
    fn a_request_head_is_bounded() {
        let root = std::env::temp_dir().join(format!("codex-policy-serve-head-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("index.html"), "x").unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(status_of(&root, b"GET / HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"), "HTTP/1.1 200 OK");
        let huge = format!("GET / HTTP/1.1\r\nCookie: {}\r\n\r\n", "a".repeat(64 * 1024));
        assert_eq!(status_of(&root, huge.as_bytes()), "HTTP/1.1 431 Request Header Fields Too Large");
        let long_target = format!("GET /{} HTTP/1.1\r\n\r\n", "b".repeat(32 * 1024));
        assert_eq!(status_of(&root, long_target.as_bytes()), "HTTP/1.1 431 Request Header Fields Too Large");
    }
}
