//! The MNIST data set: where it lives, loading it, and turning it into network
//! inputs.
//!
//! Images stay as bytes (0–255) in memory: the 60,000 training images take 47 MB that
//! way, against 376 MB as `f64`. A mini-batch is converted to `f64` pixels in `[0,
//! 1]` (divided by 255, as the guide does) only when it is needed.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{OnceLock, mpsc};
use std::thread;

use ndarray::Array2;

use bookkit::NumpyRng;
use ch02_backpropagation::SparseRows;
use ch03_training_loop::{BatchStep, Examples, TrainError, each_batch_in_turn};

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

/// `PIXEL_VALUE[p]` is `p / 255`: a table look-up gives the same `f64` as the
/// division.
const PIXEL_VALUE: [f64; 256] = {
    let mut values = [0.0; 256];
    let mut byte = 0;
    while byte < 256 {
        values[byte] = byte as f64 / 255.0;
        byte += 1;
    }
    values
};

/// The `data/` folder at the root of the workspace, where `cargo mnist-fetch` puts
/// the files.
pub fn data_dir() -> PathBuf {
    workspace_root().join("data")
}

/// The root of the workspace, found at run time: the nearest folder with a workspace
/// `Cargo.toml` above the crate cargo runs (`CARGO_MANIFEST_DIR`, which `cargo run`
/// and `cargo test` set) or, without cargo, above the current folder. Never a path
/// frozen in at compile time, so a copied or moved checkout uses its own `data/`.
pub fn workspace_root() -> PathBuf {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    let is_workspace = |dir: &Path| {
        std::fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|text| text.contains("[workspace]"))
    };
    start
        .ancestors()
        .find(|dir| is_workspace(dir))
        .unwrap_or(&start)
        .to_path_buf()
}

/// Whether all four MNIST files are in [`data_dir`] (their contents are checked on
/// loading).
pub fn data_present() -> bool {
    let dir = data_dir();
    [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS]
        .iter()
        .all(|name| dir.join(name).is_file())
}

/// For tests that need the data: whether it is there. If not, under `CI=true` this
/// fails the test (CI must run it); otherwise it writes `SKIPPED <test>: …` naming
/// the fetch command straight to standard error, where `cargo test` shows it (libtest
/// hides an `eprintln!` of a passing test), and the test returns early.
///
/// # Panics
/// Without the data under `CI=true`.
pub fn data_or_skip(test: &str) -> bool {
    use std::io::Write;
    if data_present() {
        return true;
    }
    let message = format!(
        "no MNIST data in {} (run `{FETCH_COMMAND}` first)",
        data_dir().display()
    );
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: {message}; CI must run the tests that need the data"
    );
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {message}");
    false
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

/// Labelled images: `pixels` holds `len()` images of [`PIXELS`] bytes each, row by
/// row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digits {
    /// All pixels, image after image (0 = background, 255 = ink).
    pub pixels: Vec<u8>,
    /// The digit each image shows.
    pub labels: Vec<u8>,
    /// The number of classes, the length of a one-hot target: 10, or 5 for digits
    /// 0–4.
    pub classes: usize,
}

/// The official MNIST split: 60,000 training and 10,000 test examples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mnist {
    /// The training set.
    pub train: Digits,
    /// The held-out test set (other writers than the training set).
    pub test: Digits,
}

/// The training images cut in two: the images to train on, and the validation images
/// every decision of the chapter is made on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The images the network is trained on.
    pub train: Digits,
    /// The images held out to compare configurations and epochs.
    pub validation: Digits,
}

/// The seed of the validation split's shuffle.
pub const SPLIT_SEED: u32 = 0;
/// How many training images of the digits 0–4 are held out for validation.
pub const VALIDATION_0_4: usize = 5_000;
/// How many training images of all ten digits are held out for validation.
pub const VALIDATION_ALL: usize = 10_000;

