//! The `mnist-classify` command: classify one digit with a saved model.

use std::path::PathBuf;

use ch02_backpropagation::Network;

use crate::data::{self, PIXELS, SIDE, TEST_IMAGES, TEST_LABELS};
use crate::{idx, model, pgm, train};

/// Classifies one digit with a model saved by `mnist-train`: image N of the MNIST test file,
/// or a 28 × 28 PGM image of your own.
#[derive(Debug, Clone, PartialEq, Eq, clap::Parser)]
#[command(name = "mnist-classify")]
pub struct Args {
    /// The model file [default: data/models/guide.bpnn, what mnist-train saves]
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Classify image N of the MNIST test file (0 to 9999)
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "image",
        required_unless_present = "image"
    )]
    pub index: Option<usize>,
    /// A 28 × 28 PGM image (dark ink on light paper is flipped to MNIST's light on dark)
    #[arg(value_name = "IMAGE.pgm")]
    pub image: Option<PathBuf>,
}

/// The model used when `--model` is not given: the one `mnist-train` saves by default.
pub fn default_model() -> PathBuf {
    data::data_dir().join("models").join("guide.bpnn")
}

/// The pixels and label of image `index` of the MNIST test file.
///
/// # Errors
/// When the data is missing or damaged, or `index` is beyond the last image.
pub fn test_image(index: usize) -> Result<(Vec<u8>, u8), String> {
    let dir = data::data_dir();
    let images =
        idx::read_images(&dir.join(TEST_IMAGES)).map_err(|e| e.to_string())?;
    let labels =
        idx::read_labels(&dir.join(TEST_LABELS)).map_err(|e| e.to_string())?;
    match (images.image(index), labels.0.get(index)) {
        (Some(pixels), Some(&label)) if pixels.len() == PIXELS => {
            Ok((pixels.to_vec(), label))
        }
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
///
/// # Errors
/// When `pixels` does not have one value per input of the network.
pub fn report(
    network: &Network,
    pixels: &[u8],
    what: &str,
    label: Option<u8>,
) -> Result<String, String> {
    let (digit, outputs) =
        train::classify(network, pixels).map_err(|e| e.to_string())?;
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
    Ok(text)
}
// ANCHOR_END: report

/// The largest image file the command reads (a 28 × 28 PGM is under 1 kB).
pub const MAX_IMAGE_BYTES: u64 = 1 << 20;

/// Runs the command for `args`; returns what it prints.
///
/// # Errors
/// A one-line message for a missing or damaged model, data or image file.
pub fn run(args: &Args) -> Result<String, String> {
    let model_path = args.model.clone().unwrap_or_else(default_model);
    let network = model::load(&model_path).map_err(|e| e.to_string())?;
    if network.inputs() != PIXELS {
        return Err(format!(
            "{}: the model takes {} inputs, not the {PIXELS} pixels of an image",
            model_path.display(),
            network.inputs()
        ));
    }
    match (&args.index, &args.image) {
        (Some(index), _) => {
            let (pixels, label) = test_image(*index)?;
            report(
                &network,
                &pixels,
                &format!("test image {index}"),
                Some(label),
            )
        }
        (None, Some(path)) => {
            let file = path.display().to_string();
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            if size > MAX_IMAGE_BYTES {
                return Err(format!(
                    "{file}: {size} bytes is too large for a 28 x 28 image"
                ));
            }
            let bytes = std::fs::read(path)
                .map_err(|e| format!("{file}: cannot read it ({e})"))?;
            let pixels = pgm::from_pgm(&bytes, &file).map_err(|e| e.to_string())?;
            report(&network, &pixels, &file, None)
        }
        (None, None) => Err("which image? pass --index N or a .pgm file".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use clap::Parser;

    fn parse(text: &str) -> Result<Args, clap::Error> {
        Args::try_parse_from(
            std::iter::once("mnist-classify").chain(text.split_whitespace()),
        )
    }

    #[test]
    fn command_lines_are_parsed() {
        let args = parse("--model m.bpnn --index 7").expect("valid");
        assert_eq!(args.model, Some(PathBuf::from("m.bpnn")));
        assert_eq!(args.index, Some(7));
        assert_eq!(
            parse("seven.pgm").expect("valid").image,
            Some(PathBuf::from("seven.pgm"))
        );
        for bad in [
            "--index x",
            "",
            "--fast 1",
            "--index 1 seven.pgm",
            "a.pgm b.pgm",
        ] {
            let error = parse(bad).expect_err(bad);
            assert_eq!(error.exit_code(), 2, "{bad}: {error}");
        }
        assert_eq!(parse("--help").expect_err("help").exit_code(), 0);
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
