//! `cargo book serve` in a real browser: a page open in Chromium reloads by itself after its
//! source is edited and the book rebuilt (the script the server adds to every page).

use std::path::Path;
use std::time::Duration;

use book_tests::cdp::{Browser, chromium_or_skip};
use book_tools::LiveServer;

/// The test's "book build": `src/page.md` becomes `site/page.html`.
fn build(src: &Path, site: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(src.join("page.md")).map_err(|e| e.to_string())?;
    let page = format!("<!DOCTYPE html><html><body><p id=\"text\">{text}</p></body></html>");
    std::fs::write(site.join("page.html"), page).map_err(|e| e.to_string())
}

#[test]
fn an_open_page_reloads_after_its_source_is_edited() {
    let Some(chromium) = chromium_or_skip("the live-reload test") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("book-serve-reload-{}", std::process::id()));
    let (src, site) = (dir.join("src"), dir.join("site"));
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(src.join("page.md"), "before the edit").unwrap();
    build(&src, &site).unwrap();
    let (s, t) = (src.clone(), site.clone());
    let server =
        LiveServer::start(&site, 0, std::slice::from_ref(&src), move || build(&s, &t)).unwrap();

    let mut browser = Browser::start(&chromium, 800, 600);
    browser.navigate(&format!("http://127.0.0.1:{}/page.html", server.port()));
    let text = r#"(document.getElementById("text") || {}).textContent || """#;
    assert_eq!(browser.evaluate(text), "before the edit");

    // The edit: the page reloads by itself (its load event), showing the new text.
    browser.take_events();
    std::fs::write(src.join("page.md"), "after the edit").unwrap();
    assert!(
        browser.event_within("Page.loadEventFired", Duration::from_secs(30)),
        "the page did not reload 30 s after the edit (build {})",
        server.version()
    );
    assert_eq!(browser.evaluate(text), "after the edit");
    assert_eq!(
        browser.evaluate("window.bookServeVersion"),
        serde_json::json!(2)
    );
    drop(browser);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
