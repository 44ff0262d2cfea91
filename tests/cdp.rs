//! A minimal Chrome DevTools Protocol client for the browser tests.
//!
//! Chromium is started with `--remote-debugging-pipe`: it reads commands on file descriptor 3
//! and writes answers and events on file descriptor 4, one JSON message per NUL-terminated
//! chunk. A `sh -c 'exec … 3<&0 4>&1'` wrapper connects those to the child's standard input and
//! output, so no WebSocket library and no `unsafe` file-descriptor juggling are needed.
//!
//! One Chromium serves every test of a test process: each [`Browser`] is a page (tab) of its
//! own, attached in flat mode, and a reading thread hands each page its answers and events by
//! their session id. Tests running in parallel so share the browser's start-up and shutdown.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one command or awaited event may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The flags every run uses: headless, no sandbox (root in CI), no GPU, and no network
/// traffic of Chromium's own; every host name fails to resolve, so a page that tried to load
/// anything from the internet would fail loudly instead of silently working online.
pub const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
    // Several pages run at once, one per test: none is throttled as a background page.
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
    // Loopback stays reachable for the test servers (`cargo book serve`).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--remote-debugging-pipe",
];

/// The Chromium to test with, or `None` after saying so: under `CI=true` a missing Chromium
/// fails the test (CI must run the browser tests), otherwise `test` is reported as skipped,
/// written to stderr directly (libtest would hide an `eprintln!` of a passing test).
///
/// # Panics
/// Without Chromium under `CI=true`.
pub fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        let message =
            "no Chromium found (install Debian's `chromium`, or set CHROMIUM=/path/to/chrome)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{message}: CI must run the browser tests; .ci/run installs it"
        );
        let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {message}");
    }
    found
}

/// The problems a page's DevTools events show: console errors and failed assertions,
/// uncaught exceptions, failed loads, and any request that is not `file:` or `data:`.
pub fn event_problems(page: &str, events: &[Value]) -> Vec<String> {
    let mut problems = Vec::new();
    for event in events {
        let params = &event["params"];
        match event["method"].as_str().unwrap_or_default() {
            "Runtime.consoleAPICalled"
                if matches!(params["type"].as_str(), Some("error" | "assert")) =>
            {
                let text: Vec<String> = params["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|a| {
                        a["value"]
                            .as_str()
                            .map_or_else(|| a["description"].to_string(), str::to_string)
                    })
                    .collect();
                problems.push(format!("{page}: console error: {}", text.join(" ")));
            }
            "Runtime.exceptionThrown" => problems.push(format!(
                "{page}: uncaught exception: {}",
                params["exceptionDetails"]["exception"]["description"]
                    .as_str()
                    .unwrap_or_else(|| params["exceptionDetails"]["text"]
                        .as_str()
                        .unwrap_or_default())
            )),
            "Log.entryAdded" if params["entry"]["level"] == "error" => problems.push(format!(
                "{page}: console error: {} {}",
                params["entry"]["text"].as_str().unwrap_or_default(),
                params["entry"]["url"].as_str().unwrap_or_default()
            )),
            "Network.requestWillBeSent" => {
                let url = params["request"]["url"].as_str().unwrap_or_default();
                if !(url.starts_with("file:") || url.starts_with("data:")) {
                    problems.push(format!("{page}: requested {url} from the network"));
                }
            }
            "Network.loadingFailed" => problems.push(format!(
                "{page}: a resource failed to load: {}",
                params["errorText"].as_str().unwrap_or_default()
            )),
            _ => {}
        }
    }
    problems
}

/// Finds a Chromium executable: `$CHROMIUM`, else `chromium`, `chromium-browser` or
/// `google-chrome` on the `PATH`.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// One headless Chromium process, shared by every [`Browser`] (page) of a test process that
/// asks for the same executable: starting and stopping Chromium costs about a second, a new
/// page a few milliseconds. It closes when the last of its pages is dropped.
struct Chromium {
    executable: PathBuf,
    child: Mutex<Child>,
    input: Mutex<ChildStdin>,
    next_id: AtomicU64,
    routes: Arc<Mutex<Routes>>,
    profile: PathBuf,
}

