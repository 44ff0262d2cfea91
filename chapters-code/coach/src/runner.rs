//! Running a chapter's exercise tests against the learner's stubs, one test per process, each
//! with a time limit.
//!
//! 1. `cargo test -p <chapter> --features learner --test exercises --no-run` builds the test
//!    binary (its JSON messages name the executable; a compile error is reported as such);
//! 2. `<binary> --list` names the tests;
//! 3. each test runs alone (`<binary> --exact <name>`) in its own process, so a stub that
//!    loops forever is killed after the time limit and reported as timed out, and a crash or
//!    an early `process::exit` is told apart, from the exit status, from a failed assertion,
//!    without hiding the results of the other tests.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use wait_timeout::ChildExt;

use crate::outcome::{TestResult, TestRun};

/// The time a single test may run before it is stopped and reported as timed out.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How long the output of a finished (or stopped) process is still read when a process it
/// started keeps its pipes open.
const GRACE: Duration = Duration::from_secs(2);

/// What a finished (or stopped) process printed and how it ended.
#[derive(Debug)]
pub struct ProcessOutput {
    /// The exit status; `None` when the process was killed because it ran out of time.
    pub status: Option<ExitStatus>,
    /// Everything it wrote to standard output.
    pub stdout: String,
    /// Everything it wrote to standard error.
    pub stderr: String,
}

/// Runs `command` to its end, or kills it once it has run for `timeout`.
///
/// # Errors
/// When the process cannot be started or waited for.
pub fn run_with_timeout(command: Command, timeout: Duration) -> std::io::Result<ProcessOutput> {
    run_with_limits(command, timeout, GRACE)
}

/// [`run_with_timeout`], reading the pipes for at most `grace` after the process ended when
/// a process it started keeps them open.
fn run_with_limits(
    mut command: Command,
    timeout: Duration,
    grace: Duration,
) -> std::io::Result<ProcessOutput> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Read both pipes while waiting, so that a chatty process cannot block on a full pipe.
    let stdout = Reader::start(child.stdout.take());
    let stderr = Reader::start(child.stderr.take());
    let status = match child.wait_timeout(timeout)? {
        Some(status) => Some(status),
        None => {
            // Out of time: stop it (SIGKILL on Unix) and collect it.
            let _ = child.kill();
            child.wait()?;
            None
        }
    };
    // One grace period for both pipes, not one each.
    let grace = Instant::now() + grace;
    Ok(ProcessOutput {
        status,
        stdout: stdout.finish(grace),
        stderr: stderr.finish(grace),
    })
}

/// Collects what a child writes to one pipe, on a thread of its own.
struct Reader {
    bytes: Arc<Mutex<Vec<u8>>>,
    finished: mpsc::Receiver<()>,
}

impl Reader {
    fn start(pipe: Option<impl Read + Send + 'static>) -> Reader {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let (done, finished) = mpsc::channel();
        let sink = Arc::clone(&bytes);
        std::thread::spawn(move || {
            if let Some(mut pipe) = pipe {
                let mut buffer = [0u8; 8192];
                while let Ok(read @ 1..) = pipe.read(&mut buffer) {
                    if let Ok(mut sink) = sink.lock() {
                        sink.extend_from_slice(&buffer[..read]);
                    }
                }
            }
            let _ = done.send(());
        });
        Reader { bytes, finished }
    }

