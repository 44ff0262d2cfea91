//! `cargo book serve` as a reader meets it: several connections at once (one of them idle),
//! a page edited, the rebuilt page served and the version the open pages poll changed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use book_tools::LiveServer;
use book_tools::serve::{DEBOUNCE, RELOAD_SCRIPT_PATH, VERSION_PATH};

/// `GET path` on its own connection; the status code and the body.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The "book build" of this test: `src/page.md` becomes `site/page.html`.
fn build(src: &Path, site: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(src.join("page.md")).map_err(|e| e.to_string())?;
    std::fs::write(
        site.join("page.html"),
        format!("<html><body><p>{text}</p></body></html>"),
    )
    .map_err(|e| e.to_string())
}

#[test]
fn serves_concurrently_rebuilds_on_change_and_bumps_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let (src, site) = (dir.path().join("src"), dir.path().join("site"));
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(src.join("page.md"), "first text").unwrap();
    std::fs::write(site.join("other.html"), "<html><body>other</body></html>").unwrap();
    build(&src, &site).unwrap();

    // Every rebuild the server starts is reported on `rebuilds`, with its result.
    let (s, t) = (src.clone(), site.clone());
    let (rebuilt, rebuilds) = mpsc::channel();
    let server = LiveServer::start(&site, 0, std::slice::from_ref(&src), move || {
        let result = build(&s, &t);
        let _ = rebuilt.send(result.clone());
        result
    })
    .expect("the server starts on a free port");
    let port = server.port();
    assert_ne!(port, 0);

    // One connection that sends nothing, one that stops in the middle of its request.
    let _idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut half = TcpStream::connect(("127.0.0.1", port)).unwrap();
    half.write_all(b"GET /page.html HTTP/1.1\r\nHost: x\r\n")
        .unwrap();

    // Two pages at once, answered while those connections wait.
    let started = Instant::now();
    let pages: Vec<(u16, String)> = std::thread::scope(|scope| {
        let a = scope.spawn(|| get(port, "/page.html"));
        let b = scope.spawn(|| get(port, "/other.html"));
        vec![a.join().unwrap(), b.join().unwrap()]
    });
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(pages[0].0, 200);
    assert!(pages[0].1.contains("<p>first text</p>"), "{}", pages[0].1);
    assert!(
        pages[0]
            .1
            .contains("<script>window.bookServeVersion = 1;</script>"),
        "{}",
        pages[0].1
    );
    assert!(pages[0].1.contains(RELOAD_SCRIPT_PATH), "{}", pages[0].1);
    assert_eq!(pages[1].0, 200);
    assert!(pages[1].1.contains("other"));
    let (status, script) = get(port, RELOAD_SCRIPT_PATH);
    assert_eq!(status, 200);
    assert!(script.contains(VERSION_PATH) && script.contains("location.reload()"));
    assert_eq!(get(port, VERSION_PATH), (200, "1".to_string()));
    assert_eq!(get(port, "/../secret").0, 404);
    assert_eq!(get(port, "/missing.html").0, 404);

    // The reader edits the page: the book is rebuilt and the version the pages poll changes.
    std::fs::write(src.join("page.md"), "second text").unwrap();
    let rebuild = rebuilds.recv_timeout(Duration::from_secs(30));
    assert_eq!(rebuild, Ok(Ok(())), "no rebuild 30 s after the edit");
    // The version changes just after the rebuild returns.
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(port, VERSION_PATH).1 == "1" {
        assert!(
            Instant::now() < deadline,
            "no new version 30 s after the rebuild"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(server.version(), 2);
    let (status, page) = get(port, "/page.html");
    assert_eq!(status, 200);
    assert!(page.contains("<p>second text</p>"), "{page}");
    assert!(page.contains("window.bookServeVersion = 2;"), "{page}");

    // Reading a source (as every build does) is not a change: no rebuild starts, though a
    // change would have started one after DEBOUNCE.
    std::fs::read(src.join("page.md")).unwrap();
    let quiet = 2 * DEBOUNCE + Duration::from_millis(200);
    assert_eq!(
        rebuilds.recv_timeout(quiet),
        Err(RecvTimeoutError::Timeout),
        "reading a source started a rebuild"
    );
    assert_eq!(get(port, VERSION_PATH).1, "2");

    // A failed rebuild keeps the last good build and its version.
    std::fs::remove_file(src.join("page.md")).unwrap();
    let rebuild = rebuilds.recv_timeout(Duration::from_secs(30));
    assert!(
        matches!(rebuild, Ok(Err(_))),
        "removing the page should start a rebuild that fails: {rebuild:?}"
    );
    assert_eq!(get(port, VERSION_PATH).1, "2");
    assert!(get(port, "/page.html").1.contains("second text"));
    // The next good rebuild is version 3: the failed one did not count, even late.
    std::fs::write(src.join("page.md"), "third text").unwrap();
    assert_eq!(rebuilds.recv_timeout(Duration::from_secs(30)), Ok(Ok(())));
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(port, VERSION_PATH).1 == "2" {
        assert!(
            Instant::now() < deadline,
            "no new version 30 s after the rebuild"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(get(port, VERSION_PATH).1, "3");
    assert!(get(port, "/page.html").1.contains("third text"));

    drop(half);
    server.stop();
}
