//! The playground's answers to the page, as JSON text (written by hand: a few objects of
//! numbers and one string do not need a serialisation library in the `.wasm`).

use std::fmt::Write;

use ch03_training_loop::TrainError;

use crate::session::{
    DataChoice, MAX_EPOCHS, MAX_HIDDEN, MAX_LEARNING_RATE, MIN_LEARNING_RATE, Session, Settings,
};

/// A number as JSON: the shortest text that reads back as the same `f64`; NaN and infinities
/// (which JSON cannot hold) as `null`.
pub fn number(value: f64) -> String {
    if value.is_finite() {
        format!("{value:?}")
    } else {
        "null".to_string()
    }
}

/// A string as JSON, with quotes, backslashes and control characters escaped.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A list of numbers as a JSON array.
fn numbers(values: impl IntoIterator<Item = f64>, format: impl Fn(f64) -> String) -> String {
    let items: Vec<String> = values.into_iter().map(format).collect();
    format!("[{}]", items.join(","))
}

/// The settings as a JSON object (`data` is `"xor"`, `"noisy"` or `"missing"`).
pub fn settings(s: &Settings) -> String {
    let data = match s.data {
        DataChoice::Xor => "xor",
        DataChoice::NoisyXor => "noisy",
        DataChoice::XorWithMissing => "missing",
    };
    format!(
        "{{\"data\":\"{data}\",\"learningRate\":{},\"hidden\":{},\"batchSize\":{},\
         \"shuffled\":{},\"epochs\":{},\"seed\":{}}}",
        number(s.learning_rate),
        s.hidden,
        s.batch_size,
        s.shuffled,
        s.epochs,
        s.seed
    )
}

/// The chapter's settings for both data sets and the limits of every control.
pub fn defaults() -> String {
    let examples = |data: DataChoice| data.dataset().len();
    format!(
        "{{\"xor\":{},\"noisy\":{},\"limits\":{{\"learningRate\":[{},{}],\"hidden\":[1,{}],\
         \"epochs\":[1,{}],\"seed\":[0,{}],\"batchSize\":{{\"xor\":[1,{}],\"noisy\":[1,{}]}}}}}}",
        settings(&Settings::chapter(DataChoice::Xor)),
        settings(&Settings::chapter(DataChoice::NoisyXor)),
        number(MIN_LEARNING_RATE),
        number(MAX_LEARNING_RATE),
        MAX_HIDDEN,
        MAX_EPOCHS,
        u32::MAX,
        examples(DataChoice::Xor),
        examples(DataChoice::NoisyXor),
    )
}

/// A failure to start: `{"error": text}`.
pub fn error(error: &TrainError) -> String {
    format!("{{\"error\":{}}}", string(&error.to_string()))
}

/// A new run: its (clamped) settings, the data points `[x1, x2, target]` and the square the
/// grid covers.
pub fn started(session: &Session) -> String {
    let data = session.data();
    let points: Vec<String> = data
        .inputs
        .iter()
        .zip(&data.targets)
        .map(|(x, t)| {
            let value = |v: Option<&f64>| number(v.copied().unwrap_or(f64::NAN));
            format!(
                "[{},{},{}]",
                value(x.first()),
                value(x.get(1)),
                value(t.first())
            )
        })
        .collect();
    let (low, high) = session.settings().data.extent();
    format!(
        "{{\"settings\":{},\"points\":[{}],\"extent\":[{},{}]}}",
        settings(session.settings()),
        points.join(","),
        number(low),
        number(high)
    )
}

/// Progress after some epochs: the losses not reported before (from epoch `from`), the epoch
/// count, whether the run is over, its final loss (also as the text the chapter prints, 4
/// decimals), the error that stopped it, and the output grid (`cells` per side, 3 decimals).
pub fn progress(session: &Session, from: usize, cells: usize) -> String {
    let losses = session.losses();
    let new = losses.get(from..).unwrap_or_default();
    let last = losses.last().copied();
    let (final_loss, final_text) = match (session.is_done(), last) {
        (true, Some(loss)) => (number(loss), string(&format!("{loss:.4}"))),
        _ => ("null".to_string(), "null".to_string()),
    };
    let error = session
        .error()
        .map_or_else(|| "null".to_string(), |e| string(&e.to_string()));
    let (grid, grid_error) = match session.grid(cells) {
        Ok(grid) => (numbers(grid, |v| format!("{v:.3}")), "null".to_string()),
        Err(e) => ("[]".to_string(), string(&e.to_string())),
    };
    let error = if error == "null" { grid_error } else { error };
    format!(
        "{{\"from\":{from},\"losses\":{},\"epoch\":{},\"epochs\":{},\"done\":{},\
         \"finalLoss\":{final_loss},\"finalText\":{final_text},\"error\":{error},\
         \"cells\":{},\"grid\":{grid}}}",
        numbers(new.iter().copied(), number),
        losses.len(),
        session.settings().epochs,
        session.is_done(),
        cells.clamp(1, crate::session::MAX_CELLS),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_are_valid_json() {
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(1.0), "1.0");
        assert_eq!(number(1e308), "1e308");
        assert_eq!(number(f64::NAN), "null");
        assert_eq!(number(f64::NEG_INFINITY), "null");
        assert_eq!(
            string("a \"b\"\\\n\u{1}é"),
            "\"a \\\"b\\\"\\\\\\n\\u0001é\""
        );
    }
}