    /// Everything read, once the pipe is closed, or at the end of the grace period
    /// (`deadline`): a process the child started may keep the pipe open after the child was
    /// stopped.
    fn finish(self, deadline: Instant) -> String {
        let _ = self
            .finished
            .recv_timeout(deadline.saturating_duration_since(Instant::now()));
        let bytes = self.bytes.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// Builds the learner-mode exercise tests of `chapter`; returns the test binary, or the
/// compiler's first error.
///
/// # Errors
/// The first error cargo printed (the stubs do not compile, the chapter does not exist, …).
pub fn build_tests(root: &Path, chapter: &str) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["test", "-p", chapter, "--features", "learner"])
        .args(["--test", "exercises", "--no-run", "--color", "never"])
        .arg("--message-format=json-render-diagnostics")
        .output()
        .map_err(|error| format!("cannot run cargo: {error}; is Rust installed (rustup.rs)?"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let lines: Vec<&str> = stderr.lines().collect();
        return Err(crate::outcome::first_error(&lines));
    }
    test_executable(&stdout).ok_or_else(|| {
        format!(
            "cargo built the tests of {chapter} but named no `exercises` test binary: \
             does chapters-code/{chapter}/tests/exercises.rs exist?"
        )
    })
}

/// The `exercises` test binary named in cargo's JSON messages.
fn test_executable(json_lines: &str) -> Option<PathBuf> {
    json_lines.lines().find_map(|line| {
        let message: serde_json::Value = serde_json::from_str(line).ok()?;
        let target = message.get("target")?;
        let is_it = message.get("reason")?.as_str()? == "compiler-artifact"
            && target.get("name")?.as_str()? == "exercises"
            && target
                .get("kind")?
                .as_array()?
                .iter()
                .any(|kind| kind == "test");
        is_it
            .then(|| message.get("executable")?.as_str().map(PathBuf::from))
            .flatten()
    })
}

/// Runs a test binary the way `cargo test` would: from its package folder, with the
/// package's `CARGO_MANIFEST_DIR`, without colours or backtraces.
fn test_command(binary: &Path, package_dir: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .current_dir(package_dir)
        .env("CARGO_MANIFEST_DIR", package_dir)
        .env("RUST_BACKTRACE", "0")
        .args(["--color", "never"]);
    command
}

/// The names of the tests in a test binary.
///
/// # Errors
/// When the binary cannot be run or does not list its tests.
pub fn list_tests(binary: &Path, package_dir: &Path) -> Result<Vec<String>, String> {
    let mut command = test_command(binary, package_dir);
    command.args(["--list", "--format", "terse"]);
    let output = run_with_timeout(command, DEFAULT_TIMEOUT)
        .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
    if !output.status.is_some_and(|s| s.success()) {
        return Err(format!(
            "{} --list failed: {}",
            binary.display(),
            output.stderr.trim()
        ));
    }
    Ok(output
        .stdout
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect())
}

/// Runs the one test `name` of `binary` in its own process, stopped after `timeout`.
pub fn run_test(binary: &Path, package_dir: &Path, name: &str, timeout: Duration) -> TestResult {
    let mut command = test_command(binary, package_dir);
    command.args(["--exact", name]);
    match run_with_timeout(command, timeout) {
        Ok(output) => classify(name, &output, timeout),
        Err(error) => TestResult::Crashed(format!(
            "cannot run the test binary {}: {error}",
            binary.display()
        )),
    }
}

/// How the test `name` ended, from its process's output and exit status.
pub fn classify(name: &str, output: &ProcessOutput, timeout: Duration) -> TestResult {
    let Some(status) = output.status else {
        return TestResult::TimedOut(format!(
            "timed out: the test {name} was still running after {} s and was stopped. Look for a \
             loop that never ends (a `loop {{}}`, or a `while` whose condition never changes).",
            timeout.as_secs()
        ));
    };
    let run = TestRun::parse(&output.stdout);
    if let Some(result) = run.results.get(name) {
        return result.clone();
    }
    // No result line: the process ended before the test harness could report the test.
    let mut said: Vec<&str> = output
        .stderr
        .lines()
        .chain(output.stdout.lines())
        .filter(|line| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with("running ") && !line.starts_with("note: ")
        })
        .collect();
    said.truncate(6);
    let how = describe_exit(status);
    let mut message = format!(
        "crashed: the test {name} {how} before it finished (a crash, an `abort`, or a \
         `std::process::exit` in the code it runs)."
    );
    if !said.is_empty() {
        message.push_str("\nIt printed:\n");
        message.push_str(&said.join("\n"));
    }
    TestResult::Crashed(message)
}

