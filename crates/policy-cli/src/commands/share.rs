//! `codex-policy share`: prints a playground link that carries a workspace (and the files it
//! references) plus a scenario, in the app's share-link format `#v1.<base64url(deflate-raw(JSON))>`
//! (web/src/project.rs). Nothing is uploaded: the whole state is in the link's fragment, which
//! browsers never send to a server.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use policy_engine::json::Json;

use crate::input::{load_workspace, print_stdout, read_source};

/// Chat tools and some browsers truncate longer links; the app warns past this too.
const LONG_LINK: usize = 2000;

/// Flags of `share`.
#[derive(Debug, Args)]
pub struct ShareArgs {
    /// The workspace file; every `file = …` it references goes into the link.
    #[arg(long, value_name = "W.toml")]
    workspace: PathBuf,
    /// The user to simulate.
    #[arg(long, value_name = "EMAIL")]
    user: Option<String>,
    /// The command line to simulate.
    #[arg(long, value_name = "COMMAND")]
    command: Option<String>,
    /// Requirements merge the link opens with: `v1` (released, per field) or `v2` (newest, deep merge).
    #[arg(long, default_value = "v1", value_parser = ["v1", "v2"])]
    merge: String,
    /// Dangerous-command list the link opens with: `released` or `newest`.
    #[arg(long, default_value = "released", value_parser = ["released", "newest"])]
    heuristics: String,
    /// Where the playground is served (the link is `<BASE>#v1.…`).
    #[arg(long, default_value = "http://127.0.0.1:8080/", value_name = "URL")]
    base: String,
}

/// Runs `share`.
pub fn run(args: &ShareArgs) -> Result<ExitCode, String> {
    let link = link(args)?;
    print_stdout(&format!("{link}\n"));
    if link.len() > LONG_LINK {
        crate::input::print_stderr(&format!(
            "warning: the link is {} characters long; chat tools may cut links longer than {LONG_LINK}",
            link.len()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// The playground link for `args`.
fn link(args: &ShareArgs) -> Result<String, String> {
    let loaded = load_workspace(&args.workspace)?;
    let main = read_source(&args.workspace, "workspace")?;
    let files: Vec<Json> = loaded
        .sources
        .iter()
        .skip(1)
        .map(|f| Json::Array(vec![Json::from(f.name.as_str()), Json::from(f.text.as_str())]))
        .collect();
    let scenario = Json::object()
        .with("mode", "user")
        .with("user", args.user.as_deref().unwrap_or(""))
        .with("groups", Json::Array(Vec::new()))
        .with("command", args.command.as_deref().unwrap_or(""))
        .with("argv", false)
        .with("config", Json::object())
        .with("overrides", "")
        .with("host", "")
        .with("escalate", false)
        .with("codex", Json::object().with("merge", args.merge.as_str()).with("heuristics", args.heuristics.as_str()));
    let project = Json::object()
        .with("v", 1i64)
        .with("workspace", main.text.as_str())
        .with("files", Json::Array(files))
        .with("scenario", scenario)
        .to_compact();
    Ok(format!("{}#v1.{}", args.base, encode(&project)))
}

/// base64url (no padding) of the raw-DEFLATE compression of `text`.
pub fn encode(text: &str) -> String {
    base64url(&miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9))
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            let index = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET.get(index as usize).copied().unwrap_or(b'A')));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_base64url(text: &str) -> Vec<u8> {
        let value = |c: u8| match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            _ => 63,
        };
        let mut bits = 0u32;
        let mut count = 0;
        let mut out = Vec::new();
        for &c in text.as_bytes() {
            bits = (bits << 6) | u32::from(value(c));
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push(u8::try_from((bits >> count) & 0xff).unwrap());
            }
        }
        out
    }

    #[test]
    fn the_link_carries_the_codex_generation() {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            share: ShareArgs,
        }
        let workspace = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/acme/workspace.toml");
        let decoded = |extra: &[&str]| {
            let argv = [&["share", "--workspace", workspace][..], extra].concat();
            let cli = <Cli as clap::Parser>::try_parse_from(argv).unwrap();
            let link = link(&cli.share).unwrap();
            let fragment = link.split_once("#v1.").unwrap().1;
            let json = miniz_oxide::inflate::decompress_to_vec(&decode_base64url(fragment)).unwrap();
            Json::parse(&String::from_utf8(json).unwrap()).unwrap()
        };
        let codex = |project: &Json, key: &str| {
            project
                .get("scenario")
                .and_then(|s| s.get("codex"))
                .and_then(|c| c.get(key))
                .and_then(Json::as_str)
                .map(str::to_owned)
        };
        let released = decoded(&[]);
        assert_eq!(
            (codex(&released, "merge"), codex(&released, "heuristics")),
            (Some("v1".into()), Some("released".into()))
        );
        let newest = decoded(&["--merge", "v2", "--heuristics", "newest"]);
        assert_eq!((codex(&newest, "merge"), codex(&newest, "heuristics")), (Some("v2".into()), Some("newest".into())));
    }

    #[test]
    fn links_round_trip_through_inflate() {
        let text = "{\"v\":1,\"workspace\":\"[workspace]\\nname = \\\"Acme ✓\\\"\"}";
        for sample in [text, "", "a", "ab", "abc", &"x".repeat(5000)] {
            let encoded = encode(sample);
            assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            let inflated = miniz_oxide::inflate::decompress_to_vec(&decode_base64url(&encoded)).unwrap();
            assert_eq!(String::from_utf8(inflated).unwrap(), sample);
        }
    }
}
