//! The book's interactive parts in a real browser (headless Chromium over the DevTools pipe,
//! pages opened from the folder with every host name unresolvable, as in `browser.rs`):
//!
//! - the backpropagation stepper of Chapter 2 walks the whole trace, forward with the Next
//!   button and the → key, back with ←; every step shows the number of the `stepper_data`
//!   snapshot, writes it on the diagram and lights up the parts the snapshot names;
//! - "Predict the value" says wrong (and by how much) for a wrong number without revealing it,
//!   and right for the right one;
//! - every question of every chapter's checkpoint is answered wrong, then right; numeric
//!   answers are the chapter's facts; progress survives a reload (localStorage);
//! - no console error, no exception, nothing requested from the network;
//! - the text of every figure, at the size it is shown on a 1280-px window, is at least
//!   [`MIN_FIGURE_TEXT_PX`] (figures are drawn at the column width; every figure's smallest
//!   text size is printed), and a click on a figure enlarges it, Escape closes it again.
//!
//! The checkpoint and figure checks ([`check_checkpoint`], [`check_figures`]) run during
//! `browser.rs`'s one visit of each chapter page, whose tests (`visits::…`) assert them.
//!
//! Screenshots of the stepper go to `tests/artifacts/` (ignored by git).

use std::collections::BTreeSet;
use std::path::Path;

use book_tests::cdp::{Browser, chromium_or_skip, event_problems};
use book_tests::site::built_book;
use book_tests::workspace_root;
use book_tools::Workspace;
use serde_json::{Value, json};

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 900;

/// The smallest text a figure may show, in CSS pixels at its displayed size.
const MIN_FIGURE_TEXT_PX: f64 = 11.0;

/// The chapters with a checkpoint quiz: (page, quiz name).
pub(crate) const QUIZZES: &[(&str, &str)] = &[
    ("ch01-loss-functions.html", "ch01"),
    ("ch02-backpropagation.html", "ch02"),
    ("ch03-training-loop.html", "ch03"),
    ("ch04-training-in-practice.html", "ch04"),
    ("ch05-mnist.html", "ch05"),
];

/// Presses a key in the page, as a reader would.
fn press(browser: &mut Browser, key: &str, code: u32) {
    for kind in ["keyDown", "keyUp"] {
        browser.call(
            "Input.dispatchKeyEvent",
            json!({"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code}),
        );
    }
}

/// What the stepper shows now.
const STEPPER_STATE: &str = r#"(() => {
  const root = document.querySelector('.bp-stepper');
  const slots = {};
  root.querySelectorAll('.bp-slot').forEach(t => { slots[t.dataset.slot] = t.textContent; });
  return {
    step: Number(root.dataset.step),
    result: (root.querySelector('.bp-result') || {}).textContent || null,
    numbers: root.querySelector('.bp-numbers').textContent,
    lit: [...root.querySelectorAll('.bp-on')].map(e => e.dataset.part),
    slots,
    predictRowHidden: root.querySelector('.bp-predict-row').hidden,
    feedback: root.querySelector('.bp-feedback').textContent,
    verdict: root.querySelector('.bp-feedback').dataset.verdict || null,
    page: location.pathname.split('/').pop(),
  };
})()"#;

fn click(browser: &mut Browser, selector: &str) {
    browser.evaluate(&format!(
        "document.querySelector({}).click()",
        serde_json::to_string(selector).unwrap_or_default()
    ));
}

