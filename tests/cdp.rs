//! A minimal Chrome DevTools Protocol client for the browser test.
//!
//! Chromium is started with `--remote-debugging-pipe`: it reads commands on file descriptor 3
//! and writes answers and events on file descriptor 4, one JSON message per NUL-terminated
//! chunk. A `sh -c 'exec … 3<&0 4>&1'` wrapper connects those to the child's standard input and
//! output, so no WebSocket library and no `unsafe` file-descriptor juggling are needed.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
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

/// A running headless Chromium and one page (tab) attached to it.
pub struct Browser {
    child: Child,
    input: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
    session: String,
    /// Events received while waiting for answers, oldest first.
    pub events: Vec<Value>,
    profile: PathBuf,
}

impl Browser {
    /// Starts Chromium at `executable` with a fresh profile folder, opens one blank page and
    /// enables the page, runtime, log and network event domains on it.
    ///
    /// # Panics
    /// When Chromium cannot be started or does not answer.
    pub fn start(executable: &Path, width: u32, height: u32) -> Browser {
        // One folder per browser: several may run at once in one test process.
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let number = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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
            .arg(format!("--window-size={width},{height}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", executable.display()));
        let input = child.stdin.take().expect("the child's stdin is piped");
        let output = child.stdout.take().expect("the child's stdout is piped");
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(output);
            let mut chunk = Vec::new();
            while reader.read_until(0, &mut chunk).is_ok_and(|n| n > 0) {
                chunk.pop_if(|b| *b == 0);
                if let Ok(message) = serde_json::from_slice::<Value>(&chunk)
                    && sender.send(message).is_err()
                {
                    break;
                }
                chunk.clear();
            }
        });
        let mut browser = Browser {
            child,
            input,
            messages,
            next_id: 1,
            session: String::new(),
            events: Vec::new(),
            profile,
        };
        let target = browser.call_browser("Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().unwrap_or_default().to_string();
        let attached = browser.call_browser(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        browser.session = attached["sessionId"]
            .as_str()
            .expect("Chromium attached to the page")
            .to_string();
        for domain in ["Page", "Runtime", "Log", "Network"] {
            browser.call(&format!("{domain}.enable"), json!({}));
        }
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
        browser
    }

    fn send(&mut self, method: &str, params: Value, session: Option<&str>) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = message.to_string().into_bytes();
        bytes.push(0);
        self.input
            .write_all(&bytes)
            .and_then(|()| self.input.flush())
            .unwrap_or_else(|e| panic!("Chromium stopped listening ({method}): {e}"));
        id
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
        let left = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => {
                panic!("Chromium did not answer {waiting_for} within {TIMEOUT:?}")
            }
            Err(RecvTimeoutError::Disconnected) => {
                panic!("Chromium exited while waiting for {waiting_for}")
            }
        }
    }

    fn call_browser(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, params, None);
        self.answer(id, method)
    }

    /// Sends a command to the page and returns its result.
    ///
    /// # Panics
    /// When Chromium answers with an error or not at all.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        let id = self.send(method, params, Some(&session));
        self.answer(id, method)
    }

    /// Waits for the page event `method` (one that arrived after the last
    /// [`Browser::take_events`]).
    ///
    /// # Panics
    /// When it does not come within [`TIMEOUT`].
    pub fn wait_for_event(&mut self, method: &str) {
        if self.events.iter().any(|e| e["method"] == method) {
            return;
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.receive(deadline, method);
            let found = message["method"] == method;
            self.events.push(message);
            if found {
                return;
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
    fn drop(&mut self) {
        let _ = self.send("Browser.close", json!({}), None);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
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
