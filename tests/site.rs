//! Reading the built HTML book: its pages, links, anchors and the resources it loads.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::workspace_root;

/// Builds the book once per test process and returns its output folder (`target/book`).
///
/// # Panics
/// When the book does not build.
pub fn built_book() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| book_tools::build(&workspace_root()).expect("the book builds"))
}

/// The HTML file of every page listed in `book/SUMMARY.md`, in reading order.
pub fn chapter_pages() -> Vec<String> {
    let summary =
        std::fs::read_to_string(workspace_root().join("book/SUMMARY.md")).unwrap_or_default();
    summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter_map(|link| link.strip_suffix(".md"))
        .map(|page| format!("{page}.html"))
        .collect()
}

/// The values of `attribute="…"` in every `<tag …>` of `html` (entities `&amp;` decoded).
pub fn attribute_values(html: &str, tag: &str, attribute: &str) -> Vec<String> {
    let open = format!("<{tag}");
    let needle = format!(" {attribute}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        rest = &rest[start + open.len()..];
        if !rest.starts_with([' ', '\n', '\t', '>']) {
            continue;
        }
        let tag_text = &rest[..rest.find('>').unwrap_or(rest.len())];
        if let Some(at) = tag_text.find(&needle) {
            let value = &tag_text[at + needle.len()..];
            let value = &value[..value.find('"').unwrap_or(value.len())];
            values.push(value.replace("&amp;", "&"));
        }
    }
    values
}

/// Every `id` in an HTML page.
pub fn ids(html: &str) -> HashSet<String> {
    let mut found = HashSet::new();
    let mut rest = html;
    while let Some(at) = rest.find(" id=\"") {
        rest = &rest[at + 5..];
        let end = rest.find('"').unwrap_or(rest.len());
        found.insert(rest[..end].replace("&amp;", "&"));
    }
    found
}

/// Decodes `%xx` escapes (links to headings with non-ASCII text are percent-encoded).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a link leaves the book (has a URL scheme such as `https:` or `mailto:`).
pub fn is_external(href: &str) -> bool {
    let scheme = href.split([':', '/', '#', '?']).next().unwrap_or_default();
    href.len() > scheme.len()
        && href[scheme.len()..].starts_with(':')
        && !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Checks one internal link of page `from` (a path relative to the book folder `book`):
/// the file it points to exists and, when it names an anchor, that page has an element
/// with that id. Returns the problem, if any.
pub fn check_link(book: &Path, from: &str, href: &str) -> Result<(), String> {
    let (path, fragment) = href.split_once('#').unwrap_or((href, ""));
    let path = path.split('?').next().unwrap_or_default();
    let target = if path.is_empty() {
        from.to_string()
    } else {
        let base = Path::new(from).parent().unwrap_or(Path::new(""));
        normalize(&base.join(percent_decode(path)))
    };
    let mut file = book.join(&target);
    if file.is_dir() {
        file = file.join("index.html");
    }
    if !file.is_file() {
        return Err(format!(
            "{from}: link `{href}`: no file {target} in the built book"
        ));
    }
    if fragment.is_empty() {
        return Ok(());
    }
    let html = std::fs::read_to_string(&file).unwrap_or_default();
    let anchor = percent_decode(fragment);
    if ids(&html).contains(&anchor) {
        Ok(())
    } else {
        Err(format!(
            "{from}: link `{href}`: {target} has no heading or element with id `{anchor}`"
        ))
    }
}

/// `a/./b/../c` → `a/c`, as a `/`-separated relative path.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

/// Every file under `dir` (recursively) whose name ends with one of `extensions`.
pub fn files_with_extension(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_with_extension(&path, extensions));
        } else if path
            .extension()
            .is_some_and(|e| extensions.iter().any(|x| e == *x))
        {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The resources a page or stylesheet would fetch from the network: `src`/`srcset` of any
/// element, `href` of `<link>`, and `url(…)`/`@import` in CSS, when they are http(s) URLs
/// (external links in the prose are fine and not listed).
pub fn remote_resources_in_html(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for tag in [
        "script", "img", "iframe", "source", "video", "audio", "embed", "input",
    ] {
        urls.extend(attribute_values(html, tag, "src"));
        urls.extend(attribute_values(html, tag, "srcset"));
    }
    urls.extend(attribute_values(html, "link", "href"));
    urls.extend(remote_resources_in_css(html));
    urls.retain(|u| is_remote(u));
    urls
}

/// `url(…)` and `@import` targets in CSS that are http(s) URLs.
pub fn remote_resources_in_css(css: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for marker in ["url(", "@import "] {
        let mut rest = css;
        while let Some(at) = rest.find(marker) {
            rest = &rest[at + marker.len()..];
            let value = rest.trim_start_matches(['"', '\'', ' ']);
            let end = value
                .find(['"', '\'', ')', ';', ' '])
                .unwrap_or(value.len());
            let url = &value[..end];
            if is_remote(url) {
                urls.push(url.to_string());
            }
        }
    }
    urls
}

/// http(s) URLs in JavaScript string literals that name a script, stylesheet or font, or a
/// CDN host (URLs in comments, such as a library's home page, are not loads).
pub fn remote_resources_in_js(js: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = js;
    while let Some(at) = rest.find("http") {
        let quoted = rest[..at].ends_with(['"', '\'', '`']);
        rest = &rest[at..];
        let end = rest
            .find(['"', '\'', '`', ' ', ')', '\n', '<', '>'])
            .unwrap_or(rest.len());
        let url = &rest[..end];
        let path = url.split(['?', '#']).next().unwrap_or_default();
        let loads_code_or_fonts = [".js", ".mjs", ".css", ".woff", ".woff2", ".ttf", ".otf"]
            .iter()
            .any(|ext| path.ends_with(ext));
        let cdn = ["cdn", "unpkg.com", "googleapis.com", "gstatic.com"]
            .iter()
            .any(|host| url.split('/').nth(2).is_some_and(|h| h.contains(host)));
        if quoted && is_remote(url) && (loads_code_or_fonts || cdn) {
            urls.push(url.to_string());
        }
        rest = &rest[end.max(1)..];
    }
    urls
}

/// The text of every `<pre><code …>…</code></pre>` block of `html`, tags removed and entities
/// decoded: what the reader sees in the code and output blocks (mdBook highlights code in the
/// browser, so the built file holds the plain text).
pub fn code_blocks(html: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<pre><code") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let Some(close) = rest.find("</code></pre>") else {
            break;
        };
        let inner = &rest[open_end + 1..close.max(open_end + 1)];
        let mut text = String::with_capacity(inner.len());
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        blocks.push(decode_entities(&text));
        rest = &rest[close + "</code></pre>".len()..];
    }
    blocks
}

