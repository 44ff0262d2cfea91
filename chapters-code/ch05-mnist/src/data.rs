//! The MNIST data set: where it lives, loading it, and turning it into network inputs.
//!
//! Images stay as bytes (0–255) in memory: the 60,000 training images take 47 MB that way,
//! against 376 MB as `f64`. A mini-batch is converted to `f64` pixels in `[0, 1]` (divided by
//! 255, as the guide does) only when it is needed.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ndarray::Array2;

use crate::batch::Batch;
use crate::idx::{self, IdxError};

/// The one command that downloads the data.
pub const FETCH_COMMAND: &str = "cargo mnist-fetch";

/// The training images (60,000).
pub const TRAIN_IMAGES: &str = "train-images-idx3-ubyte";
/// The training labels.
pub const TRAIN_LABELS: &str = "train-labels-idx1-ubyte";
/// The test images (10,000).
pub const TEST_IMAGES: &str = "t10k-images-idx3-ubyte";
/// The test labels.
pub const TEST_LABELS: &str = "t10k-labels-idx1-ubyte";

/// Side of an MNIST image in pixels.
pub const SIDE: usize = 28;
/// Pixels in an MNIST image: one network input each.
pub const PIXELS: usize = SIDE * SIDE;

/// `PIXEL_VALUE[p]` is `p / 255`: a table look-up gives the same `f64` as the division.
const PIXEL_VALUE: [f64; 256] = {
    let mut values = [0.0; 256];
    let mut byte = 0;
    while byte < 256 {
        values[byte] = byte as f64 / 255.0;
        byte += 1;
    }
    values
};

/// The `data/` folder at the root of the workspace, where `cargo mnist-fetch` puts the files.
pub fn data_dir() -> PathBuf {
    workspace_root().join("data")
}

/// The root of the workspace (two folders above this crate).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .nth(2)
        .unwrap_or(manifest_dir)
        .to_path_buf()
}

/// Whether all four MNIST files are in [`data_dir`] (their contents are checked on loading).
pub fn data_present() -> bool {
    let dir = data_dir();
    [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS]
        .iter()
        .all(|name| dir.join(name).is_file())
}

/// What went wrong loading the data set.
#[derive(Debug)]
pub enum DataError {
    /// A file is missing, unreadable or not a valid IDX file.
    Idx(IdxError),
    /// The images are not 28 × 28 pixels.
    ImageSize {
        /// The image file.
        file: String,
        /// Its image height.
        rows: usize,
        /// Its image width.
        cols: usize,
    },
    /// An image file and its label file disagree on the number of examples.
    CountMismatch {
        /// The image file.
        images_file: String,
        /// Number of images in it.
        images: usize,
        /// Number of labels in the label file.
        labels: usize,
    },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Idx(error) => write!(f, "{error}"),
            Self::ImageSize { file, rows, cols } => write!(
                f,
                "{file}: images are {rows}x{cols} pixels, MNIST's are {SIDE}x{SIDE}; \
                 run `{FETCH_COMMAND}` to download the real files"
            ),
            Self::CountMismatch {
                images_file,
                images,
                labels,
            } => write!(
                f,
                "{images_file}: {images} images but {labels} labels in its label file; \
                 run `{FETCH_COMMAND}` to download matching files"
            ),
        }
    }
}

impl std::error::Error for DataError {}

impl From<IdxError> for DataError {
    fn from(error: IdxError) -> Self {
        Self::Idx(error)
    }
}

/// Labelled images: `pixels` holds `len()` images of [`PIXELS`] bytes each, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Examples {
    /// All pixels, image after image (0 = background, 255 = ink).
    pub pixels: Vec<u8>,
    /// The digit each image shows.
    pub labels: Vec<u8>,
}

/// The official MNIST split: 60,000 training and 10,000 test examples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mnist {
    /// The training set.
    pub train: Examples,
    /// The held-out test set (other writers than the training set).
    pub test: Examples,
}

impl Examples {
    /// The number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no examples at all.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The raw pixels of example `index`.
    ///
    /// # Panics
    /// If `index` is out of range (a programming error, not bad input).
    pub fn image(&self, index: usize) -> &[u8] {
        &self.pixels[index * PIXELS..(index + 1) * PIXELS]
    }

    // ANCHOR: digits_below
    /// Only the examples whose digit is below `classes` (the guide's subset is `classes = 5`:
    /// digits 0–4), in their original order.
    pub fn digits_below(&self, classes: usize) -> Examples {
        let mut kept = Examples {
            pixels: Vec::new(),
            labels: Vec::new(),
        };
        for (index, &label) in self.labels.iter().enumerate() {
            if usize::from(label) < classes {
                kept.pixels.extend_from_slice(self.image(index));
                kept.labels.push(label);
            }
        }
        kept
    }
    // ANCHOR_END: digits_below

