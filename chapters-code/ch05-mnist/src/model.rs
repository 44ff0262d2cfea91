//! Saving and loading a trained classifier.
//!
//! The file format is small, versioned and documented here; every number is little-endian:
//!
//! | bytes              | what                                                          |
//! |--------------------|---------------------------------------------------------------|
//! | 4                  | the magic text `BPNN`                                         |
//! | 4 (u32)            | format version, currently 1                                   |
//! | 1 (u8)             | loss: 0 squared error, 1 mean squared error, 2 cross-entropy  |
//! | 1 (u8)             | `L + 1`, the number of layer sizes (2 to 16)                  |
//! | 4 (u32) × (L + 1)  | the layer sizes, input first                                  |
//! | 8 (f64) × …        | per layer: `W` row by row (outputs × inputs), then `b`        |
//!
//! Nothing may follow the last bias. A reader checks the magic text, the version, the layer
//! sizes and the exact file length before it allocates anything, so a damaged or foreign file
//! gives a one-line error instead of a crash.

use std::fmt;
use std::path::Path;

use ch02_backpropagation::Network;
use ndarray::{Array1, Array2};

use crate::batch::Loss;
use crate::train::Classifier;

/// The first four bytes of every model file.
pub const MAGIC: &[u8; 4] = b"BPNN";
/// The format version this code writes and reads.
pub const VERSION: u32 = 1;
/// The most layer sizes a file may list.
pub const MAX_LAYER_SIZES: usize = 16;
/// The largest layer a file may declare (guards against absurd headers).
pub const MAX_LAYER_SIZE: u32 = 1 << 20;

/// How to make a model file, named in every error message.
pub const TRAIN_COMMAND: &str = "cargo run --release -p ch05-mnist --bin mnist-train";

/// What is wrong with a model file.
#[derive(Debug)]
pub struct ModelError {
    /// The file's path.
    pub file: String,
    /// The problem, in a few words.
    pub problem: String,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}; train and save a model with `{TRAIN_COMMAND}`",
            self.file, self.problem
        )
    }
}

impl std::error::Error for ModelError {}

fn loss_code(loss: Loss) -> u8 {
    match loss {
        Loss::SquaredError => 0,
        Loss::MeanSquaredError => 1,
        Loss::CrossEntropy => 2,
    }
}

fn loss_from_code(code: u8) -> Option<Loss> {
    match code {
        0 => Some(Loss::SquaredError),
        1 => Some(Loss::MeanSquaredError),
        2 => Some(Loss::CrossEntropy),
        _ => None,
    }
}

// ANCHOR: to_bytes
/// The classifier in the model file format.
pub fn to_bytes(classifier: &Classifier) -> Vec<u8> {
    let network = &classifier.network;
    let sizes = network.layer_sizes();
    let mut bytes = Vec::new();
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.push(loss_code(classifier.loss));
    bytes.push(u8::try_from(sizes.len()).unwrap_or(u8::MAX));
    for size in sizes {
        bytes.extend_from_slice(&u32::try_from(size).unwrap_or(u32::MAX).to_le_bytes());
    }
    for (w, b) in network.weights().iter().zip(network.biases()) {
        for value in w.iter().chain(b) {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
    }
    bytes
}
// ANCHOR_END: to_bytes

/// Reads little-endian values from the front of a byte slice.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (chunk, rest) = self.bytes.split_first_chunk::<N>()?;
        self.bytes = rest;
        Some(*chunk)
    }

    fn f64s(&mut self, count: usize) -> Vec<f64> {
        (0..count)
            .map_while(|_| self.take::<8>().map(f64::from_le_bytes))
            .collect()
    }
}

