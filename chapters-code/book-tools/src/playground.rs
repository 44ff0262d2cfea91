//! The Chapter 3 playground in the built book: builds the `playground` crate for
//! `wasm32-unknown-unknown` (profile `wasm`: release, `opt-level = "s"`, LTO), trims the module
//! and writes it into `target/book/playground/`, where `theme/playground.js` loads it.
//!
//! Files written:
//! - `playground/playground.wasm`: the module (its size is checked against [`SIZE_BUDGET`]);
//! - `playground/playground-wasm.js`: the same bytes as a base64 string in a classic script. A
//!   book opened from a folder (`file://`) may run scripts but may not `fetch` files, so this
//!   is how the page gets the module with no server and no network.
//!
//! Without the wasm target the book is still built: one line says the playground was skipped
//! and how to add the target, `playground-wasm.js` says so to the page, and Chapter 3 keeps its
//! static figures. Under `CI=true` a missing target is an error.
//!
//! No wasm-bindgen CLI is needed: the page calls four plain exports (numbers in, JSON text
//! out). The chapter crates depend on plotters, which pulls wasm-bindgen's unused web-sys
//! bindings into a wasm32 build; [`trim`] removes their exports and the custom sections, so
//! that the linker-kept code is all that remains.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The compilation target of the playground.
pub const TARGET: &str = "wasm32-unknown-unknown";
/// The cargo profile it is built with (defined in the workspace's `Cargo.toml`).
pub const PROFILE: &str = "wasm";
/// The largest `.wasm` the book accepts, in bytes.
pub const SIZE_BUDGET: usize = 500 * 1024;
/// The folder of the built book that holds the playground's files.
pub const FOLDER: &str = "playground";
/// The global variable `playground-wasm.js` sets: the module in base64, when it was built.
pub const WASM_GLOBAL: &str = "backpropPlaygroundWasm";
/// The global variable `playground-wasm.js` sets instead when the playground was skipped.
pub const SKIPPED_GLOBAL: &str = "backpropPlaygroundSkipped";

/// What happened to the playground.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Built and installed: the size of the `.wasm` in bytes.
    Built {
        /// Bytes of `playground.wasm`.
        wasm_bytes: usize,
    },
    /// Not built; the page shows the static figures. The reason, with the fix.
    Skipped(String),
}

/// The line printed when the wasm target is missing.
pub fn skipped_message() -> String {
    format!(
        "note: the Chapter 3 playground was skipped (the {TARGET} target is not installed), so \
         the page shows its static figures; add it with `rustup target add {TARGET}` and run \
         `cargo book build` again"
    )
}

/// Builds the playground and writes it into the built book at `book` (or writes the note
/// that it was skipped). Prints one line when it is skipped.
///
/// # Errors
/// When the wasm target is missing under `CI=true`, the build fails, the module is malformed
/// or over [`SIZE_BUDGET`], or a file cannot be written.
pub fn install(workspace_root: &Path, book: &Path) -> Result<Outcome, String> {
    let folder = book.join(FOLDER);
    std::fs::create_dir_all(&folder)
        .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let installed = target_installed()?;
    let ci = std::env::var("CI").is_ok_and(|value| value == "true");
    if !installed {
        if ci {
            return Err(format!(
                "the {TARGET} target is not installed, and CI must build the Chapter 3 \
                 playground: run `rustup target add {TARGET}` (as .ci/run does)"
            ));
        }
        let message = skipped_message();
        eprintln!("{message}");
        write(
            &folder.join("playground-wasm.js"),
            &format!(
                "window.{SKIPPED_GLOBAL} = {};\n",
                js_string(&format!(
                    "the playground was not built: add the {TARGET} target with `rustup \
                     target add {TARGET}` and run `cargo book build` again"
                ))
            ),
        )?;
        let _ = std::fs::remove_file(folder.join("playground.wasm"));
        return Ok(Outcome::Skipped(message));
    }
    let built = build_wasm(workspace_root)?;
    let bytes =
        std::fs::read(&built).map_err(|e| format!("cannot read {}: {e}", built.display()))?;
    let wasm = trim(&bytes).map_err(|e| format!("{}: {e}", built.display()))?;
    if wasm.len() > SIZE_BUDGET {
        return Err(format!(
            "the playground's .wasm is {} KB, over its budget of {} KB: keep large \
             dependencies out of chapters-code/playground",
            wasm.len() / 1024,
            SIZE_BUDGET / 1024
        ));
    }
    write_bytes(&folder.join("playground.wasm"), &wasm)?;
    write(
        &folder.join("playground-wasm.js"),
        &format!(
            "// The Chapter 3 playground's WebAssembly module (playground.wasm), in base64.\n\
             window.{WASM_GLOBAL} = \"{}\";\n",
            base64(&wasm)
        ),
    )?;
    Ok(Outcome::Built {
        wasm_bytes: wasm.len(),
    })
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    write_bytes(path, text.as_bytes())
}

fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Whether the standard library for [`TARGET`] is installed in the sysroot of `rustc` (the
/// `RUSTC` environment variable, else `rustc` on the `PATH`).
fn target_installed() -> Result<bool, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("cannot run `rustc --print sysroot` to look for {TARGET}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`rustc --print sysroot` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    Ok(sysroot
        .join("lib/rustlib")
        .join(TARGET)
        .join("lib")
        .is_dir())
}

/// Runs `cargo build -p playground --lib --target wasm32-unknown-unknown --profile wasm` and
/// returns the path of the `.wasm`.
fn build_wasm(workspace_root: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let args = [
        "build",
        "-p",
        "playground",
        "--lib",
        "--target",
        TARGET,
        "--profile",
        PROFILE,
    ];
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(workspace_root)
        .status()
        .map_err(|e| format!("cannot run cargo to build the playground: {e}"))?;
    if !status.success() {
        return Err(format!(
            "building the Chapter 3 playground failed (`cargo {}`, {status}): see the errors \
             above",
            args.join(" ")
        ));
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root.join("target"), PathBuf::from);
    let target_dir = if target_dir.is_absolute() {
        target_dir
    } else {
        workspace_root.join(target_dir)
    };
    Ok(target_dir
        .join(TARGET)
        .join(PROFILE)
        .join("playground.wasm"))
}

/// Whether an export is one the page uses.
fn is_page_export(name: &str) -> bool {
    name == "memory" || name.starts_with("playground_")
}

/// The module without its custom sections (names, producers, wasm-bindgen's descriptions)
/// and with only the exports the page uses (`memory` and `playground_*`).
///
/// # Errors
/// When `wasm` is not a WebAssembly module (version 1).
pub fn trim(wasm: &[u8]) -> Result<Vec<u8>, String> {
    const HEADER: &[u8] = b"\0asm\x01\0\0\0";
    let body = wasm
        .strip_prefix(HEADER)
        .ok_or("not a WebAssembly module (version 1)")?;
    let mut out = HEADER.to_vec();
    let mut at = 0;
    while at < body.len() {
        let id = body[at];
        let (size, size_len) = read_leb(&body[at + 1..]).ok_or("a section has a bad size")?;
        let start = at + 1 + size_len;
        let content = body
            .get(start..start + size)
            .ok_or("a section runs past the end of the module")?;
        match id {
            0 => {}
            7 => {
                let section = trim_exports(content)?;
                out.push(7);
                write_leb(&mut out, section.len());
                out.extend_from_slice(&section);
            }
            _ => out.extend_from_slice(&body[at..start + size]),
        }
        at = start + size;
    }
    Ok(out)
}