#[test]
fn the_stepper_walks_the_trace_with_the_snapshot_numbers() {
    let Some(chromium) = chromium_or_skip("the interactive test") else {
        return;
    };
    let workspace = Workspace::new(&workspace_root());
    let snapshot = workspace
        .snapshot("ch02-backpropagation", "stepper_data")
        .expect("the stepper_data snapshot exists");
    let data = book_tools::stepper::parse(&snapshot).expect("the snapshot parses");
    let steps = data["steps"].as_array().expect("steps").clone();
    assert!(steps.len() > 20, "only {} steps", steps.len());

    let book = built_book();
    let page = "ch02-backpropagation.html";
    let mut browser = Browser::start(&chromium, WIDTH, HEIGHT);
    browser.take_events();
    browser.navigate(&format!("file://{}/{page}", book.display()));
    let mut problems = Vec::new();

    let start = browser.evaluate(STEPPER_STATE);
    assert_eq!(start["step"], -1, "the stepper starts before step 1");
    assert_eq!(start["slots"]["x0-h0.w"], "w = 0.1", "{start}");
    assert_eq!(start["slots"]["h0.z"], "", "nothing computed yet: {start}");

    // Forward through the whole trace: Next for the even steps, the → key for the odd ones.
    browser.evaluate("document.querySelector('.bp-stepper').focus()");
    for (index, step) in steps.iter().enumerate() {
        if index % 2 == 0 {
            click(&mut browser, ".bp-next");
            browser.evaluate("document.querySelector('.bp-stepper').focus()");
        } else {
            press(&mut browser, "ArrowRight", 39);
        }
        let shown = browser.evaluate(STEPPER_STATE);
        let text = |key: &str| step[key].as_str().unwrap_or_default().to_string();
        if shown["step"] != json!(index) || shown["page"] != page {
            problems.push(format!("step {}: the stepper shows {shown}", index + 1));
            break;
        }
        if shown["result"] != json!(text("value")) {
            problems.push(format!(
                "step {} ({}): shows {}, the snapshot says {}",
                index + 1,
                text("name"),
                shown["result"],
                text("value")
            ));
        }
        let on_diagram = shown["slots"][text("slot")].as_str().unwrap_or_default();
        if !on_diagram.ends_with(&format!(" = {}", text("value"))) {
            problems.push(format!(
                "step {}: the diagram's {} reads `{on_diagram}`, not {}",
                index + 1,
                text("slot"),
                text("value")
            ));
        }
        if !shown["numbers"]
            .as_str()
            .unwrap_or_default()
            .contains(&text("numbers"))
        {
            problems.push(format!(
                "step {}: the formula lacks the numbers `{}`: {}",
                index + 1,
                text("numbers"),
                shown["numbers"]
            ));
        }
        let lit: BTreeSet<String> = shown["lit"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let expected: BTreeSet<String> = text("highlight")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        if lit != expected {
            problems.push(format!(
                "step {}: lights up {lit:?}, the snapshot names {expected:?}",
                index + 1
            ));
        }
        if index == 9 {
            save_screenshot(&mut browser, ".bp-stepper", "ch02-stepper.png");
        }
    }
    // Back with the ← key: one step, and the page stays (mdBook would turn it).
    press(&mut browser, "ArrowLeft", 37);
    let back = browser.evaluate(STEPPER_STATE);
    if back["step"] != json!(steps.len() - 2) || back["page"] != page {
        problems.push(format!("← did not go one step back: {back}"));
    }
    // Back to the start with the Back button.
    for _ in 0..steps.len() {
        click(&mut browser, ".bp-back");
    }
    assert_eq!(browser.evaluate(STEPPER_STATE)["step"], -1);

    // Predict the value: wrong, then right.
    click(&mut browser, ".bp-predict");
    click(&mut browser, ".bp-next");
    let first = &steps[0];
    let value: f64 = first["value"]
        .as_str()
        .and_then(|v| v.parse().ok())
        .expect("a number");
    let hidden = browser.evaluate(STEPPER_STATE);
    if hidden["result"] != "?" || hidden["predictRowHidden"] != false {
        problems.push(format!("predict mode shows the answer first: {hidden}"));
    }
    if hidden["slots"][first["slot"].as_str().unwrap_or_default()] != "" {
        problems.push(format!(
            "predict mode shows the value on the diagram: {hidden}"
        ));
    }
    let guess = |browser: &mut Browser, text: &str| {
        browser.evaluate(&format!(
            "(() => {{ const g = document.querySelector('.bp-guess'); g.value = {}; \
             document.querySelector('.bp-check').click(); }})()",
            serde_json::to_string(text).unwrap_or_default()
        ));
        browser.evaluate(STEPPER_STATE)
    };
    let wrong = guess(&mut browser, &format!("{:.4}", value + 0.25));
    if wrong["verdict"] != "wrong"
        || wrong["result"] != "?"
        || !wrong["feedback"]
            .as_str()
            .unwrap_or_default()
            .contains("too high by 0.2500")
    {
        problems.push(format!("a wrong prediction: {wrong}"));
    }
    save_screenshot(&mut browser, ".bp-stepper", "ch02-stepper-predict.png");
    let not_a_number = guess(&mut browser, "zero point seven");
    if not_a_number["verdict"] != "invalid" {
        problems.push(format!("a guess that is not a number: {not_a_number}"));
    }
    let right = guess(&mut browser, first["value"].as_str().unwrap_or_default());
    if right["verdict"] != "right" || right["result"] != first["value"] {
        problems.push(format!("a right prediction: {right}"));
    }
    problems.extend(event_problems(page, &browser.take_events()));
    assert!(
        problems.is_empty(),
        "the stepper in the browser:\n{}",
        problems.join("\n")
    );
}

/// Saves a screenshot of 760 pixels from the element `selector` down to `tests/artifacts/`.
fn save_screenshot(browser: &mut Browser, selector: &str, name: &str) {
    let script = format!(
        "document.querySelector({}).getBoundingClientRect().top + window.scrollY - 20",
        serde_json::to_string(selector).unwrap_or_default()
    );
    let top = browser.evaluate(&script).as_f64().unwrap_or(0.0);
    let png = browser.screenshot(top, WIDTH, 760);
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
    let folder = workspace_root().join("tests/artifacts");
    std::fs::create_dir_all(&folder).expect("tests/artifacts can be created");
    std::fs::write(folder.join(name), png).expect("the screenshot can be written");
}

/// The `{{#fact crate key}}` of each numeric question of a quiz file, in order (`None` for a
/// multiple-choice question).
fn quiz_facts(name: &str) -> Vec<Option<(String, String)>> {
    let text = std::fs::read_to_string(workspace_root().join(format!("book/quizzes/{name}.toml")))
        .expect("the quiz file exists");
    let mut facts = Vec::new();
    for line in text.lines() {
        if line.trim() == "[[question]]" {
            facts.push(None);
        } else if let Some(directive) = line.trim().strip_prefix("number = ") {
            let inner = directive.trim_matches(['"', '{', '}', '#']);
            let mut words = inner.split_whitespace().skip(1);
            if let (Some(package), Some(key), Some(last)) =
                (words.next(), words.next(), facts.last_mut())
            {
                *last = Some((package.to_string(), key.to_string()));
            }
        }
    }
    facts
}

/// Answers question `index` of the page's quiz: the choice `choice` or the number `number`.
fn answer_script(index: usize, choice: Option<usize>, number: Option<&str>) -> String {
    format!(
        r#"(() => {{
  const q = document.querySelectorAll('.quiz-question')[{index}];
  const choice = {choice};
  const number = {number};
  if (choice !== null) q.querySelectorAll('.quiz-choice')[choice].click();
  if (number !== null) q.querySelector('.quiz-input').value = number;
  q.querySelector('.quiz-check').click();
  const details = q.querySelector('.quiz-explanation');
  return {{
    verdict: q.querySelector('.quiz-feedback').dataset.verdict || null,
    feedback: q.querySelector('.quiz-feedback').textContent,
    explained: !details.hidden && details.open && details.innerText.length > 20,
    links: [...details.querySelectorAll('a')].map(a => a.getAttribute('href')),
  }};
}})()"#,
        choice = choice.map_or("null".to_string(), |c| c.to_string()),
        number = number.map_or("null".to_string(), |n| {
            serde_json::to_string(n).unwrap_or_default()
        }),
    )
}

