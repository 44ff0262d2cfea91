//! The built book in a real browser: headless Chromium opens every chapter page straight from
//! the folder (`file://…/target/book/`, as a reader would with the network off) and checks that
//!
//! - the page logs no console error and throws no exception;
//! - every image (the figures are SVG images) has loaded, with a non-zero natural width;
//! - every internal link points to a page of the book, and to an anchor that page has;
//! - no raw `{{#` directive text is visible;
//! - the search box finds "backpropagation";
//! - no code or output block scrolls sideways, and the column holds exactly `CODE_COLUMNS`
//!   characters of code (the width `tests/book_pages.rs` checks every line against);
//! - nothing is requested from the network: every resource is a `file:` or `data:` URL.
//!
//! Each page is visited once, in one of several pages (tabs) of one Chromium at once: the
//! same visit runs the checkpoint and figure checks of `interactive.rs` (see [`page_visits`]).
//!
//! Screenshots of two pages go to `tests/artifacts/` (ignored by git). Without Chromium the
//! test is skipped with a message, except under `CI=true`, where it fails: CI installs
//! Debian's `chromium` (see `.ci/run`).

use std::path::Path;
use std::sync::OnceLock;

use book_tests::cdp::{Browser, chromium_or_skip, event_problems, in_parallel_pages};
use book_tests::site::{built_book, chapter_pages, check_link, is_external, percent_decode};
use book_tests::{CODE_COLUMNS, workspace_root};
use serde_json::Value;

/// The window: 1280 px wide, the width at which `interactive.rs` checks the figures.
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 900;

/// Pages whose screenshots are kept: the page, the id of the element to start from (the top
/// when empty), and the height to capture.
const SCREENSHOTS: &[(&str, &str, u32)] = &[
    ("introduction.html", "", 1400),
    (
        "ch01-loss-functions.html",
        "why-cross-entropy-for-classification",
        2400,
    ),
    (
        "ch02-backpropagation.html",
        "guide-differs-hand-trace-forward",
        1000,
    ),
    ("ch05-under-the-hood.html", "only-the-inked-pixels", 2600),
];

/// Runs in the page after load: images, links, visible text.
const INSPECT: &str = r#"(async () => {
  await document.fonts.ready;
  await Promise.all([...document.images].map(img => img.complete ? null :
    new Promise(done => { img.onload = done; img.onerror = done; })));
  return {
    images: [...document.images].map(img => ({
      src: img.getAttribute('src').slice(0, 60),
      alt: img.alt,
      loaded: img.complete && img.naturalWidth > 0,
    })),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    rawDirective: document.body.innerText.includes('{{#'),
    katex: document.querySelectorAll('.katex').length,
    // How many characters of code fit in a block's line, measured with a probe of 100.
    codeColumns: (() => {
      const code = document.querySelector('main pre > code');
      if (!code) return null;
      const probe = document.createElement('span');
      probe.textContent = 'x'.repeat(100);
      code.appendChild(probe);
      const width = probe.getBoundingClientRect().width / 100;
      probe.remove();
      const style = getComputedStyle(code);
      const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
      return Math.floor((code.clientWidth - padding) / width);
    })(),
    scrolling: [...document.querySelectorAll('main pre > code')]
      .filter(code => code.scrollWidth > code.clientWidth)
      .map(code => code.textContent.trim().split(String.fromCharCode(10))[0].slice(0, 60)),
    katexFontLoaded: document.fonts.check('16px KaTeX_Main'),
  };
})()"#;

/// Runs in the page: opens the search bar, types the query, waits for results (they come
/// when the search index has loaded: mdBook then searches the text in the bar), at most 5 s.
const SEARCH: &str = r#"(async () => {
  document.getElementById('mdbook-search-toggle').click();
  const bar = document.getElementById('mdbook-searchbar');
  const results = document.getElementById('mdbook-searchresults');
  const found = () => results.children.length > 0;
  bar.value = 'backpropagation';
  bar.dispatchEvent(new KeyboardEvent('keyup', { key: 'n' }));
  if (!found()) {
    await new Promise(done => {
      const observer = new MutationObserver(() => {
        if (found()) { observer.disconnect(); done(); }
      });
      observer.observe(results, { childList: true });
      setTimeout(() => { observer.disconnect(); done(); }, 5000);
    });
  }
  return [...results.querySelectorAll('a')].map(a => a.getAttribute('href'));
})()"#;

/// Pages loaded at once, each in its own tab of the one Chromium.
const TABS: usize = 3;