/// The export section's content keeping only [`is_page_export`] entries.
fn trim_exports(content: &[u8]) -> Result<Vec<u8>, String> {
    let bad = || "the export section is malformed".to_string();
    let (count, mut at) = read_leb(content).ok_or_else(bad)?;
    let mut kept = 0;
    let mut entries = Vec::new();
    for _ in 0..count {
        let begin = at;
        let (name_len, len_len) = read_leb(content.get(at..).ok_or_else(bad)?).ok_or_else(bad)?;
        let name_start = at + len_len;
        let name = content
            .get(name_start..name_start + name_len)
            .ok_or_else(bad)?;
        at = name_start + name_len + 1; // the kind byte
        let (_, index_len) = read_leb(content.get(at..).ok_or_else(bad)?).ok_or_else(bad)?;
        at += index_len;
        if is_page_export(&String::from_utf8_lossy(name)) {
            kept += 1;
            entries.extend_from_slice(content.get(begin..at).ok_or_else(bad)?);
        }
    }
    let mut section = Vec::new();
    write_leb(&mut section, kept);
    section.extend_from_slice(&entries);
    Ok(section)
}

/// An unsigned LEB128 number at the start of `bytes`, and how many bytes it took.
fn read_leb(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value: usize = 0;
    for (index, &byte) in bytes.iter().enumerate().take(5) {
        value |= usize::from(byte & 0x7f) << (7 * index);
        if byte & 0x80 == 0 {
            return Some((value, index + 1));
        }
    }
    None
}

fn write_leb(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A JavaScript string literal.
fn js_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_encodes_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn leb128_round_trips() {
        for value in [0, 1, 127, 128, 300, 624_485, u32::MAX as usize] {
            let mut bytes = Vec::new();
            write_leb(&mut bytes, value);
            assert_eq!(read_leb(&bytes), Some((value, bytes.len())), "{value}");
        }
        assert_eq!(read_leb(&[0x80, 0x80]), None);
    }

    /// A section: id, size, content.
    fn section(id: u8, content: &[u8]) -> Vec<u8> {
        let mut bytes = vec![id];
        write_leb(&mut bytes, content.len());
        bytes.extend_from_slice(content);
        bytes
    }

    /// An export entry: name, kind, index.
    fn export(name: &str, kind: u8, index: u8) -> Vec<u8> {
        let mut bytes = vec![name.len() as u8];
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(&[kind, index]);
        bytes
    }

    #[test]
    fn trim_keeps_the_page_exports_and_drops_custom_sections() {
        let header = b"\0asm\x01\0\0\0".to_vec();
        let types = section(1, &[1, 0x60, 0, 0]);
        let exports = |names: &[(&str, u8, u8)]| {
            let mut content = vec![names.len() as u8];
            for &(name, kind, index) in names {
                content.extend(export(name, kind, index));
            }
            section(7, &content)
        };
        let module = [
            header.clone(),
            types.clone(),
            section(0, b"\x04name\x01\x02\x03"),
            exports(&[
                ("memory", 2, 0),
                ("__wbindgen_describe_x", 0, 1),
                ("playground_run", 0, 2),
            ]),
            section(0, b"\x17__wasm_bindgen_unstable"),
        ]
        .concat();
        let expected = [
            header,
            types,
            exports(&[("memory", 2, 0), ("playground_run", 0, 2)]),
        ]
        .concat();
        assert_eq!(trim(&module), Ok(expected));
    }

    #[test]
    fn trim_refuses_what_is_not_a_module() {
        assert!(trim(b"<html>").is_err());
        assert!(
            trim(b"\0asm\x01\0\0\0\x01\x05\0").is_err(),
            "section too short"
        );
        assert!(
            trim(b"\0asm\x01\0\0\0\x07\x02\x05\0").is_err(),
            "bad exports"
        );
    }

    #[test]
    fn the_skip_line_is_one_line_with_the_fix() {
        let message = skipped_message();
        assert!(!message.contains('\n'));
        assert!(message.contains("rustup target add wasm32-unknown-unknown"));
        assert_eq!(js_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    }
}