/// The checkpoint checks on the page open in `browser`, freshly loaded from `book` (no
/// question answered yet): every question of quiz `name` is answered wrong, then right, the
/// progress line counts them, and a reload keeps it. The page's events up to the reload are
/// handed over in `events` (the caller collects the rest).
pub(crate) fn check_checkpoint(
    browser: &mut Browser,
    book: &Path,
    (page, name): (&str, &str),
    events: &mut Vec<Value>,
) -> Vec<String> {
    let workspace = Workspace::new(&workspace_root());
    let mut problems = Vec::new();
    let facts = quiz_facts(name);
    let questions = browser.evaluate(
        "[...document.querySelectorAll('.quiz-question')].map(q => ({kind: q.dataset.kind, \
     answer: q.dataset.answer, choices: q.querySelectorAll('.quiz-choice').length, \
     hidden: q.querySelector('.quiz-explanation').hidden}))",
    );
    let questions = questions.as_array().cloned().unwrap_or_default();
    if questions.len() != facts.len() || !(3..=6).contains(&questions.len()) {
        problems.push(format!(
            "{page}: {} questions shown, {} in book/quizzes/{name}.toml",
            questions.len(),
            facts.len()
        ));
        return problems;
    }
    for (index, (question, fact)) in questions.iter().zip(&facts).enumerate() {
        let label = format!("{page}: question {}", index + 1);
        if question["hidden"] != true {
            problems.push(format!("{label}: the answer shows before answering"));
        }
        let answer = question["answer"].as_str().unwrap_or_default().to_string();
        let (wrong, right) = match (question["kind"].as_str(), fact) {
            (Some("number"), Some((package, key))) => {
                let expected = workspace
                    .facts(package)
                    .ok()
                    .and_then(|mut facts| facts.remove(key));
                if expected.as_deref() != Some(answer.as_str()) {
                    problems.push(format!(
                        "{label}: answer {answer}, fact {package} {key} is {expected:?}"
                    ));
                }
                let value: f64 = answer.parse().unwrap_or(0.0);
                let wrong = format!("{}", value + 1.0);
                (
                    answer_script(index, None, Some(&wrong)),
                    answer_script(index, None, Some(&answer)),
                )
            }
            (Some("choice"), None) => {
                let right: usize = answer.parse().unwrap_or(usize::MAX);
                let count = question["choices"].as_u64().unwrap_or(0) as usize;
                if right >= count {
                    problems.push(format!("{label}: answer {answer} of {count} choices"));
                    continue;
                }
                (
                    answer_script(index, Some((right + 1) % count), None),
                    answer_script(index, Some(right), None),
                )
            }
            other => {
                problems.push(format!("{label}: unexpected kind and fact {other:?}"));
                continue;
            }
        };
        let said = browser.evaluate(&wrong);
        if said["verdict"] != "wrong" || said["explained"] != true {
            problems.push(format!("{label}: a wrong answer gives {said}"));
        }
        let said = browser.evaluate(&right);
        if said["verdict"] != "right" || said["explained"] != true {
            problems.push(format!("{label}: the right answer gives {said}"));
        }
        if said["links"].as_array().is_none_or(Vec::is_empty) {
            problems.push(format!("{label}: the explanation links to no section"));
        }
    }
    if name == "ch03" {
        save_screenshot(browser, ".quiz", "ch03-checkpoint.png");
    }
    let progress = browser.evaluate("document.querySelector('.quiz-progress').textContent");
    let all = format!("{0} of {0} answered right", questions.len());
    if !progress.as_str().unwrap_or_default().starts_with(&all) {
        problems.push(format!("{page}: progress reads {progress}, not `{all}`"));
    }
    // Collected now: `navigate` waits for a load event newer than the last collection.
    events.extend(browser.take_events());
    browser.navigate(&format!("file://{}/{page}", book.display()));
    let kept = browser.evaluate("document.querySelector('.quiz-progress').textContent");
    if !kept.as_str().unwrap_or_default().starts_with(&all) {
        problems.push(format!("{page}: after a reload the progress reads {kept}"));
    }
    problems
}