/// "was killed by signal 11 (SIGSEGV)" or "exited with status 3".
fn describe_exit(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                4 => " (SIGILL)",
                6 => " (SIGABRT: an abort, e.g. a stack overflow)",
                8 => " (SIGFPE)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV: a memory error)",
                15 => " (SIGTERM)",
                _ => "",
            };
            return format!("was killed by signal {signal}{name}");
        }
    }
    match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => format!("ended ({status})"),
    }
}

/// Builds and runs the exercise tests of `chapter` against the learner's stubs, each test in
/// its own process; `select` chooses which tests to run (all when `None`).
pub fn run_chapter(
    root: &Path,
    chapter: &str,
    select: Option<&dyn Fn(&str) -> bool>,
    timeout: Duration,
) -> TestRun {
    let binary = match build_tests(root, chapter) {
        Ok(binary) => binary,
        Err(error) => {
            return TestRun {
                build_error: Some(error),
                ..TestRun::default()
            };
        }
    };
    let package_dir = root.join("chapters-code").join(chapter);
    let names = match list_tests(&binary, &package_dir) {
        Ok(names) => names,
        Err(error) => {
            return TestRun {
                build_error: Some(error),
                ..TestRun::default()
            };
        }
    };
    let mut run = TestRun::default();
    for name in names.iter().filter(|n| select.is_none_or(|keep| keep(n))) {
        let result = run_test(&binary, &package_dir, name, timeout);
        run.results.insert(name.clone(), result);
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[cfg(unix)]
    #[test]
    fn a_process_that_never_ends_is_stopped_and_reported_as_timed_out() {
        let started = std::time::Instant::now();
        // `sleep` outlives the killed shell and keeps its pipes open: the output is read for
        // the grace period only (shortened here from GRACE; it is the same code).
        let output = run_with_limits(
            sh("echo started; sleep 30"),
            Duration::from_millis(300),
            Duration::from_millis(200),
        )
        .unwrap();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(output.status.is_none());
        assert_eq!(output.stdout, "started\n");
        let result = classify("exercise_1_1", &output, Duration::from_secs(60));
        let TestResult::TimedOut(message) = result else {
            panic!("{result:?}");
        };
        assert!(
            message.starts_with("timed out: the test exercise_1_1 was still running after 60 s")
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_early_exit_is_a_crash_not_a_missing_test() {
        let output = run_with_timeout(
            sh("echo 'running 1 test'; echo 'bye' >&2; exit 3"),
            Duration::from_secs(10),
        )
        .unwrap();
        let result = classify("exercise_1_1", &output, DEFAULT_TIMEOUT);
        let TestResult::Crashed(message) = result else {
            panic!("{result:?}");
        };
        assert!(message.contains("exited with status 3"), "{message}");
        assert!(message.ends_with("It printed:\nbye"), "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn a_signal_is_named() {
        let output = run_with_timeout(sh("kill -SEGV $$"), Duration::from_secs(10)).unwrap();
        let TestResult::Crashed(message) = classify("t", &output, DEFAULT_TIMEOUT) else {
            panic!("a crash");
        };
        assert!(
            message.contains("killed by signal 11 (SIGSEGV"),
            "{message}"
        );
    }

    #[test]
    fn a_reported_result_is_taken_as_it_is() {
        let output = ProcessOutput {
            status: None.or(Command::new("true").status().ok()),
            stdout: "running 1 test\ntest exercise_1_1 ... ok\n\ntest result: ok.".into(),
            stderr: String::new(),
        };
        assert_eq!(
            classify("exercise_1_1", &output, DEFAULT_TIMEOUT),
            TestResult::Passed
        );
    }

    #[test]
    fn the_test_binary_is_found_in_cargos_messages() {
        let messages = concat!(
            r#"{"reason":"compiler-artifact","target":{"name":"ch01","kind":["lib"]},"executable":null}"#,
            "\n",
            r#"{"reason":"compiler-artifact","target":{"name":"exercises","kind":["test"]},"executable":"/t/exercises-1"}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
        );
        assert_eq!(
            test_executable(messages),
            Some(PathBuf::from("/t/exercises-1"))
        );
        assert_eq!(test_executable("not json"), None);
    }
}