    // ANCHOR: inputs
    /// The network inputs for the examples at `indices`: one row of 784 pixels per example,
    /// each byte divided by 255 so that it lies in [0, 1].
    pub fn inputs(&self, indices: &[usize]) -> Array2<f64> {
        let mut inputs = Array2::zeros((indices.len(), PIXELS));
        for (mut row, &index) in inputs.rows_mut().into_iter().zip(indices) {
            for (x, &byte) in row.iter_mut().zip(self.image(index)) {
                *x = PIXEL_VALUE[usize::from(byte)];
            }
        }
        inputs
    }

    /// The one-hot targets for the examples at `indices`: digit 3 of 5 classes is
    /// `[0, 0, 0, 1, 0]`.
    pub fn targets(&self, indices: &[usize], classes: usize) -> Array2<f64> {
        let mut targets = Array2::zeros((indices.len(), classes));
        for (mut row, &index) in targets.rows_mut().into_iter().zip(indices) {
            row[usize::from(self.labels[index])] = 1.0;
        }
        targets
    }
    // ANCHOR_END: inputs

    /// The same inputs as [`inputs`](Self::inputs), without the pixels that are 0 in every
    /// one of these examples (see [`Batch`]).
    pub fn batch(&self, indices: &[usize]) -> Batch {
        let mut used = [false; PIXELS];
        for &index in indices {
            for (used, &byte) in used.iter_mut().zip(self.image(index)) {
                *used |= byte != 0;
            }
        }
        let columns: Vec<usize> = (0..PIXELS).filter(|&c| used[c]).collect();
        let mut inputs = Array2::zeros((indices.len(), columns.len()));
        for (mut row, &index) in inputs.rows_mut().into_iter().zip(indices) {
            let image = self.image(index);
            for (x, &column) in row.iter_mut().zip(&columns) {
                *x = PIXEL_VALUE[usize::from(image[column])];
            }
        }
        Batch { inputs, columns }
    }
}

/// The ink of every image: its non-zero pixels and their values, listed once so that a
/// [`Batch`] can be assembled without scanning the blank background again every epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ink {
    /// Where each image's entries start in `entries` (one more than there are images).
    starts: Vec<usize>,
    /// `(position 0–783, value 1–255)` of every non-zero pixel, image after image.
    entries: Vec<(u16, u8)>,
}

impl Ink {
    /// Lists the non-zero pixels of every image of `examples`.
    pub fn new(examples: &Examples) -> Self {
        let mut ink = Self {
            starts: vec![0],
            entries: Vec::new(),
        };
        for image in examples.pixels.chunks_exact(PIXELS) {
            for (position, &value) in (0..).zip(image) {
                if value != 0 {
                    ink.entries.push((position, value));
                }
            }
            ink.starts.push(ink.entries.len());
        }
        ink
    }

    /// The non-zero pixels of image `index`.
    fn of(&self, index: usize) -> &[(u16, u8)] {
        &self.entries[self.starts[index]..self.starts[index + 1]]
    }

    /// The same batch as [`Examples::batch`] for the same examples, built from the ink only.
    pub fn batch(&self, indices: &[usize]) -> Batch {
        // Read one value from every cache line of these images first: the reads are
        // independent, so the processor fetches all the lines from memory at the same time
        // instead of one image after the other.
        let touched: u32 = indices
            .iter()
            .flat_map(|&index| self.of(index).iter().step_by(16))
            .map(|&(_, value)| u32::from(value))
            .sum();
        std::hint::black_box(touched);
        const UNUSED: usize = usize::MAX;
        let mut column_of = [UNUSED; PIXELS];
        for &index in indices {
            for &(pixel, _) in self.of(index) {
                column_of[usize::from(pixel)] = 0;
            }
        }
        let mut columns = Vec::new();
        for (pixel, column) in column_of.iter_mut().enumerate() {
            if *column != UNUSED {
                *column = columns.len();
                columns.push(pixel);
            }
        }
        let width = columns.len();
        let mut inputs = vec![0.0; indices.len() * width];
        for (row, &index) in inputs.chunks_exact_mut(width.max(1)).zip(indices) {
            for &(pixel, value) in self.of(index) {
                row[column_of[usize::from(pixel)]] = PIXEL_VALUE[usize::from(value)];
            }
        }
        let inputs = Array2::from_shape_vec((indices.len(), width), inputs)
            .unwrap_or_else(|_| Array2::zeros((indices.len(), width)));
        Batch { inputs, columns }
    }
}