impl Digits {
    /// The number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no examples at all.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The same images with only their inked pixels (see [`Inked`]).
    pub fn inked(&self) -> Inked<'_> {
        Inked::new(self)
    }

    /// The raw pixels of example `index`.
    ///
    /// # Panics
    /// If `index` is out of range (a programming error, not bad input).
    pub fn image(&self, index: usize) -> &[u8] {
        &self.pixels[index * PIXELS..(index + 1) * PIXELS]
    }

    // ANCHOR: digits_below
    /// Only the examples whose digit is below `classes` (the guide's subset is
    /// `classes = 5`: digits 0–4), in their original order.
    pub fn digits_below(self, classes: usize) -> Digits {
        let mut kept = self.keep(|_, label| usize::from(label) < classes);
        kept.classes = classes;
        kept
    }

    /// Only the examples for which `wanted(index, label)` is true, in their order:
    /// each one moves forward over those left out, in the same memory, and the
    /// memory left over at the end is given back.
    fn keep(mut self, mut wanted: impl FnMut(usize, u8) -> bool) -> Digits {
        let mut kept = 0;
        for index in 0..self.len().min(self.pixels.len() / PIXELS) {
            let label = self.labels[index];
            if wanted(index, label) {
                if kept < index {
                    let image = index * PIXELS..(index + 1) * PIXELS;
                    self.pixels.copy_within(image, kept * PIXELS);
                }
                self.labels[kept] = label;
                kept += 1;
            }
        }
        self.pixels.truncate(kept * PIXELS);
        self.pixels.shrink_to_fit();
        self.labels.truncate(kept);
        self
    }
    // ANCHOR_END: digits_below

    // ANCHOR: inputs
    /// The network inputs for the examples at `indices`: one row of 784 pixels per
    /// example, each byte divided by 255 so that it lies in [0, 1].
    pub fn inputs(&self, indices: &[usize]) -> Array2<f64> {
        let mut values = Vec::with_capacity(indices.len() * PIXELS);
        for &index in indices {
            let image = self.image(index);
            values.extend(image.iter().map(|&byte| PIXEL_VALUE[usize::from(byte)]));
        }
        Array2::from_shape_vec((indices.len(), PIXELS), values)
            .unwrap_or_else(|_| Array2::zeros((indices.len(), PIXELS)))
    }

    /// The one-hot targets for the examples at `indices`: digit 3 of 5 classes is
    /// `[0, 0, 0, 1, 0]`.
    pub fn targets(&self, indices: &[usize]) -> Array2<f64> {
        let mut targets = Array2::zeros((indices.len(), self.classes));
        for (mut row, &index) in targets.rows_mut().into_iter().zip(indices) {
            if let Some(target) = row.get_mut(usize::from(self.labels[index])) {
                *target = 1.0;
            }
        }
        targets
    }
    // ANCHOR_END: inputs

    /// The examples at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Digits {
        let mut selected = Digits {
            pixels: Vec::with_capacity(indices.len().min(self.len()) * PIXELS),
            labels: Vec::new(),
            classes: self.classes,
        };
        let images: Vec<&[u8]> = self.pixels.chunks_exact(PIXELS).collect();
        for &index in indices {
            if let (Some(image), Some(&label)) =
                (images.get(index), self.labels.get(index))
            {
                selected.pixels.extend_from_slice(image);
                selected.labels.push(label);
            }
        }
        selected
    }

    // ANCHOR: split
    /// Holds out `count` images for validation: shuffle the positions with numpy's
    /// `RandomState(seed).permutation(n)`, the first `count` positions (sorted) are
    /// the validation images, the others (in order) the images to train on.
    pub fn split(self, count: usize, seed: u32) -> Split {
        let order = NumpyRng::seed(seed).permutation(self.len());
        let mut validation = order[..count.min(order.len())].to_vec();
        validation.sort_unstable();
        let mut held_out = vec![false; self.len()];
        for &index in &validation {
            held_out[index] = true;
        }
        Split {
            validation: self.select(&validation),
            train: self.keep(|index, _| !held_out[index]),
        }
    }
    // ANCHOR_END: split

    /// Checks that every index exists and every label is below the number of classes.
    fn check(&self, indices: &[usize]) -> Result<(), TrainError> {
        for &index in indices {
            let Some(&label) = self.labels.get(index) else {
                return Err(TrainError::Data {
                    problem: format!(
                        "image {index} does not exist: there are {}",
                        self.len()
                    ),
                });
            };
            if usize::from(label) >= self.classes {
                return Err(TrainError::Data {
                    problem: format!(
                        "image {index} is labelled {label} but there are {} classes: keep the \
                         digits below {} (digits_below)",
                        self.classes, self.classes
                    ),
                });
            }
        }
        if self.pixels.len() != self.len() * PIXELS {
            return Err(TrainError::Data {
                problem: format!(
                    "{} pixels for {} labels: each image needs {PIXELS}",
                    self.pixels.len(),
                    self.len()
                ),
            });
        }
        Ok(())
    }
}