/// One visit of a page in the browser, shared by the tests that check pages as they are
/// loaded: this file's page test, and the checkpoint and figure tests of `interactive.rs`
/// (each chapter page is loaded once for all three, and once more for the checkpoint's
/// reload).
struct Visit {
    /// Problems of the page checks: fonts, images, links, raw directives, search.
    problems: Vec<String>,
    /// Whether the page shows a rendered formula.
    has_math: bool,
    /// What the checkpoint checks found (the chapters with a quiz).
    checkpoint: Option<Vec<String>>,
    /// What the figure checks found (chapter pages; not the print page).
    figures: Option<interactive::Figures>,
    /// Console errors, exceptions, failed loads and network requests during the visit.
    events: Vec<String>,
}

/// Every page of `SUMMARY.md` in reading order, then the print page, each visited once in
/// `TABS` pages of the one Chromium (the print page, the largest, first), at a 1280-px window.
fn page_visits(chromium: &Path) -> &'static [Visit] {
    static VISITS: OnceLock<Vec<Visit>> = OnceLock::new();
    VISITS.get_or_init(|| {
        let book = built_book();
        let base = format!("file://{}/", book.display());
        let pages = chapter_pages();
        assert!(pages.len() >= 10, "SUMMARY.md lists {} pages", pages.len());
        let order: Vec<&str> = std::iter::once("print.html")
            .chain(pages.iter().map(String::as_str))
            .collect();
        let mut visits =
            in_parallel_pages(chromium, (WIDTH, HEIGHT), TABS, &order, |browser, &page| {
                visit(browser, book, &base, page)
            });
        visits.rotate_left(1);
        visits
    })
}

/// One visit: the page checks and screenshots on the fresh page; then the checkpoint (which
/// answers its questions and reloads the page); then the figures, then the search.
fn visit(browser: &mut Browser, book: &Path, base: &str, page: &str) -> Visit {
    let mut problems = Vec::new();
    browser.take_events();
    browser.navigate(&format!("{base}{page}"));
    let found = browser.evaluate(INSPECT);
    let has_math = found["katex"].as_u64().unwrap_or(0) > 0;
    if has_math && found["katexFontLoaded"] != Value::Bool(true) {
        problems.push(format!("{page}: KaTeX's font did not load"));
    }
    check_images(page, &found, &mut problems);
    check_links(book, base, page, &found, &mut problems);
    check_code_width(page, &found, &mut problems);
    if found["rawDirective"] == Value::Bool(true) {
        problems.push(format!("{page}: raw `{{{{#` directive text is visible"));
    }
    if let Some(&(_, from, height)) = SCREENSHOTS.iter().find(|(name, ..)| *name == page) {
        save_screenshot(browser, page, from, height);
    }
    let mut events = Vec::new();
    let checkpoint = interactive::QUIZZES
        .iter()
        .find(|(quiz_page, _)| *quiz_page == page)
        .map(|&quiz| interactive::check_checkpoint(browser, book, quiz, &mut events));
    let figures = (page != "print.html").then(|| interactive::check_figures(browser, page));
    if page != "print.html" {
        let results = browser.evaluate(SEARCH);
        if results.as_array().is_none_or(Vec::is_empty) {
            problems.push(format!(
                "{page}: searching \"backpropagation\" found nothing"
            ));
        }
    }
    events.extend(browser.take_events());
    Visit {
        problems,
        has_math,
        checkpoint,
        figures,
        events: event_problems(page, &events),
    }
}

#[test]
fn every_page_works_in_a_real_browser() {
    let Some(chromium) = chromium_or_skip("the browser test") else {
        return;
    };
    let visits = page_visits(&chromium);
    let pages_with_math = visits.iter().filter(|visit| visit.has_math).count();
    assert!(pages_with_math > 0, "no page shows a rendered formula");
    let problems = visits
        .iter()
        .flat_map(|visit| visit.problems.iter().chain(&visit.events).cloned())
        .collect();
    let problems = book_tests::without_print_page_echoes(problems);
    assert!(
        problems.is_empty(),
        "in the browser:\n{}",
        problems.join("\n")
    );
}

/// No block scrolls sideways, and the column holds exactly [`CODE_COLUMNS`] characters (the
/// print page lays the book out without the sidebar, so only its scrolling is checked).
fn check_code_width(page: &str, found: &Value, problems: &mut Vec<String>) {
    for first_line in found["scrolling"].as_array().into_iter().flatten() {
        problems.push(format!(
            "{page}: a code block scrolls sideways (it starts `{}`)",
            first_line.as_str().unwrap_or_default()
        ));
    }
    if let Some(columns) = found["codeColumns"].as_u64()
        && page != "print.html"
        && usize::try_from(columns).ok() != Some(CODE_COLUMNS)
    {
        problems.push(format!(
            "{page}: a code line holds {columns} characters, but CODE_COLUMNS is \
             {CODE_COLUMNS}: measure again and update bookkit::fmt::COLUMNS"
        ));
    }
}