fn read_examples(dir: &Path, images_name: &str, labels_name: &str) -> Result<Examples, DataError> {
    let images_path = dir.join(images_name);
    let images = idx::read_images(&images_path)?;
    let labels = idx::read_labels(&dir.join(labels_name))?;
    let file = images_path.display().to_string();
    if (images.rows, images.cols) != (SIDE, SIDE) {
        return Err(DataError::ImageSize {
            file,
            rows: images.rows,
            cols: images.cols,
        });
    }
    if images.count != labels.0.len() {
        return Err(DataError::CountMismatch {
            images_file: file,
            images: images.count,
            labels: labels.0.len(),
        });
    }
    Ok(Examples {
        pixels: images.pixels,
        labels: labels.0,
    })
}

/// Reads the four MNIST files from `dir`.
///
/// # Errors
/// A one-line [`DataError`] naming the file, the problem and the command that fixes it.
pub fn load_from(dir: &Path) -> Result<Mnist, DataError> {
    Ok(Mnist {
        train: read_examples(dir, TRAIN_IMAGES, TRAIN_LABELS)?,
        test: read_examples(dir, TEST_IMAGES, TEST_LABELS)?,
    })
}

/// The data set from [`data_dir`], read once per process and shared.
///
/// # Errors
/// The error of [`load_from`], as text (the same every time it is asked for).
pub fn mnist() -> Result<&'static Mnist, String> {
    static MNIST: OnceLock<Result<Mnist, String>> = OnceLock::new();
    MNIST
        .get_or_init(|| load_from(&data_dir()).map_err(|error| error.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

/// The official training and test examples of the digits below `classes`, shared per process.
///
/// # Errors
/// When the data cannot be loaded (see [`mnist`]).
pub fn subset(classes: usize) -> Result<&'static Mnist, String> {
    static DIGITS_0_TO_4: OnceLock<Mnist> = OnceLock::new();
    let all = mnist()?;
    Ok(match classes {
        5 => DIGITS_0_TO_4.get_or_init(|| Mnist {
            train: all.train.digits_below(5),
            test: all.test.digits_below(5),
        }),
        _ => all,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three_examples() -> Examples {
        let mut pixels = vec![0; 3 * PIXELS];
        pixels[0] = 255;
        pixels[PIXELS + 1] = 51;
        pixels[2 * PIXELS + 2] = 1;
        Examples {
            pixels,
            labels: vec![7, 3, 0],
        }
    }

    #[test]
    fn inputs_are_scaled_to_unit_range() {
        let inputs = three_examples().inputs(&[1, 0]);
        assert_eq!(inputs.dim(), (2, PIXELS));
        assert_eq!(inputs[[0, 1]], 0.2);
        assert_eq!(inputs[[1, 0]], 1.0);
        assert_eq!(inputs.sum(), 1.2);
    }

    #[test]
    fn pixel_table_equals_division() {
        for byte in 0..=255u8 {
            assert_eq!(PIXEL_VALUE[usize::from(byte)], f64::from(byte) / 255.0);
        }
    }

    #[test]
    fn batch_keeps_only_used_pixels() {
        let examples = three_examples();
        let batch = examples.batch(&[2, 1]);
        assert_eq!(batch.columns, vec![1, 2]);
        assert_eq!(
            batch.inputs,
            ndarray::array![[0.0, 1.0 / 255.0], [0.2, 0.0]]
        );
        assert_eq!(batch, Batch::from_dense(examples.inputs(&[2, 1]).view()));
    }

    #[test]
    fn ink_builds_the_same_batches() {
        let examples = three_examples();
        let ink = Ink::new(&examples);
        for indices in [vec![0, 1, 2], vec![2, 1], vec![1]] {
            assert_eq!(ink.batch(&indices), examples.batch(&indices));
        }
    }

    #[test]
    fn targets_are_one_hot() {
        let targets = three_examples().targets(&[1, 2], 5);
        assert_eq!(
            targets,
            ndarray::array![[0.0, 0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0]]
        );
    }

    #[test]
    fn subset_keeps_order_and_pixels() {
        let kept = three_examples().digits_below(5);
        assert_eq!(kept.labels, vec![3, 0]);
        assert_eq!(kept.image(0)[1], 51);
        assert_eq!(kept.image(1)[2], 1);
    }

    #[test]
    fn missing_folder_names_the_fetch_command() {
        let dir = std::env::temp_dir().join("ch05-no-such-data-folder");
        let message = load_from(&dir).expect_err("no data there").to_string();
        assert!(message.contains(TRAIN_IMAGES), "{message}");
        assert!(
            message.ends_with("run `cargo mnist-fetch` to download it"),
            "{message}"
        );
    }
}