// ANCHOR: from_bytes
/// Reads a classifier from the model file format; `file` names the file in errors.
///
/// # Errors
/// [`ModelError`] for a wrong magic text or version, impossible layer sizes, a file of the
/// wrong length, or non-finite parameters.
pub fn from_bytes(bytes: &[u8], file: &str) -> Result<Classifier, ModelError> {
    let error = |problem: String| ModelError {
        file: file.to_string(),
        problem,
    };
    let mut reader = Reader { bytes };
    if reader.take::<4>().as_ref() != Some(MAGIC) {
        return Err(error(
            "not a model file (it does not start with BPNN)".into(),
        ));
    }
    let version = reader
        .take::<4>()
        .map(u32::from_le_bytes)
        .ok_or_else(|| error("truncated header".into()))?;
    if version != VERSION {
        return Err(error(format!(
            "format version {version} is not the supported version {VERSION}"
        )));
    }
    let [code, count] = reader
        .take::<2>()
        .ok_or_else(|| error("truncated header".into()))?;
    let loss = loss_from_code(code).ok_or_else(|| error(format!("unknown loss code {code}")))?;
    let count = usize::from(count);
    if !(2..=MAX_LAYER_SIZES).contains(&count) {
        return Err(error(format!(
            "{count} layer sizes; a model has 2 to {MAX_LAYER_SIZES}"
        )));
    }
    let mut sizes = Vec::with_capacity(count);
    for _ in 0..count {
        let size = reader
            .take::<4>()
            .map(u32::from_le_bytes)
            .ok_or_else(|| error("truncated header".into()))?;
        if !(1..=MAX_LAYER_SIZE).contains(&size) {
            return Err(error(format!("impossible layer size {size}")));
        }
        sizes.push(size as usize);
    }
    // Every size is at most 2^20, so this cannot overflow: check the length, then read.
    let parameters: usize = sizes.windows(2).map(|p| p[1] * p[0] + p[1]).sum();
    if reader.bytes.len() != parameters * 8 {
        return Err(error(format!(
            "layers {sizes:?} need {} bytes of parameters, the file has {}",
            parameters * 8,
            reader.bytes.len()
        )));
    }
    let mut weights = Vec::new();
    let mut biases = Vec::new();
    for pair in sizes.windows(2) {
        let (n_in, n_out) = (pair[0], pair[1]);
        let w = Array2::from_shape_vec((n_out, n_in), reader.f64s(n_out * n_in))
            .map_err(|e| error(e.to_string()))?;
        weights.push(w);
        biases.push(Array1::from(reader.f64s(n_out)));
    }
    if weights
        .iter()
        .flatten()
        .chain(biases.iter().flatten())
        .any(|v| !v.is_finite())
    {
        return Err(error("a parameter is NaN or infinite".into()));
    }
    let network = Network::from_parameters(weights, biases).map_err(|e| error(e.to_string()))?;
    Ok(Classifier { network, loss })
}
// ANCHOR_END: from_bytes

/// Writes `classifier` to `path`, creating its folder if needed.
///
/// # Errors
/// [`ModelError`] when the file cannot be written.
pub fn save(classifier: &Classifier, path: &Path) -> Result<(), ModelError> {
    let error = |e: std::io::Error| ModelError {
        file: path.display().to_string(),
        problem: format!("cannot write it ({e})"),
    };
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(error)?;
    }
    std::fs::write(path, to_bytes(classifier)).map_err(error)
}

/// Reads a classifier from `path`.
///
/// # Errors
/// [`ModelError`] when the file is missing, unreadable or not a valid model file.
pub fn load(path: &Path) -> Result<Classifier, ModelError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ModelError {
        file: file.clone(),
        problem: if e.kind() == std::io::ErrorKind::NotFound {
            "no such file".to_string()
        } else {
            format!("cannot read it ({e})")
        },
    })?;
    from_bytes(&bytes, &file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Classifier {
        Classifier {
            network: Network::new(&[4, 3, 2], 1).expect("valid sizes"),
            loss: Loss::CrossEntropy,
        }
    }

    #[test]
    fn round_trip_is_exact() -> Result<(), ModelError> {
        let classifier = small();
        let bytes = to_bytes(&classifier);
        assert_eq!(bytes.len(), 4 + 4 + 2 + 3 * 4 + (4 * 3 + 3 + 3 * 2 + 2) * 8);
        assert_eq!(from_bytes(&bytes, "m")?, classifier);
        Ok(())
    }

    fn message(bytes: &[u8]) -> String {
        let text = from_bytes(bytes, "m.bpnn")
            .expect_err("invalid")
            .to_string();
        assert!(!text.contains('\n'));
        assert!(text.starts_with("m.bpnn: "), "{text}");
        assert!(text.ends_with(&format!("`{TRAIN_COMMAND}`")), "{text}");
        text
    }

    #[test]
    fn damaged_files_are_clear_errors() {
        let good = to_bytes(&small());
        assert!(message(b"GIF89a").contains("not a model file"));
        let mut wrong_version = good.clone();
        wrong_version[4] = 9;
        assert!(message(&wrong_version).contains("format version 9 is not"));
        assert!(
            message(&good[..good.len() - 1])
                .contains("need 184 bytes of parameters, the file has 183")
        );
        let mut longer = good.clone();
        longer.push(0);
        assert!(message(&longer).contains("need 184 bytes of parameters, the file has 185"));
        let mut huge = good.clone();
        huge[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(message(&huge).contains("impossible layer size 4294967295"));
        let mut nan = good.clone();
        let at = nan.len() - 8;
        nan[at..].copy_from_slice(&f64::NAN.to_le_bytes());
        assert!(message(&nan).contains("NaN"));
        assert!(message(&good[..9]).contains("truncated header"));
    }

    #[test]
    fn every_prefix_and_every_byte_flip_is_handled() {
        let good = to_bytes(&small());
        for end in 0..good.len() {
            assert!(from_bytes(&good[..end], "m").is_err());
        }
        for at in 0..good.len() {
            let mut flipped = good.clone();
            flipped[at] ^= 0xff;
            let _ = from_bytes(&flipped, "m");
        }
    }
}