// ANCHOR: examples
/// Chapter 3's training loop draws its mini-batches from the images through this
/// trait.
impl Examples for Digits {
    fn len(&self) -> usize {
        self.labels.len()
    }

    type Inputs = Array2<f64>;

    fn batch(
        &self,
        indices: &[usize],
    ) -> Result<(Array2<f64>, Array2<f64>), TrainError> {
        self.check(indices)?;
        Ok((self.inputs(indices), self.targets(indices)))
    }
}
// ANCHOR_END: examples

// ANCHOR: inked
/// The same images with only their inked pixels, found once:
/// Chapter 3's training loop gets each batch's inputs as [`SparseRows`], which the
/// first layer multiplies with about a fifth of the work of a matrix.
#[derive(Debug, Clone)]
pub struct Inked<'a> {
    digits: &'a Digits,
    /// Where each image's pixels start in `pixels`, then the end.
    starts: Vec<usize>,
    /// Every inked pixel, image after image: its position (0–783) times 256 plus its
    /// value (1–255), so that an image's pixels are one run of memory.
    pixels: Vec<u32>,
}

impl<'a> Inked<'a> {
    /// Finds the inked pixels of every image of `digits` ([`Digits::inked`]).
    fn new(digits: &'a Digits) -> Self {
        let mut inked = Self {
            digits,
            starts: vec![0],
            pixels: Vec::new(),
        };
        for image in digits.pixels.chunks_exact(PIXELS) {
            for (position, &byte) in (0u32..).zip(image) {
                if byte != 0 {
                    inked.pixels.push(position << 8 | u32::from(byte));
                }
            }
            inked.starts.push(inked.pixels.len());
        }
        inked
    }
}

