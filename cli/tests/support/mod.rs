//! Running the built `mxtrust` binary on the repository's fixtures and
//! examples.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// 2026-11-28T13:00:00Z, inside the validity of every chain certificate.
pub const NOW: &str = "1795870800";

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

pub fn fixture(name: &str) -> PathBuf {
    repo(&format!("tests/fixtures/dane/{name}"))
}

pub fn example(name: &str) -> String {
    repo(&format!("examples/{name}")).display().to_string()
}

/// A fresh file under the test target's temporary directory.
pub fn temp_file(name: &str, contents: &[u8]) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.display().to_string()
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

pub fn mxtrust(args: &[&str]) -> Run {
    mxtrust_with_stdin(args, None)
}

pub fn mxtrust_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Run {
    mxtrust_with_env(args, stdin, &[])
}

/// The binary with extra environment variables.
pub fn mxtrust_with_env(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mxtrust"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        pipe.write_all(bytes).unwrap();
    }
    drop(pipe);
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    Run {
        code: status.code().expect("exit status"),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

/// `value` of `key` for `cert` in `tests/fixtures/dane/expected.txt`: what
/// openssl computed, never mxtrust.
pub fn openssl(cert: &str, key: &str) -> String {
    let text = std::fs::read_to_string(fixture("expected.txt")).unwrap();
    let mut blocks: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut current = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((k, v)) = line
            .split_once(" = ")
            .or_else(|| line.strip_suffix(" =").map(|k| (k, "")))
        else {
            continue;
        };
        if k == "Cert" {
            current = Some(v.to_owned());
        }
        let name = current.clone().expect("Cert line first");
        blocks
            .entry(name)
            .or_default()
            .insert(k.to_owned(), v.to_owned());
    }
    blocks
        .get(cert)
        .and_then(|b| b.get(key))
        .unwrap_or_else(|| panic!("{cert} {key} not in expected.txt"))
        .clone()
}

/// The PEM of a fixture certificate, made by openssl-compatible base64
/// here so that the test does not depend on the `openssl` command.
pub fn pem(cert: &str) -> String {
    let der = std::fs::read(fixture(&format!("{cert}.der"))).unwrap();
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    let b64 = base64(&der);
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