fn check_images(page: &str, found: &Value, problems: &mut Vec<String>) {
    for image in found["images"].as_array().into_iter().flatten() {
        if image["loaded"] != Value::Bool(true) {
            problems.push(format!(
                "{page}: image `{}` ({}) did not load",
                image["alt"].as_str().unwrap_or_default(),
                image["src"].as_str().unwrap_or_default()
            ));
        }
    }
}

fn check_links(book: &Path, base: &str, page: &str, found: &Value, problems: &mut Vec<String>) {
    for href in found["links"].as_array().into_iter().flatten() {
        let href = href.as_str().unwrap_or_default();
        if let Some(inside) = href.strip_prefix(base) {
            if let Err(problem) = check_link(book, page, inside) {
                problems.push(problem);
            }
        } else if !is_external(href) || href.starts_with("file:") {
            problems.push(format!("{page}: link `{href}` leaves the book's folder"));
        }
    }
}

fn save_screenshot(browser: &mut Browser, page: &str, from: &str, height: u32) {
    let top = if from.is_empty() {
        0.0
    } else {
        let script = format!(
            "document.getElementById('{from}').getBoundingClientRect().top + window.scrollY - 80"
        );
        browser.evaluate(&script).as_f64().unwrap_or(0.0)
    };
    let png = browser.screenshot(top, WIDTH, height);
    assert!(
        png.starts_with(b"\x89PNG"),
        "{page}: the screenshot is not a PNG"
    );
    let folder = workspace_root().join("tests/artifacts");
    std::fs::create_dir_all(&folder).expect("tests/artifacts can be created");
    let file = folder.join(percent_decode(page).replace(".html", ".png"));
    std::fs::write(&file, png).expect("the screenshot can be written");
    eprintln!("screenshot: {}", file.display());
}

// The interactive parts (the stepper, the checkpoints, figure sizes and enlarging), the
// playground and `cargo book serve`'s live reload, in this test binary so that the book is
// built once and one Chromium serves all browser tests (each in pages of its own).
#[path = "interactive.rs"]
mod interactive;
#[path = "playground.rs"]
mod playground;
#[path = "serve_reload.rs"]
mod serve_reload;

/// The tests whose checks run during [`page_visits`]: named to sort after the other tests, which
/// libtest starts in name order, so that while the page test makes the visits (in `TABS`
/// pages) the stepper, playground and live-reload tests run beside it, instead of these two
/// waiting for the visits on libtest's other thread.
mod visits {
    use std::io::Write;

    use book_tests::cdp::chromium_or_skip;

    use super::interactive;

    #[test]
    fn every_checkpoint_grades_right_and_wrong_answers() {
        let Some(chromium) = chromium_or_skip("the interactive test") else {
            return;
        };
        // interactive::check_checkpoint, run during the visit of each chapter page; the problems
        // of a page include what the browser saw during the whole visit.
        let visits = super::page_visits(&chromium);
        let mut checked = 0;
        let mut problems = Vec::new();
        for visit in visits {
            if let Some(found) = &visit.checkpoint {
                checked += 1;
                problems.extend(found.iter().chain(&visit.events).cloned());
            }
        }
        assert_eq!(checked, interactive::QUIZZES.len(), "checkpoints checked");
        assert!(
            problems.is_empty(),
            "the checkpoints in the browser:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn figure_text_is_legible_at_its_displayed_size() {
        let Some(chromium) = chromium_or_skip("the interactive test") else {
            return;
        };
        // interactive::check_figures, run during the visit of each chapter page; the problems of
        // a page include what the browser saw during the whole visit.
        let mut report = Vec::new();
        let mut problems = Vec::new();
        let mut figures = 0;
        for visit in super::page_visits(&chromium) {
            if let Some(found) = &visit.figures {
                report.extend(found.report.iter().cloned());
                problems.extend(found.problems.iter().chain(&visit.events).cloned());
                figures += found.count;
            }
        }
        let _ = writeln!(
            std::io::stderr(),
            "smallest figure text on a {}-px window:\n{}",
            super::WIDTH,
            report.join("\n")
        );
        assert!(figures >= 10, "only {figures} figures found");
        assert!(
            problems.is_empty(),
            "figure text too small:\n{}",
            problems.join("\n")
        );
    }
}
