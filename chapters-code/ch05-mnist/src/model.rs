//! Saving and loading a trained network.
//!
//! The file format is small, versioned and documented here; every number is little-endian:
//!
//! | bytes              | what                                                          |
//! |--------------------|---------------------------------------------------------------|
//! | 4                  | the magic text `BPNN`                                         |
//! | 4 (u32)            | format version, currently 2                                   |
//! | 1 (u8)             | output layer: 0 sigmoid, 1 softmax                            |
//! | 1 (u8)             | `L + 1`, the number of layer sizes (2 to 16)                  |
//! | 4 (u32) × (L + 1)  | the layer sizes, input first                                  |
//! | 8 (f64) × …        | per layer: `W` row by row (outputs × inputs), then `b`        |
//! | 4 (u32)            | CRC-32 of every byte before it                                |
//!
//! Nothing may follow the checksum. A reader checks the magic text, the version, the layer
//! sizes and the exact file length before it allocates anything, then the checksum, so a
//! damaged or foreign file gives a one-line error instead of a crash or wrong weights. A
//! writer refuses what a reader would refuse, and replaces a file only once the new one is
//! completely on disk.

use std::fmt;
use std::path::Path;

use std::io::Write;

use ch02_backpropagation::{Activation, Network};
use ndarray::{Array1, Array2};

/// The first four bytes of every model file.
pub const MAGIC: &[u8; 4] = b"BPNN";
/// The format version this code writes and reads.
pub const VERSION: u32 = 2;
/// The most layer sizes a file may list.
pub const MAX_LAYER_SIZES: usize = 16;
/// The largest layer a file may declare (guards against absurd headers).
pub const MAX_LAYER_SIZE: u32 = 1 << 20;

/// How to make a model file, named in every error message.
pub const TRAIN_COMMAND: &str = "cargo mnist-train";

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

fn output_code(output: Activation) -> u8 {
    match output {
        Activation::Sigmoid => 0,
        Activation::Softmax => 1,
    }
}

fn output_from_code(code: u8) -> Option<Activation> {
    match code {
        0 => Some(Activation::Sigmoid),
        1 => Some(Activation::Softmax),
        _ => None,
    }
}

/// What a reader would refuse about `network`, if anything.
fn unsavable(network: &Network) -> Option<String> {
    let sizes = network.layer_sizes();
    if sizes.len() > MAX_LAYER_SIZES {
        return Some(format!(
            "{} layer sizes; a model file holds at most {MAX_LAYER_SIZES}",
            sizes.len()
        ));
    }
    if let Some(size) = sizes.iter().find(|&&size| size > MAX_LAYER_SIZE as usize) {
        return Some(format!("layer size {size} is above {MAX_LAYER_SIZE}"));
    }
    let mut parameters = network
        .weights()
        .iter()
        .flatten()
        .chain(network.biases().iter().flatten());
    parameters
        .any(|value| !value.is_finite())
        .then(|| "a parameter is NaN or infinite: the network diverged".to_string())
}

