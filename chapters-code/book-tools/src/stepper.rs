//! The `{{#stepper <crate> <listing>}}` directive: a listing's snapshot, written as blocks of
//! `key: value` lines separated by blank lines, embedded in the page as JSON data for the
//! backpropagation stepper (`theme/stepper.js`), with a container the script draws into.
//!
//! The first block holds the given values (`phase: given`, then `<slot>: <number>` lines);
//! every later block is one step with the keys of [`STEP_KEYS`]. Without JavaScript the page
//! keeps its static figure and the container only says that the stepper needs a script.

use serde_json::{Map, Value};

use crate::directives::Workspace;

/// The keys every step block must have.
pub const STEP_KEYS: [&str; 8] = [
    "phase",
    "title",
    "highlight",
    "formula",
    "numbers",
    "name",
    "value",
    "slot",
];

/// The data of the stepper: `{"given": {slot: number, …}, "steps": [{key: text, …}, …]}`.
///
/// # Errors
/// Names the block and the problem: a line without `: `, a missing key, a value that is not a
/// number, or no step at all.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut blocks = text
        .split("\n\n")
        .map(str::trim)
        .filter(|block| !block.is_empty());
    let given_block = blocks
        .next()
        .ok_or_else(|| "the stepper data is empty".to_string())?;
    let given = key_values(given_block)?;
    if given.get("phase").and_then(Value::as_str) != Some("given") {
        return Err("the first block of the stepper data must start with `phase: given`".into());
    }
    let mut given_numbers = Map::new();
    for (key, value) in given.into_iter().filter(|(key, _)| key != "phase") {
        let text = value.as_str().unwrap_or_default();
        let number =
            number(text).ok_or_else(|| format!("given `{key}: {text}` is not a number"))?;
        given_numbers.insert(key, number);
    }
    let mut steps = Vec::new();
    for (index, block) in blocks.enumerate() {
        let step = key_values(block)?;
        for key in STEP_KEYS {
            if !step.contains_key(key) {
                return Err(format!("step {} has no `{key}:` line", index + 1));
            }
        }
        let value = step["value"].as_str().unwrap_or_default();
        if number(value).is_none() {
            return Err(format!(
                "step {}: `value: {value}` is not a number",
                index + 1
            ));
        }
        steps.push(Value::Object(step));
    }
    if steps.is_empty() {
        return Err("the stepper data has no step after the given values".to_string());
    }
    let mut data = Map::new();
    data.insert("given".to_string(), Value::Object(given_numbers));
    data.insert("steps".to_string(), Value::Array(steps));
    Ok(Value::Object(data))
}

fn key_values(block: &str) -> Result<Map<String, Value>, String> {
    let mut map = Map::new();
    for line in block.lines() {
        let (key, value) = line
            .split_once(": ")
            .ok_or_else(|| format!("stepper data line `{line}` is not `key: value`"))?;
        map.insert(
            key.trim().to_string(),
            Value::String(value.trim().to_string()),
        );
    }
    Ok(map)
}

/// A finite number written in the data, as JSON.
fn number(text: &str) -> Option<Value> {
    text.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
}

/// JSON that can sit inside a `<script>` element and pass through the math and markdown
/// passes untouched: `<`, `>`, `&`, `$`, `` ` `` and `\` inside strings become `\u` escapes
/// (`JSON.parse` reads them back).
pub fn script_safe_json(value: &Value) -> String {
    let json = value.to_string();
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            if escaped {
                escaped = false;
                if c == '\\' {
                    // An escaped backslash: written as \u005c so no pass sees a backslash.
                    out.pop();
                    out.push_str("\\u005c");
                    continue;
                }
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            match c {
                '<' | '>' | '&' | '$' | '`' => out.push_str(&format!("\\u{:04x}", c as u32)),
                _ => out.push(c),
            }
        } else {
            if c == '"' {
                in_string = true;
            }
            out.push(c);
        }
    }
    out
}

/// The HTML of `{{#stepper <package> <listing>}}`.
///
/// # Errors
/// When the snapshot is missing or its data is malformed.
pub fn expand(workspace: &Workspace, package: &str, listing: &str) -> Result<String, String> {
    let text = workspace.snapshot(package, listing)?;
    let data = parse(&text).map_err(|problem| {
        format!("chapters-code/{package}/snapshots/{listing}.snap: {problem}")
    })?;
    Ok(format!(
        "<div class=\"bp-stepper\" data-listing=\"{package} {listing}\">\
         <script type=\"application/json\" class=\"bp-stepper-data\">{}</script>\
         <noscript><p class=\"bp-stepper-fallback\">The interactive stepper needs JavaScript: \
         the figure above shows the whole trace, and the steps below print every number.</p>\
         </noscript></div>",
        script_safe_json(&data)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = "phase: given\nx0.v: 1\n\nphase: forward\ntitle: t\nhighlight: x0\n\
                        formula: z = w·x\nnumbers: 0.1·1\nname: z\nvalue: 0.1000\nslot: h0.z\n";

    #[test]
    fn blocks_become_given_numbers_and_steps() {
        let data = parse(DATA).unwrap();
        assert_eq!(data["given"]["x0.v"], 1.0);
        assert_eq!(data["steps"][0]["value"], "0.1000");
        assert_eq!(data["steps"][0]["formula"], "z = w·x");
    }

    #[test]
    fn malformed_data_is_an_error_naming_the_problem() {
        assert!(parse("").unwrap_err().contains("empty"));
        assert!(
            parse("phase: forward")
                .unwrap_err()
                .contains("phase: given")
        );
        assert!(
            parse("phase: given\nx: y")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(parse("phase: given\nx: 1").unwrap_err().contains("no step"));
        let missing = DATA.replace("slot: h0.z\n", "");
        assert!(parse(&missing).unwrap_err().contains("no `slot:`"));
        let not_a_number = DATA.replace("value: 0.1000", "value: NaN");
        assert!(parse(&not_a_number).unwrap_err().contains("not a number"));
        assert!(
            parse("phase: given\nno colon")
                .unwrap_err()
                .contains("key: value")
        );
    }

    #[test]
    fn json_in_the_page_hides_characters_other_passes_would_touch() {
        let value = serde_json::json!({"a": "</script> $x$ `c` & \\ \"q\""});
        let safe = script_safe_json(&value);
        for c in ['<', '>', '$', '`', '&'] {
            assert!(!safe.contains(c), "{safe}");
        }
        assert_eq!(
            serde_json::from_str::<Value>(&safe).unwrap(),
            value,
            "{safe}"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_errs_without_panic(text in ".{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn any_string_survives_the_script_escaping(text in ".{0,100}") {
            let value = Value::String(text);
            let safe = script_safe_json(&value);
            proptest::prop_assert_eq!(serde_json::from_str::<Value>(&safe).unwrap(), value);
        }
    }
}
