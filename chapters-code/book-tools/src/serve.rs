//! `cargo book serve`: serves the built book on `127.0.0.1`, rebuilds it when a source
//! changes, and reloads the open pages after each rebuild.
//!
//! - **HTTP** by [`tiny_http`]: every connection is read by its own thread and a pool of
//!   [`WORKERS`] threads answers the requests, so an idle (kept-alive) connection blocks no
//!   one.
//! - **Changes** come from the operating system through [`notify`]: files created, written,
//!   renamed or removed (not files merely read: the build reads the sources), gathered until
//!   [`DEBOUNCE`] passes without another (an editor's save is several events: one rebuild).
//!   Paths with a `target` folder or a hidden name (editor swap files, `.git`) and `.snap.new`
//!   files are not sources and are ignored.
//! - **Reload**: every HTML page served gets two script tags before `</body>`: the build
//!   version it shows, and [`RELOAD_SCRIPT_PATH`], a small script this server answers itself
//!   (nothing from a CDN, nothing added to the built book on disk). It asks
//!   [`VERSION_PATH`] once a second and reloads the page when the version changed, that is
//!   when a rebuild succeeded. A failed rebuild prints its error and keeps serving the last
//!   good build.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tiny_http::{Header, Method, Response, Server};

/// The address whose body is the number of the current build (it grows by one per successful
/// rebuild).
pub const VERSION_PATH: &str = "/__book-serve/version";
/// The address of the reload script added to every HTML page served.
pub const RELOAD_SCRIPT_PATH: &str = "/__book-serve/reload.js";
/// How many threads answer requests.
pub const WORKERS: usize = 4;
/// How long the watcher waits for more changes before rebuilding.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// The reload script: asks for the version once a second and reloads the page when it
/// differs from the one the page was served with.
const RELOAD_SCRIPT: &str = r#"// Added by `cargo book serve` (not part of the built book): reloads the page after a rebuild.
(function () {
  "use strict";
  var shown = String(window.bookServeVersion);
  function poll() {
    fetch("/__book-serve/version", { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (version) {
        if (version.trim() !== shown) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 1000);
})();
"#;

/// The book being served: stop it with [`LiveServer::stop`], or wait with
/// [`LiveServer::wait`].
pub struct LiveServer {
    port: u16,
    version: Arc<AtomicU64>,
    server: Arc<Server>,
    stopping: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
    watcher: RecommendedWatcher,
    rebuilder: JoinHandle<()>,
}

impl LiveServer {
    /// Serves the folder `site` at `http://127.0.0.1:<port>/` (port 0: any free port, see
    /// [`LiveServer::port`]), watches the files and folders `watched` (folders with everything
    /// below them), and after changes calls `rebuild`, which writes the new site into `site`.
    ///
    /// # Errors
    /// When the port cannot be bound or a watched path cannot be watched; the message names
    /// it.
    pub fn start(
        site: &Path,
        port: u16,
        watched: &[PathBuf],
        mut rebuild: impl FnMut() -> Result<(), String> + Send + 'static,
    ) -> Result<Self, String> {
        let server = Server::http(("127.0.0.1", port)).map_err(|e| {
            format!(
                "cannot serve on 127.0.0.1:{port}: {e}; pass another port: cargo book serve 3001"
            )
        })?;
        let port = server
            .server_addr()
            .to_ip()
            .map_or(port, |address| address.port());
        let server = Arc::new(server);
        let version = Arc::new(AtomicU64::new(1));
        let stopping = Arc::new(AtomicBool::new(false));

        let (changes, changed) = mpsc::channel::<notify::Result<Event>>();
        let mut watcher = notify::recommended_watcher(changes)
            .map_err(|e| format!("cannot watch the book's files for changes: {e}"))?;
        for path in watched {
            watch_sources(&mut watcher, path)?;
        }

        let rebuilder = {
            let version = Arc::clone(&version);
            let roots = watched.to_vec();
            std::thread::spawn(move || {
                // Ends when the watcher (the sender) is dropped.
                while let Ok(event) = changed.recv() {
                    let mut sources = source_changes(event, &roots);
                    if sources.is_empty() {
                        continue;
                    }
                    // The rest of the save (and changes made while rebuilding) join this one.
                    while let Ok(event) = changed.recv_timeout(DEBOUNCE) {
                        sources.extend(source_changes(event, &roots));
                    }
                    println!("{} changed: rebuilding the book …", sources[0].display());
                    match rebuild() {
                        Ok(()) => {
                            let now = version.fetch_add(1, Ordering::SeqCst) + 1;
                            println!("Rebuilt the book (build {now}): open pages reload.");
                        }
                        Err(error) => eprintln!(
                            "error: {error}\n(still serving the last good build; save a fix to rebuild)"
                        ),
                    }
                }
            })
        };

        let workers = (0..WORKERS)
            .map(|_| {
                let server = Arc::clone(&server);
                let version = Arc::clone(&version);
                let stopping = Arc::clone(&stopping);
                let site = site.to_path_buf();
                std::thread::spawn(move || {
                    while !stopping.load(Ordering::SeqCst) {
                        match server.recv_timeout(Duration::from_millis(200)) {
                            Ok(Some(request)) => {
                                let build = version.load(Ordering::SeqCst);
                                if let Err(error) = answer(&site, build, request) {
                                    eprintln!("warning: answering a request: {error}");
                                }
                            }
                            Ok(None) => {}
                            Err(error) => eprintln!("warning: accepting a connection: {error}"),
                        }
                    }
                })
            })
            .collect();

        Ok(Self {
            port,
            version,
            server,
            stopping,
            workers,
            watcher,
            rebuilder,
        })
    }

    /// The port the book is served on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The number of the build being served: 1, then one more after each successful rebuild.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// Serves until the process is stopped (Ctrl-C).
    pub fn wait(self) {
        for worker in self.workers {
            let _ = worker.join();
        }
    }

    /// Stops watching and serving, and waits for the threads to end.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        for _ in 0..WORKERS {
            self.server.unblock();
        }
        for worker in self.workers {
            let _ = worker.join();
        }
        drop(self.watcher);
        let _ = self.rebuilder.join();
    }
}

/// Watches `path`: a file, or a folder and the folders below it except `target` and hidden
/// ones (a crate's build output is not a source, and can hold many folders).
fn watch_sources(watcher: &mut RecommendedWatcher, path: &Path) -> Result<(), String> {
    let watch = |watcher: &mut RecommendedWatcher, path: &Path| {
        watcher
            .watch(path, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {} for changes: {e}", path.display()))
    };
    watch(watcher, path)?;
    if path.is_dir() {
        let entries = std::fs::read_dir(path)
            .map_err(|e| format!("cannot list {} to watch it: {e}", path.display()))?;
        for entry in entries.flatten() {
            let child = entry.path();
            let hidden_or_output = entry
                .file_name()
                .to_str()
                .is_none_or(|name| name == "target" || name.starts_with('.'));
            if !hidden_or_output && entry.file_type().is_ok_and(|t| t.is_dir()) {
                watch_sources(watcher, &child)?;
            }
        }
    }
    Ok(())
}

/// The sources an event changed: none for a read (the build opens every source), for build
/// output or editor files; a watching error is printed and changes nothing.
fn source_changes(event: notify::Result<Event>, roots: &[PathBuf]) -> Vec<PathBuf> {
    match event {
        Ok(event)
            if matches!(
                event.kind,
                EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
            ) =>
        {
            event
                .paths
                .into_iter()
                .filter(|path| is_source(path, roots))
                .collect()
        }
        Ok(_) => Vec::new(),
        Err(error) => {
            eprintln!("warning: watching the book's files: {error}");
            Vec::new()
        }
    }
}

/// Whether a change of `path` can change the book (not build output, editor files or
/// snapshots waiting for review). Only the part below the watched folder in `roots` is
/// looked at (the checkout itself may live in a hidden folder).
fn is_source(path: &Path, roots: &[PathBuf]) -> bool {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    let noise = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".snap.new")
        || name.ends_with(".tmp");
    let below = roots
        .iter()
        .find_map(|root| path.strip_prefix(root).ok())
        .unwrap_or(path);
    !noise
        && !below.components().any(|c| {
            c.as_os_str() == "target" || c.as_os_str().to_str().is_some_and(|s| s.starts_with('.'))
        })
}

fn answer(site: &Path, build: u64, request: tiny_http::Request) -> std::io::Result<()> {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return request.respond(Response::from_string("only GET and HEAD").with_status_code(405));
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let (status, content_type, body) = if path == VERSION_PATH {
        (
            200,
            "text/plain; charset=utf-8",
            build.to_string().into_bytes(),
        )
    } else if path == RELOAD_SCRIPT_PATH {
        (200, "text/javascript", RELOAD_SCRIPT.as_bytes().to_vec())
    } else {
        match resolve(site, path).map(|file| (std::fs::read(&file), file)) {
            Some((Ok(body), file)) => {
                let content_type = content_type(&file);
                let body = if content_type.starts_with("text/html") {
                    with_reload_script(body, build)
                } else {
                    body
                };
                (200, content_type, body)
            }
            _ => (
                404,
                "text/plain; charset=utf-8",
                format!("{path} is not in the book").into_bytes(),
            ),
        }
    };
    // The book changes under the reader: always ask again.
    let headers = [
        ("Content-Type", content_type),
        ("Cache-Control", "no-cache"),
    ]
    .into_iter()
    .filter_map(|(name, value)| Header::from_bytes(name, value).ok());
    let response = headers.fold(
        Response::from_data(body).with_status_code(status),
        Response::with_header,
    );
    request.respond(response)
}

/// The page with the build number and the reload script before its last `</body>` (or at
/// its end).
fn with_reload_script(page: Vec<u8>, build: u64) -> Vec<u8> {
    let tags = format!(
        "<script>window.bookServeVersion = {build};</script>\
         <script src=\"{RELOAD_SCRIPT_PATH}\"></script>\n"
    );
    let at = page
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + tags.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(tags.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

/// Maps a request path to a file under `root`, refusing anything that leaves it.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let relative = Path::new(path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let mut file = root.join(relative);
    if file.is_dir() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "wasm" => "application/wasm",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_root_are_refused() {
        let root = std::env::temp_dir();
        assert_eq!(resolve(&root, "/../etc/passwd"), None);
        assert_eq!(resolve(&root, "/a/../../b"), None);
    }

    #[test]
    fn the_reload_script_goes_before_the_end_of_the_body() {
        let page = with_reload_script(b"<html><body>hi</body></html>".to_vec(), 7);
        let page = String::from_utf8(page).unwrap();
        assert!(
            page.starts_with("<html><body>hi<script>window.bookServeVersion = 7;</script>"),
            "{page}"
        );
        assert!(page.ends_with("</script>\n</body></html>"), "{page}");
        let page = with_reload_script(b"no body".to_vec(), 1);
        assert!(page.starts_with(b"no body<script>"));
    }

    #[test]
    fn build_output_and_editor_files_are_not_sources() {
        let roots = [
            PathBuf::from("/home/.me/w/book"),
            PathBuf::from("/home/.me/w/code"),
        ];
        let source = |path: &str| is_source(Path::new(path), &roots);
        assert!(source("/home/.me/w/book/ch01.md"));
        assert!(source("/home/.me/w/code/ch01/src/loss.rs"));
        assert!(!source("/home/.me/w/code/ch05/fuzz/target/x"));
        assert!(!source("/home/.me/w/book/.ch01.md.swp"));
        assert!(!source("/home/.me/w/book/ch01.md~"));
        assert!(!source("/home/.me/w/code/ch01/snapshots/a.snap.new"));
    }
}