/// Where the reading thread delivers Chromium's messages: answers to browser-level commands
/// by their id, everything of a page (its answers and events) by its session.
#[derive(Default)]
struct Routes {
    answers: HashMap<u64, Sender<Value>>,
    sessions: HashMap<String, Sender<Value>>,
}

/// The Chromium every page of this process shares, while any page is open.
static SHARED: Mutex<Weak<Chromium>> = Mutex::new(Weak::new());

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Chromium {
    /// The running shared Chromium at `executable`, or a new one.
    fn shared(executable: &Path) -> Arc<Chromium> {
        let mut shared = lock(&SHARED);
        if let Some(running) = shared.upgrade()
            && running.executable == executable
        {
            return running;
        }
        let started = Arc::new(Chromium::start(executable));
        *shared = Arc::downgrade(&started);
        started
    }

    /// Starts Chromium at `executable` with a fresh profile folder and a thread that routes
    /// its messages.
    fn start(executable: &Path) -> Chromium {
        // One folder per Chromium: several may run at once in one test process.
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let number = STARTED.fetch_add(1, Ordering::Relaxed);
        let profile = std::env::temp_dir().join(format!(
            "backprop-book-chromium-{}-{number}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&profile);
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null 2>/dev/null"#)
            .arg(executable)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", executable.display()));
        let input = child.stdin.take().expect("the child's stdin is piped");
        let output = child.stdout.take().expect("the child's stdout is piped");
        let routes = Arc::new(Mutex::new(Routes::default()));
        let router = Arc::clone(&routes);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(output);
            let mut chunk = Vec::new();
            while reader.read_until(0, &mut chunk).is_ok_and(|n| n > 0) {
                chunk.pop_if(|b| *b == 0);
                if let Ok(message) = serde_json::from_slice::<Value>(&chunk) {
                    let mut routes = lock(&router);
                    if let Some(session) = message["sessionId"].as_str() {
                        if let Some(page) = routes.sessions.get(session) {
                            let _ = page.send(message);
                        }
                    } else if let Some(id) = message["id"].as_u64()
                        && let Some(waiting) = routes.answers.remove(&id)
                    {
                        let _ = waiting.send(message);
                    }
                }
                chunk.clear();
            }
            // Chromium is gone: every page waiting for it is told so (its channel closes).
            let mut routes = lock(&router);
            routes.answers.clear();
            routes.sessions.clear();
        });
        Chromium {
            executable: executable.to_path_buf(),
            child: Mutex::new(child),
            input: Mutex::new(input),
            next_id: AtomicU64::new(1),
            routes,
            profile,
        }
    }

    /// Sends a command to the page of `session` (or to the browser) and returns its id.
    ///
    /// # Panics
    /// When Chromium no longer reads its commands.
    fn send(&self, method: &str, params: Value, session: Option<&str>) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.write(id, method, params, session)
            .unwrap_or_else(|e| panic!("Chromium stopped listening ({method}): {e}"));
        id
    }

    /// Writes command `id` (without waiting for its answer).
    fn write(
        &self,
        id: u64,
        method: &str,
        params: Value,
        session: Option<&str>,
    ) -> std::io::Result<()> {
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = message.to_string().into_bytes();
        bytes.push(0);
        let mut input = lock(&self.input);
        input.write_all(&bytes).and_then(|()| input.flush())
    }

    /// Sends a command that needs no answer, when Chromium may be gone already (on drop).
    fn notify(&self, method: &str, params: Value) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let _ = self.write(id, method, params, None);
    }

    /// Sends a browser-level command and returns its result.
    fn call(&self, method: &str, params: Value) -> Value {
        let (sender, answer) = mpsc::channel();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.routes).answers.insert(id, sender);
        self.write(id, method, params, None)
            .unwrap_or_else(|e| panic!("Chromium stopped listening ({method}): {e}"));
        let message = receive(&answer, Instant::now() + TIMEOUT, method);
        if let Some(error) = message.get("error") {
            panic!("Chromium refused {method}: {error}");
        }
        message["result"].clone()
    }
}