impl Examples for Inked<'_> {
    type Inputs = SparseRows;

    fn len(&self) -> usize {
        self.digits.len()
    }

    fn batch(
        &self,
        indices: &[usize],
    ) -> Result<(SparseRows, Array2<f64>), TrainError> {
        self.digits.check(indices)?;
        let images =
            |index: usize| &self.pixels[self.starts[index]..self.starts[index + 1]];
        // Read one number of every 64 bytes of every image first: those reads do not
        // wait for each other, so the memory brings all the batch's images in at
        // once.
        let first_reads = indices.iter().flat_map(|&i| images(i).iter().step_by(16));
        std::hint::black_box(first_reads.fold(0, |all, &pixel| all | pixel));
        let mut inputs =
            SparseRows::with_capacity(PIXELS, indices.len(), indices.len() * 200);
        for &index in indices {
            inputs.push_row(images(index).iter().map(|&pixel| {
                let (position, byte) = (pixel >> 8, pixel & 0xff);
                (position as usize, PIXEL_VALUE[byte as usize])
            }));
        }
        Ok((inputs, self.digits.targets(indices)))
    }

    /// Makes the batches on a second thread, ahead of training, each with its column
    /// index (which the weight gradient needs): training then only waits for a batch
    /// that is not ready yet. The batches are the same, in the same order. They are
    /// handed over about [`EXAMPLES_AHEAD`] examples at a time, since waking a
    /// waiting thread is not much cheaper than making a small batch.
    fn for_each_batch(
        &self,
        order: &[usize],
        batch_size: usize,
        step: &mut BatchStep<'_, SparseRows>,
    ) -> Result<(), TrainError> {
        if batch_size == 0 {
            return Err(TrainError::ZeroBatchSize);
        }
        thread::scope(|scope| {
            let (sender, groups) = mpsc::sync_channel(1);
            let group_size = batch_size * (EXAMPLES_AHEAD / batch_size).max(1);
            let maker = thread::Builder::new().name("batches".into()).spawn_scoped(
                scope,
                move || {
                    for group in order.chunks(group_size) {
                        let batches: Vec<_> = group
                            .chunks(batch_size)
                            .map(|indices| {
                                let (inputs, targets) = self.batch(indices)?;
                                Ok::<_, TrainError>((
                                    inputs.with_column_index(),
                                    targets,
                                ))
                            })
                            .collect();
                        if sender.send(batches).is_err() {
                            break; // training stopped
                        }
                    }
                },
            );
            if maker.is_err() {
                // No thread to be had: make each batch in turn instead.
                return each_batch_in_turn(self, order, batch_size, step);
            }
            let batches = groups.into_iter().flatten();
            for (position, batch) in batches.enumerate() {
                let (inputs, targets) = batch?;
                step(position, &inputs, targets.view())?;
            }
            Ok(())
        })
    }
}
// ANCHOR_END: inked

/// How many examples' batches [`Inked`] makes ahead of training and hands over at
/// once (at least one batch).
pub const EXAMPLES_AHEAD: usize = 512;

/// Reads an image file and its label file from `dir`, keeping only the images of the
/// digits below `classes` (all of them for 10).
fn read_digits(
    dir: &Path,
    [images_name, labels_name]: [&str; 2],
    classes: usize,
) -> Result<Digits, DataError> {
    let images_path = dir.join(images_name);
    let images = idx::ImageFile::open(&images_path)?;
    let labels = idx::read_labels(&dir.join(labels_name))?.0;
    let file = images_path.display().to_string();
    if (images.rows, images.cols) != (SIDE, SIDE) {
        return Err(DataError::ImageSize {
            file,
            rows: images.rows,
            cols: images.cols,
        });
    }
    if images.count != labels.len() {
        return Err(DataError::CountMismatch {
            images_file: file,
            images: images.count,
            labels: labels.len(),
        });
    }
    let wanted = |label: u8| usize::from(label) < classes;
    let images = images.read_where(|index| wanted(labels[index]))?;
    Ok(Digits {
        pixels: images.pixels,
        labels: labels.into_iter().filter(|&label| wanted(label)).collect(),
        classes,
    })
}

/// Reads the four MNIST files from `dir`.
///
/// # Errors
/// A one-line [`DataError`] naming the file, the problem and the command that fixes
/// it.
pub fn load_from(dir: &Path) -> Result<Mnist, DataError> {
    Ok(Mnist {
        train: load_training_from(dir, 10)?,
        test: read_digits(dir, [TEST_IMAGES, TEST_LABELS], 10)?,
    })
}

/// Reads only the two training files from `dir` (all that training needs), and only
/// the images of the digits below `classes`: the others are skipped as the file is
/// read, and never take memory.
///
/// # Errors
/// As [`load_from`].
pub fn load_training_from(dir: &Path, classes: usize) -> Result<Digits, DataError> {
    read_digits(dir, [TRAIN_IMAGES, TRAIN_LABELS], classes)
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

/// The chapter's data for the digits below some number of classes: the official
/// training images split into training and validation images, and the official test
/// images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The training images, with the validation images held out.
    pub split: Split,
    /// The official test images, used once per final model.
    pub test: Digits,
}

