//! The `mnist-classify` command: classify one digit with a saved model.

use std::path::PathBuf;

use crate::data::{self, PIXELS, SIDE, TEST_IMAGES, TEST_LABELS};
use crate::train::Classifier;
use crate::{idx, model, pgm};

/// The usage line of the command.
pub const USAGE: &str = "usage: cargo run -p ch05-mnist --bin mnist-classify -- [--model m.bpnn] (--index N | digit.pgm)";

/// Which image to classify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// Image `N` of the MNIST test file.
    TestIndex(usize),
    /// A 28 × 28 PGM file.
    Pgm(PathBuf),
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The model file.
    pub model: PathBuf,
    /// The image.
    pub image: ImageSource,
}

/// The model used when `--model` is not given: the one `mnist-train` saves by default.
pub fn default_model() -> PathBuf {
    data::data_dir().join("models").join("guide.bpnn")
}

/// Parses the command line (without the program name).
///
/// # Errors
/// The usage line, with what was wrong.
pub fn parse_args(args: &[String]) -> Result<Request, String> {
    let mut model = default_model();
    let mut image = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--model" => {
                model = PathBuf::from(
                    args.next()
                        .ok_or(format!("--model needs a file\n{USAGE}"))?,
                );
            }
            "--index" => {
                let value = args
                    .next()
                    .ok_or(format!("--index needs a number\n{USAGE}"))?;
                let index = value
                    .parse()
                    .map_err(|_| format!("--index {value}: not a number\n{USAGE}"))?;
                image = Some(ImageSource::TestIndex(index));
            }
            other if other.starts_with('-') => {
                return Err(format!("unknown option {other}\n{USAGE}"));
            }
            path => image = Some(ImageSource::Pgm(PathBuf::from(path))),
        }
    }
    let image = image.ok_or(format!(
        "which image? pass --index N or a .pgm file\n{USAGE}"
    ))?;
    Ok(Request { model, image })
}

/// The pixels and label of image `index` of the MNIST test file.
///
/// # Errors
/// When the data is missing or damaged, or `index` is beyond the last image.
pub fn test_image(index: usize) -> Result<(Vec<u8>, u8), String> {
    let dir = data::data_dir();
    let images = idx::read_images(&dir.join(TEST_IMAGES)).map_err(|e| e.to_string())?;
    let labels = idx::read_labels(&dir.join(TEST_LABELS)).map_err(|e| e.to_string())?;
    match (images.image(index), labels.0.get(index)) {
        (Some(pixels), Some(&label)) if pixels.len() == PIXELS => Ok((pixels.to_vec(), label)),
        _ => Err(format!(
            "--index {index}: the test set has images 0 to {}",
            images.count.saturating_sub(1)
        )),
    }
}

/// The image drawn with characters, darker characters for more ink.
pub fn ascii_art(pixels: &[u8]) -> String {
    const SHADES: &[u8] = b" .:-=+*#%@";
    let mut art = String::new();
    for row in pixels.chunks(SIDE) {
        let line: String = row
            .iter()
            .map(|&p| char::from(SHADES[usize::from(p) * (SHADES.len() - 1) / 255]))
            .collect();
        art.push_str(line.trim_end());
        art.push('\n');
    }
    art
}

// ANCHOR: report
/// What the command prints for one image: the image, the prediction and every output.
pub fn report(classifier: &Classifier, pixels: &[u8], what: &str, label: Option<u8>) -> String {
    let (digit, outputs) = classifier.classify(pixels);
    let mut text = ascii_art(pixels);
    text.push_str(what);
    if let Some(label) = label {
        text.push_str(&format!(" (labelled {label})"));
    }
    text.push('\n');
    text.push_str(&format!("predicted digit: {digit}\n"));
    let shown: Vec<String> = outputs
        .iter()
        .enumerate()
        .map(|(d, v)| format!("{d}: {v:.3}"))
        .collect();
    text.push_str(&format!("outputs: {}\n", shown.join("  ")));
    if label.is_some_and(|l| usize::from(l) >= outputs.len()) {
        text.push_str(&format!(
            "(this model only knows the digits 0 to {})\n",
            outputs.len() - 1
        ));
    }
    text
}
// ANCHOR_END: report

/// Runs the command for `args`; returns what it prints.
///
/// # Errors
/// A one-line message for a bad command line, a missing or damaged model, data or image file.
pub fn run(args: &[String]) -> Result<String, String> {
    let request = parse_args(args)?;
    let classifier = model::load(&request.model).map_err(|e| e.to_string())?;
    let inputs = classifier.network.layer_sizes()[0];
    if inputs != PIXELS {
        return Err(format!(
            "{}: the model takes {inputs} inputs, not the {PIXELS} pixels of an image",
            request.model.display()
        ));
    }
    match &request.image {
        ImageSource::TestIndex(index) => {
            let (pixels, label) = test_image(*index)?;
            Ok(report(
                &classifier,
                &pixels,
                &format!("test image {index}"),
                Some(label),
            ))
        }
        ImageSource::Pgm(path) => {
            let file = path.display().to_string();
            let bytes = std::fs::read(path).map_err(|e| format!("{file}: cannot read it ({e})"))?;
            let pixels = pgm::from_pgm(&bytes, &file).map_err(|e| e.to_string())?;
            Ok(report(&classifier, &pixels, &file, None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn command_lines_are_parsed() {
        assert_eq!(
            parse_args(&args("--model m.bpnn --index 7")),
            Ok(Request {
                model: PathBuf::from("m.bpnn"),
                image: ImageSource::TestIndex(7)
            })
        );
        assert_eq!(
            parse_args(&args("seven.pgm")).map(|r| r.image),
            Ok(ImageSource::Pgm(PathBuf::from("seven.pgm")))
        );
        assert!(
            parse_args(&args("--index x")).is_err_and(|e| e.starts_with("--index x: not a number"))
        );
        assert!(parse_args(&args("")).is_err_and(|e| e.starts_with("which image?")));
        assert!(
            parse_args(&args("--fast 1")).is_err_and(|e| e.starts_with("unknown option --fast"))
        );
    }

    #[test]
    fn ascii_art_shades_ink() {
        let mut pixels = vec![0; PIXELS];
        pixels[1] = 255;
        pixels[2] = 128;
        let art = ascii_art(&pixels);
        assert_eq!(art.lines().next(), Some(" @="));
        assert_eq!(art.lines().count(), SIDE);
    }
}