/// The next message of `channel`, waiting until `deadline`.
///
/// # Panics
/// When none comes in time, or Chromium exits.
fn receive(channel: &Receiver<Value>, deadline: Instant, waiting_for: &str) -> Value {
    let left = deadline.saturating_duration_since(Instant::now());
    match channel.recv_timeout(left) {
        Ok(message) => message,
        Err(RecvTimeoutError::Timeout) => {
            panic!("Chromium did not answer {waiting_for} within {TIMEOUT:?}")
        }
        Err(RecvTimeoutError::Disconnected) => {
            panic!("Chromium exited while waiting for {waiting_for}")
        }
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        self.notify("Browser.close", json!({}));
        let child = self.child.get_mut().unwrap_or_else(PoisonError::into_inner);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// One page (tab) of a headless Chromium, with the page, runtime, log and network event
/// domains enabled. The pages of one test process share one Chromium (see [`Browser::start`]),
/// so tests running in parallel each have their own page in the same browser.
pub struct Browser {
    chromium: Arc<Chromium>,
    messages: Receiver<Value>,
    session: String,
    target: String,
    /// Events received while waiting for answers, oldest first.
    pub events: Vec<Value>,
}

impl Browser {
    /// Opens a blank page of `width` × `height` CSS pixels in the Chromium at `executable`
    /// (started with a fresh profile folder, unless this process already runs it for another
    /// page) and enables the page, runtime, log and network event domains on it. The page
    /// behaves as focused and its timers are not throttled, as if it were the only one. The
    /// pages of one Chromium share its storage: the only thing the book keeps there is the
    /// checkpoints' progress, which only the checkpoint test sets, one quiz per page.
    ///
    /// # Panics
    /// When Chromium cannot be started or does not answer.
    pub fn start(executable: &Path, width: u32, height: u32) -> Browser {
        let chromium = Chromium::shared(executable);
        // A tab of the browser's one window (a window per page costs a third more CPU);
        // headless Chromium shows every tab as visible, and focus is emulated below.
        let target = chromium.call("Target.createTarget", json!({"url": "about:blank"}));
        let target = target["targetId"].as_str().unwrap_or_default().to_string();
        let attached = chromium.call(
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        );
        let session = attached["sessionId"]
            .as_str()
            .expect("Chromium attached to the page")
            .to_string();
        let (sender, messages) = mpsc::channel();
        lock(&chromium.routes)
            .sessions
            .insert(session.clone(), sender);
        let mut browser = Browser {
            chromium,
            messages,
            session,
            target,
            events: Vec::new(),
        };
        for domain in ["Page", "Runtime", "Log", "Network"] {
            browser.call(&format!("{domain}.enable"), json!({}));
        }
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
        browser.call(
            "Emulation.setFocusEmulationEnabled",
            json!({"enabled": true}),
        );
        browser
    }

    fn answer(&mut self, id: u64, method: &str) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.receive(deadline, method);
            if message["id"].as_u64() == Some(id) {
                if let Some(error) = message.get("error") {
                    panic!("Chromium refused {method}: {error}");
                }
                return message["result"].clone();
            }
            self.events.push(message);
        }
    }

    fn receive(&mut self, deadline: Instant, waiting_for: &str) -> Value {
        receive(&self.messages, deadline, waiting_for)
    }

    /// Sends a command to the page and returns its result.
    ///
    /// # Panics
    /// When Chromium answers with an error or not at all.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.chromium.send(method, params, Some(&self.session));
        self.answer(id, method)
    }
    /// Waits for the page event `method` (one that arrived after the last
    /// [`Browser::take_events`]).
    ///
    /// # Panics
    /// When it does not come within [`TIMEOUT`].
    pub fn wait_for_event(&mut self, method: &str) {
        assert!(
            self.event_within(method, TIMEOUT),
            "Chromium did not answer {method} within {TIMEOUT:?}"
        );
    }

    /// Whether the page event `method` (one that arrived after the last
    /// [`Browser::take_events`]) comes within `limit`; returns as soon as it does.
    ///
    /// # Panics
    /// When Chromium exits.
    pub fn event_within(&mut self, method: &str, limit: Duration) -> bool {
        if self.events.iter().any(|e| e["method"] == method) {
            return true;
        }
        let deadline = Instant::now() + limit;
        loop {
            let message = match self
                .messages
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => return false,
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("Chromium exited while waiting for {method}")
                }
            };
            let found = message["method"] == method;
            self.events.push(message);
            if found {
                return true;
            }
        }
    }

    /// Collects the events that are already waiting, then hands over every event received
    /// so far and starts a new list.
    pub fn take_events(&mut self) -> Vec<Value> {
        while let Ok(message) = self.messages.try_recv() {
            self.events.push(message);
        }
        std::mem::take(&mut self.events)
    }

    /// Opens `url` and waits until its load event has fired.
    pub fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for_event("Page.loadEventFired");
    }

    /// Evaluates a JavaScript expression in the page (awaiting it if it is a promise) and
    /// returns its value as JSON.
    ///
    /// # Panics
    /// When the script throws.
    pub fn evaluate(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
        );
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("the test's script threw in the page: {exception}");
        }
        result["result"]["value"].clone()
    }

    /// A PNG screenshot of `height` pixels of the page, from `top` down.
    pub fn screenshot(&mut self, top: f64, width: u32, height: u32) -> Vec<u8> {
        let shot = self.call(
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": top, "width": width, "height": height, "scale": 1}
            }),
        );
        decode_base64(shot["data"].as_str().unwrap_or_default())
    }
}