/// Every figure's smallest text at its displayed size: (alt text, smallest px, scale).
const FIGURE_TEXT: &str = r#"(async () => {
  await Promise.all([...document.images].map(img => img.complete ? null :
    new Promise(done => { img.onload = done; img.onerror = done; })));
  return [...document.querySelectorAll('.book-figure img')].map(img => {
    const src = img.getAttribute('src');
    const svg = new DOMParser().parseFromString(atob(src.slice(src.indexOf(',') + 1)),
      'image/svg+xml').documentElement;
    const box = (svg.getAttribute('viewBox') || '').split(/[ ,]+/).map(Number);
    const width = box.length === 4 && box[2] > 0 ? box[2] : Number(svg.getAttribute('width'));
    const scale = img.getBoundingClientRect().width / width;
    const sizes = [...svg.querySelectorAll('text')].map(t =>
      parseFloat(t.getAttribute('font-size') || t.style.fontSize || '16'));
    return { alt: img.alt, smallest: Math.min(...sizes) * scale, scale };
  });
})()"#;

/// Clicks the page's last figure: how wide it is shown, and how wide the enlarged copy is.
const ENLARGE_FIGURE: &str = r#"(() => {
  const imgs = document.querySelectorAll('.book-figure img');
  const img = imgs[imgs.length - 1];
  img.scrollIntoView();
  img.click();
  const large = document.querySelector('.figure-zoom img');
  return {
    shown: img.getBoundingClientRect().width,
    enlarged: large ? large.getBoundingClientRect().width : 0,
    fits: large ? large.getBoundingClientRect().left >= 0
      && large.getBoundingClientRect().right <= innerWidth : false,
    focused: document.activeElement === document.querySelector('.figure-zoom'),
  };
})()"#;