/// `&lt;`, `&gt;`, `&quot;`, `&#39;`, `&#x27;` and `&amp;` decoded (what mdBook's markdown
/// renderer escapes in code).
fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

fn is_remote(url: &str) -> bool {
    let url = url.trim();
    url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_from_their_tags_only() {
        let html =
            r#"<a href="x.html#a">x</a><abbr href="no"><a class="c" href="y.html?a=1&amp;b=2">"#;
        assert_eq!(
            attribute_values(html, "a", "href"),
            vec!["x.html#a", "y.html?a=1&b=2"]
        );
    }

    #[test]
    fn code_blocks_are_plain_text() {
        let html = "<p>x</p><pre><code class=\"language-rust\">a &lt;b&gt; &amp;&amp; \
                    <span class=\"h\">c</span>\nd</code></pre><pre><code>e</code></pre>";
        assert_eq!(code_blocks(html), vec!["a <b> && c\nd", "e"]);
    }

    #[test]
    fn external_links_are_recognised() {
        assert!(is_external("https://insta.rs"));
        assert!(is_external("mailto:a@b.c"));
        assert!(!is_external("ch01-loss-functions.html#cross-entropy"));
        assert!(!is_external("#top"));
        assert!(!is_external("katex/katex.min.css"));
    }

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decode("a%20b%C3%A9"), "a bé");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn remote_scripts_styles_and_fonts_are_found() {
        let html = r#"<script src="https://cdn.example/x.js"></script><script src="book.js"></script>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/katex.css"><link href="css/a.css">
<a href="https://docs.rs/ndarray">docs</a><div style="background: url('https://x.org/i.png')">"#;
        assert_eq!(
            remote_resources_in_html(html),
            vec![
                "https://cdn.example/x.js",
                "https://cdn.jsdelivr.net/katex.css",
                "https://x.org/i.png"
            ]
        );
        let css =
            "@font-face{src:url(fonts/a.woff2)} @import url(\"https://fonts.googleapis.com/css\");";
        assert_eq!(
            remote_resources_in_css(css),
            vec!["https://fonts.googleapis.com/css"]
        );
        let js = "/* https://a.org/home.js */ fetch('https://play.rust-lang.org/meta/crates'); s.src = \"https://unpkg.com/x\"; load('https://a.org/lib.min.js')";
        assert_eq!(
            remote_resources_in_js(js),
            vec!["https://unpkg.com/x", "https://a.org/lib.min.js"]
        );
    }

    #[test]
    fn a_link_to_a_missing_anchor_is_named() {
        let dir = std::env::temp_dir().join(format!("book-links-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.html"), r#"<h2 id="gradient-checking">G</h2>"#).unwrap();
        assert_eq!(
            check_link(&dir, "b.html", "a.html#gradient-checking"),
            Ok(())
        );
        assert_eq!(check_link(&dir, "a.html", "#gradient-checking"), Ok(()));
        assert_eq!(
            check_link(&dir, "b.html", "a.html#epochs"),
            Err(
                "b.html: link `a.html#epochs`: a.html has no heading or element with id `epochs`"
                    .into()
            )
        );
        assert_eq!(
            check_link(&dir, "b.html", "c.html"),
            Err("b.html: link `c.html`: no file c.html in the built book".into())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
