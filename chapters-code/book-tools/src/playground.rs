//! The Chapter 3 playground in the built book: builds the `playground` crate for
//! `wasm32-unknown-unknown` (profile `wasm`: release, `opt-level = "s"`, LTO, stripped) and
//! writes it into `target/book/playground/`, where `theme/playground.js` loads it.
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
//! out). The playground uses the chapter crates without their `book` feature, so neither
//! their listings and figures nor plotters (which would pull wasm-bindgen's web bindings into
//! a wasm32 build) are part of the module.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
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
    if !bytes.starts_with(b"\0asm") {
        return Err(format!("{}: not a WebAssembly module", built.display()));
    }
    let wasm = bytes;
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
            BASE64.encode(&wasm)
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

/// A JavaScript string literal.
fn js_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skip_line_is_one_line_with_the_fix() {
        let message = skipped_message();
        assert!(!message.contains('\n'));
        assert!(message.contains("rustup target add wasm32-unknown-unknown"));
        assert_eq!(js_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    }
}