// ANCHOR: to_bytes
/// The network in the model file format.
///
/// # Errors
/// [`ModelError`] (with `file` = `"model"`) for a network a reader would refuse: too
/// many layers, a layer too large, or a NaN or infinite parameter.
pub fn to_bytes(network: &Network) -> Result<Vec<u8>, ModelError> {
    if let Some(problem) = unsavable(network) {
        return Err(ModelError {
            file: "model".into(),
            problem,
        });
    }
    let sizes = network.layer_sizes();
    let mut bytes = Vec::new();
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.push(output_code(network.output_activation()));
    bytes.push(u8::try_from(sizes.len()).unwrap_or(u8::MAX));
    for size in sizes {
        bytes.extend_from_slice(
            &u32::try_from(size).unwrap_or(u32::MAX).to_le_bytes(),
        );
    }
    for (w, b) in network.weights().iter().zip(network.biases()) {
        for value in w.iter().chain(b) {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
    }
    let checksum = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    Ok(bytes)
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
/// Reads a network from the model file format; `file` names the file in errors.
///
/// # Errors
/// [`ModelError`] for a wrong magic text or version, impossible layer sizes, a file
/// of the wrong length, a wrong checksum, or non-finite parameters.
pub fn from_bytes(bytes: &[u8], file: &str) -> Result<Network, ModelError> {
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
    let output = output_from_code(code)
        .ok_or_else(|| error(format!("unknown output layer code {code}")))?;
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
    // Every size is at most 2^20, so this cannot overflow: check the length, then
    // read.
    let parameters: usize = sizes.windows(2).map(|p| p[1] * p[0] + p[1]).sum();
    if reader.bytes.len() != parameters * 8 + 4 {
        return Err(error(format!(
            "layers {sizes:?} need {} bytes of parameters and checksum, \
             the file has {}",
            parameters * 8 + 4,
            reader.bytes.len()
        )));
    }
    let (body, stored) = bytes.split_at(bytes.len() - 4);
    let stored = u32::from_le_bytes(stored.try_into().unwrap_or_default());
    if crc32fast::hash(body) != stored {
        return Err(error(
            "the checksum does not match: the file is damaged".into(),
        ));
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
    let network = Network::from_parameters(weights, biases)
        .map_err(|e| error(e.to_string()))?;
    Ok(network.with_output(output))
}
// ANCHOR_END: from_bytes

/// Checks that `path` can be written (its folder exists or can be made, and is writable),
/// so that a command can fail *before* it trains for minutes.
///
/// # Errors
/// [`ModelError`] naming the problem.
pub fn check_writable(path: &Path) -> Result<(), ModelError> {
    let error = |problem: String| ModelError {
        file: path.display().to_string(),
        problem,
    };
    if path.is_dir() {
        return Err(error("is a folder: name a file such as model.bpnn".into()));
    }
    let folder = folder_of(path);
    std::fs::create_dir_all(folder)
        .map_err(|e| error(format!("cannot create its folder ({e})")))?;
    tempfile::NamedTempFile::new_in(folder)
        .map(drop)
        .map_err(|e| error(format!("cannot write in its folder ({e})")))
}

/// The folder a file is in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `network` to `path`, creating its folder if needed. The file is written under a
/// temporary name in the same folder, synced to disk, then renamed over `path`: an old
/// model there is replaced only by a complete new one.
///
/// # Errors
/// [`ModelError`] when the network cannot be saved or the file cannot be written.
pub fn save(network: &Network, path: &Path) -> Result<(), ModelError> {
    let file = path.display().to_string();
    let error = |problem: String| ModelError {
        file: file.clone(),
        problem,
    };
    let bytes = to_bytes(network).map_err(|e| error(e.problem))?;
    let folder = folder_of(path);
    std::fs::create_dir_all(folder)
        .map_err(|e| error(format!("cannot create its folder ({e})")))?;
    let mut temporary = tempfile::NamedTempFile::new_in(folder)
        .map_err(|e| error(format!("cannot write in its folder ({e})")))?;
    temporary
        .write_all(&bytes)
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|e| error(format!("cannot write it ({e})")))?;
    temporary
        .persist(path)
        .map(drop)
        .map_err(|e| error(format!("cannot replace it ({})", e.error)))
}

/// The largest model file [`load`] reads (a 2^20-wide layer pair is far beyond it).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Reads a network from `path`.
///
/// # Errors
/// [`ModelError`] when the file is missing, unreadable, larger than [`MAX_FILE_BYTES`] or
/// not a valid model file.
pub fn load(path: &Path) -> Result<Network, ModelError> {
    let file = path.display().to_string();
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return Err(ModelError {
            file,
            problem: format!(
                "{size} bytes is larger than any model ({MAX_FILE_BYTES} at most)"
            ),
        });
    }
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

    fn small() -> Network {
        Network::new(&[4, 3, 2], 1)
            .expect("valid sizes")
            .with_output(Activation::Softmax)
    }

    fn bytes_of(network: &Network) -> Vec<u8> {
        to_bytes(network).expect("savable")
    }

    #[test]
    fn round_trip_is_exact() -> Result<(), ModelError> {
        let network = small();
        let bytes = bytes_of(&network);
        assert_eq!(
            bytes.len(),
            4 + 4 + 2 + 3 * 4 + (4 * 3 + 3 + 3 * 2 + 2) * 8 + 4
        );
        assert_eq!(from_bytes(&bytes, "m")?, network);
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
        let good = bytes_of(&small());
        assert!(message(b"GIF89a").contains("not a model file"));
        let mut wrong_version = good.clone();
        wrong_version[4] = 9;
        assert!(message(&wrong_version).contains("format version 9 is not"));
        assert!(
            message(&good[..good.len() - 1]).contains(
                "need 188 bytes of parameters and checksum, the file has 187"
            )
        );
        let mut longer = good.clone();
        longer.push(0);
        assert!(message(&longer).contains("the file has 189"));
        let mut huge = good.clone();
        huge[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(message(&huge).contains("impossible layer size 4294967295"));
        let mut flipped = good.clone();
        flipped[40] ^= 1;
        assert!(message(&flipped).contains("checksum does not match"));
        assert!(message(&good[..9]).contains("truncated header"));
    }

    #[test]
    fn every_single_bit_flip_is_refused() {
        let good = bytes_of(&small());
        for end in 0..good.len() {
            assert!(from_bytes(&good[..end], "m").is_err());
        }
        for bit in 0..good.len() * 8 {
            let mut flipped = good.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert!(
                from_bytes(&flipped, "m").is_err(),
                "bit {bit} flipped loads"
            );
        }
    }

    #[test]
    fn save_refuses_what_load_would_refuse() {
        let mut nan = small();
        nan.parameters_mut().0[0][[0, 0]] = f64::NAN;
        assert!(to_bytes(&nan).expect_err("NaN").problem.contains("NaN"));
        let deep = Network::new(&[1; 17], 0).expect("valid sizes");
        assert!(
            to_bytes(&deep)
                .expect_err("17 sizes")
                .problem
                .contains("17 layer sizes")
        );
    }

    #[test]
    fn save_replaces_the_file_only_when_complete() -> Result<(), ModelError> {
        let dir = tempfile::tempdir().map_err(|e| ModelError {
            file: "temp".into(),
            problem: e.to_string(),
        })?;
        let path = dir.path().join("models").join("m.bpnn");
        check_writable(&path)?;
        save(&small(), &path)?;
        assert_eq!(load(&path)?, small());
        let mut nan = small();
        nan.parameters_mut().0[0][[0, 0]] = f64::NAN;
        assert!(save(&nan, &path).is_err());
        assert_eq!(load(&path)?, small(), "a refused save leaves the old file");
        assert!(
            check_writable(dir.path()).is_err(),
            "a folder is not a file"
        );
        Ok(())
    }
}