impl Drop for Browser {
    /// Closes the page (and Chromium, when it was the last page).
    fn drop(&mut self) {
        lock(&self.chromium.routes).sessions.remove(&self.session);
        self.chromium
            .notify("Target.closeTarget", json!({"targetId": self.target}));
    }
}

/// Runs `visit` on every item, in `tabs` pages of the Chromium at `executable` working at
/// once (each page takes the next item when it is done with one); the results in the order
/// of `items`.
///
/// # Panics
/// When a visit panics (the panic is passed on).
pub fn in_parallel_pages<I: Sync, T: Send>(
    executable: &Path,
    (width, height): (u32, u32),
    tabs: usize,
    items: &[I],
    visit: impl Fn(&mut Browser, &I) -> T + Sync,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..tabs.clamp(1, items.len().max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut browser = Browser::start(executable, width, height);
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else {
                            return done;
                        };
                        done.push((index, visit(&mut browser, item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Decodes standard base64 (the alphabet CDP uses for screenshots); ignores anything else.
pub fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut bytes = Vec::with_capacity(sextets.len() * 3 / 4);
    for chunk in sextets.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &s)| n | (u32::from(s) << (18 - 6 * i)));
        let [_, a, b, c] = n.to_be_bytes();
        bytes.extend_from_slice(&[a, b, c][..chunk.len().saturating_sub(1)]);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_rfc_4648_vectors() {
        assert_eq!(decode_base64(""), b"");
        assert_eq!(decode_base64("Zg=="), b"f");
        assert_eq!(decode_base64("Zm8="), b"fo");
        assert_eq!(decode_base64("Zm9v"), b"foo");
        assert_eq!(decode_base64("Zm9vYmFy"), b"foobar");
    }
}