impl Project {
    /// The training images of `mnist` split as [`Split::of`] splits them, and its test
    /// images of the digits below `classes`.
    pub fn new(mnist: Mnist, classes: usize) -> Self {
        Self {
            split: Split::of(mnist.train, classes),
            test: mnist.test.digits_below(classes),
        }
    }
}

impl Split {
    /// The chapter's split of the training images `train`: keeps the digits below
    /// `classes` and holds out [`VALIDATION_0_4`] (for 5 classes or fewer) or
    /// [`VALIDATION_ALL`] of them, shuffled with [`SPLIT_SEED`]. Takes `train` whole
    /// so that its memory is reused rather than copied.
    pub fn of(train: Digits, classes: usize) -> Self {
        let count = if classes <= 5 {
            VALIDATION_0_4
        } else {
            VALIDATION_ALL
        };
        train.digits_below(classes).split(count, SPLIT_SEED)
    }
}

/// The [`Project`] of the digits below `classes` (5 or 10), built once per process.
///
/// # Errors
/// When the data cannot be loaded (see [`mnist`]), or `classes` is neither 5 nor 10.
pub fn project(classes: usize) -> Result<&'static Project, String> {
    static FIVE: OnceLock<Project> = OnceLock::new();
    static TEN: OnceLock<Project> = OnceLock::new();
    let cell = match classes {
        5 => &FIVE,
        10 => &TEN,
        _ => return Err(format!("{classes} classes: the chapter uses 5 or 10")),
    };
    let mnist = mnist()?;
    Ok(cell.get_or_init(|| Project::new(mnist.clone(), classes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three_examples() -> Digits {
        let mut pixels = vec![0; 3 * PIXELS];
        pixels[0] = 255;
        pixels[PIXELS + 1] = 51;
        pixels[2 * PIXELS + 2] = 1;
        Digits {
            pixels,
            labels: vec![7, 3, 0],
            classes: 10,
        }
    }

    /// A batch as a step saw it: its position, its inputs as a matrix, its targets.
    type Seen = (usize, Array2<f64>, Array2<f64>);

    /// The batches that `walk` (`for_each_batch` or `each_batch_in_turn`) hands to its
    /// step.
    fn seen_by(
        walk: impl FnOnce(&mut BatchStep<'_, SparseRows>) -> Result<(), TrainError>,
    ) -> Result<Vec<Seen>, TrainError> {
        let mut seen = Vec::new();
        walk(&mut |position, inputs, targets| {
            let dense = inputs.to_dense().map_err(TrainError::from)?;
            seen.push((position, dense, targets.to_owned()));
            Ok(())
        })?;
        Ok(seen)
    }

    /// The batches `for_each_batch` hands to its step.
    fn batches_of(
        examples: &(impl Examples<Inputs = SparseRows> + ?Sized),
        order: &[usize],
        batch_size: usize,
    ) -> Result<Vec<Seen>, TrainError> {
        seen_by(|step| examples.for_each_batch(order, batch_size, step))
    }

    #[test]
    fn batches_made_ahead_are_the_batches_made_in_turn() {
        let digits = three_examples();
        let inked = digits.inked();
        let order: Vec<usize> = (0..1000).map(|i| (i * 7) % 3).collect();
        for batch_size in [1, 2, 3, 600, 1000, 5000] {
            let ahead = batches_of(&inked, &order, batch_size).expect("valid");
            let in_turn =
                seen_by(|step| each_batch_in_turn(&inked, &order, batch_size, step))
                    .expect("valid");
            assert_eq!(ahead.len(), order.len().div_ceil(batch_size));
            assert_eq!(ahead, in_turn, "batch size {batch_size}");
        }
    }

    #[test]
    fn batches_made_ahead_stop_at_the_first_error() {
        let digits = three_examples();
        let inked = digits.inked();
        let error = batches_of(&inked, &[0, 1], 0).expect_err("no batch size");
        assert!(matches!(error, TrainError::ZeroBatchSize), "{error}");
        let error = batches_of(&inked, &[0, 1, 2, 3, 0], 2).expect_err("no image 3");
        assert!(
            error.to_string().contains("image 3 does not exist"),
            "{error}"
        );
        let order = vec![0; 100_000];
        let mut steps = 0;
        let error = inked
            .for_each_batch(&order, 1, &mut |position, _, _| {
                steps += 1;
                match position {
                    5 => Err(TrainError::EmptyData),
                    _ => Ok(()),
                }
            })
            .expect_err("the step fails at batch 5");
        assert!(matches!(error, TrainError::EmptyData), "{error}");
        assert_eq!(steps, 6, "no step after the failing one");
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
    fn batches_check_indices_and_labels() {
        let examples = three_examples();
        let (inputs, targets) = examples.batch(&[2, 1]).expect("valid");
        assert_eq!(inputs.dim(), (2, PIXELS));
        assert_eq!(targets[[1, 3]], 1.0);
        let error = examples.batch(&[3]).expect_err("no image 3");
        assert!(
            error.to_string().contains("image 3 does not exist"),
            "{error}"
        );
        let five = Digits {
            classes: 5,
            ..examples
        };
        let error = five.batch(&[0]).expect_err("label 7 of 5 classes");
        assert!(
            error
                .to_string()
                .contains("labelled 7 but there are 5 classes"),
            "{error}"
        );
    }

    #[test]
    fn the_split_is_numpys_permutation() {
        let digits = Digits {
            pixels: (0..10 * PIXELS).map(|i| (i / PIXELS) as u8).collect(),
            labels: (0..10).collect(),
            classes: 10,
        };
        // np.random.RandomState(0).permutation(10) = [2 8 4 9 1 6 7 3 0 5]
        let split = digits.split(3, 0);
        assert_eq!(split.validation.labels, vec![2, 4, 8]);
        assert_eq!(split.train.labels, vec![0, 1, 3, 5, 6, 7, 9]);
        assert_eq!(split.train.image(2)[0], 3);
    }

    #[test]
    fn targets_are_one_hot() {
        let five = Digits {
            classes: 5,
            ..three_examples()
        };
        let targets = five.targets(&[1, 2]);
        assert_eq!(
            targets,
            ndarray::array![[0.0, 0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0]]
        );
    }

    #[test]
    fn subset_keeps_order_and_pixels() {
        let kept = three_examples().digits_below(5);
        assert_eq!((kept.labels.clone(), kept.classes), (vec![3, 0], 5));
        assert_eq!(kept.pixels.len(), 2 * PIXELS);
        assert_eq!(kept.image(0)[1], 51);
        assert_eq!(kept.image(1)[2], 1);
    }

    #[test]
    fn training_files_read_for_some_digits_keep_only_those() -> std::io::Result<()> {
        let dir = std::env::temp_dir()
            .join(format!("ch05-three-digits-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let digits = three_examples(); // labelled 7, 3 and 0
        let header =
            |words: &[u32]| words.iter().flat_map(|w| w.to_be_bytes()).collect();
        let mut images: Vec<u8> = header(&[idx::IMAGES_MAGIC, 3, 28, 28]);
        images.extend_from_slice(&digits.pixels);
        let mut labels: Vec<u8> = header(&[idx::LABELS_MAGIC, 3]);
        labels.extend_from_slice(&digits.labels);
        std::fs::write(dir.join(TRAIN_IMAGES), images)?;
        std::fs::write(dir.join(TRAIN_LABELS), labels)?;
        let all = load_training_from(&dir, 10).map_err(|e| e.to_string());
        let five = load_training_from(&dir, 5).map_err(|e| e.to_string());
        std::fs::remove_dir_all(&dir)?;
        assert_eq!(all, Ok(digits.clone()));
        assert_eq!(five, Ok(digits.digits_below(5)));
        Ok(())
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