/// Whether an enlarged figure is open.
const FIGURE_OPEN: &str = "document.querySelector('.figure-zoom') !== null";

/// What the figure checks found on one page.
pub(crate) struct Figures {
    /// One line per figure (its smallest text) and per enlarged figure.
    pub(crate) report: Vec<String>,
    /// Figures with too small text, or that do not enlarge and close.
    pub(crate) problems: Vec<String>,
    /// How many figures the page shows.
    pub(crate) count: usize,
}

/// The figure checks on the page open in `browser` (at a [`WIDTH`]-px window): every
/// figure's smallest text at its displayed size, and a click on the last figure enlarges it
/// within the window, Escape closes it.
pub(crate) fn check_figures(browser: &mut Browser, page: &str) -> Figures {
    let mut report = Vec::new();
    let mut problems = Vec::new();
    let found = browser.evaluate(FIGURE_TEXT);
    let figures = found.as_array().cloned().unwrap_or_default();
    for figure in &figures {
        let alt = figure["alt"].as_str().unwrap_or_default();
        let smallest = figure["smallest"].as_f64().unwrap_or(0.0);
        let short: String = alt.chars().take(60).collect();
        report.push(format!(
            "{page}: {smallest:.1} px (scale {:.2}): {short}…",
            figure["scale"].as_f64().unwrap_or(0.0)
        ));
        if smallest < MIN_FIGURE_TEXT_PX {
            problems.push(format!(
                "{page}: figure `{short}…` shows text at {smallest:.1} px, below \
                 {MIN_FIGURE_TEXT_PX} px: draw it at the column width \
                 (bookkit::plot::COLUMN_WIDTH) with text of at least plot::TEXT_SIZE"
            ));
        }
    }
    if !figures.is_empty() {
        // Click-to-enlarge (theme/figures.js): larger than in the column, within the
        // window's width, closed by Escape.
        let zoom = browser.evaluate(ENLARGE_FIGURE);
        let (shown, enlarged) = (
            zoom["shown"].as_f64().unwrap_or(0.0),
            zoom["enlarged"].as_f64().unwrap_or(0.0),
        );
        if enlarged <= shown || zoom["fits"] != true || zoom["focused"] != true {
            problems.push(format!(
                "{page}: a click on a figure should enlarge it in the window: {zoom}"
            ));
        }
        press(browser, "Escape", 27);
        if browser.evaluate(FIGURE_OPEN) != true {
            report.push(format!(
                "{page}: figure enlarged from {shown:.0} px to {enlarged:.0} px, closed by Escape"
            ));
        } else {
            problems.push(format!("{page}: Escape did not close the enlarged figure"));
        }
    }
    Figures {
        report,
        problems,
        count: figures.len(),
    }
}

#[test]
fn quiz_data_types_no_number_by_hand() {
    let dir = workspace_root().join("book/quizzes");
    let mut problems = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir)
        .expect("book/quizzes exists")
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        files += 1;
        for number in book_tests::long_decimals(&book_tests::hand_written_text(&text)) {
            problems.push(format!(
                "book/quizzes/{}: literal number {number}: use a {{{{#fact …}}}}",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    assert_eq!(files, QUIZZES.len(), "one quiz file per checkpoint");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
