//! Reads the MNIST handwritten-digit data set from its four IDX files.
//!
//! An IDX file is a big-endian header followed by raw bytes. MNIST uses two kinds:
//!
//! | kind   | magic number | header (u32 each)         | body                         |
//! |--------|--------------|---------------------------|------------------------------|
//! | images | `0x00000803` | magic, count, rows, cols  | `count * rows * cols` pixels |
//! | labels | `0x00000801` | magic, count              | `count` digits 0–9           |
//!
//! The last byte of the magic number is the number of dimensions, so checking the magic
//! number also checks the dimension count. The parsers trust nothing in the header: the
//! dimensions must multiply (without overflow) to exactly the number of bytes that follow,
//! and only then is anything allocated.
//!
//! Every error is one line that names the file, the problem and the fix.
//!
//! ```no_run
//! use std::path::Path;
//! use ch05_mnist::idx;
//!
//! let images = idx::read_images(Path::new("data/train-images-idx3-ubyte"))?;
//! let labels = idx::read_labels(Path::new("data/train-labels-idx1-ubyte"))?;
//! println!("{} images of {}x{} pixels", images.count, images.rows, images.cols);
//! println!("the first one shows a {}", labels.0[0]);
//! # Ok::<(), idx::IdxError>(())
//! ```
//!
//! This module has no dependencies, so the fuzz target in `fuzz/` compiles it on its own.
//!
//! The MNIST data is by Yann LeCun and Corinna Cortes, licensed CC BY-SA 3.0.

use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

/// What to tell the user when a data file is missing or corrupt.
///
/// Appears at the end of those error messages; change it here to change it everywhere.
pub const FETCH_HINT: &str = "run `cargo mnist-fetch` to download it";

/// Magic number of an IDX file of unsigned bytes with 3 dimensions: images.
pub const IMAGES_MAGIC: u32 = 0x0000_0803;

/// Magic number of an IDX file of unsigned bytes with 1 dimension: labels.
pub const LABELS_MAGIC: u32 = 0x0000_0801;

/// A set of grey-scale images, as stored in an IDX image file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Images {
    /// Number of images (60,000 for MNIST training, 10,000 for testing).
    pub count: usize,
    /// Height of each image in pixels (28 for MNIST).
    pub rows: usize,
    /// Width of each image in pixels (28 for MNIST).
    pub cols: usize,
    /// All pixels, image after image, each image row by row:
    /// `count * rows * cols` bytes, 0 = background (white) to 255 = ink (black).
    pub pixels: Vec<u8>,
}

impl Images {
    /// The `rows * cols` pixels of image number `index`, or `None` if there is no such image.
    pub fn image(&self, index: usize) -> Option<&[u8]> {
        let size = self.rows.checked_mul(self.cols)?;
        let start = index.checked_mul(size)?;
        self.pixels.get(start..start.checked_add(size)?)
    }
}

/// The digit (0–9) shown in each image, in the same order as the images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels(pub Vec<u8>);

/// The dimensions an IDX header claims, kept for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// An image file's header: `count` images of `rows` x `cols` pixels.
    Images {
        /// Number of images.
        count: u32,
        /// Pixels per column.
        rows: u32,
        /// Pixels per row.
        cols: u32,
    },
    /// A label file's header: `count` labels.
    Labels {
        /// Number of labels.
        count: u32,
    },
}

impl Shape {
    fn dims(self) -> [u32; 3] {
        match self {
            Shape::Images { count, rows, cols } => [count, rows, cols],
            Shape::Labels { count } => [count, 1, 1],
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Images { count, rows, cols } => {
                write!(f, "{count} image{} of {rows}x{cols} pixels", plural(*count))
            }
            Shape::Labels { count } => write!(f, "{count} label{}", plural(*count)),
        }
    }
}

/// Why the contents of a file are not a valid IDX file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Corruption {
    /// The file is shorter than its header.
    TooShort {
        /// Length of the file in bytes.
        len: usize,
        /// Length of the header in bytes.
        header: usize,
    },
    /// The magic number is neither of the two MNIST ones.
    WrongMagic {
        /// The magic number in the file.
        found: u32,
        /// The magic number that was expected.
        expected: u32,
    },
    /// A dimension in the header is zero.
    ZeroDimension {
        /// What the header claims.
        shape: Shape,
    },
    /// The header's dimensions multiply to more bytes than this computer can address.
    TooLarge {
        /// What the header claims.
        shape: Shape,
    },
    /// The bytes after the header are fewer (truncated) or more than the header claims.
    WrongLength {
        /// What the header claims.
        shape: Shape,
        /// Number of bytes the header claims.
        expected: usize,
        /// Number of bytes after the header.
        actual: usize,
    },
    /// A label is not a digit 0–9.
    BadLabel {
        /// Position of the label in the file (0 = first).
        index: usize,
        /// The label value.
        value: u8,
    },
}

impl fmt::Display for Corruption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Corruption::TooShort { len, header } => {
                write!(f, "only {len} bytes, shorter than its {header}-byte header")
            }
            Corruption::WrongMagic { found, expected } => write!(
                f,
                "wrong magic number {found:#010x} (expected {expected:#010x} for {})",
                kind(*expected)
            ),
            Corruption::ZeroDimension { shape } => {
                write!(f, "header says {shape}; no dimension may be zero")
            }
            Corruption::TooLarge { shape } => {
                write!(f, "header says {shape}, far too large to be real")
            }
            Corruption::WrongLength {
                shape,
                expected,
                actual,
            } => {
                write!(
                    f,
                    "header says {shape} ({expected} byte{}), but {actual} byte{} follow{} the header",
                    plural(*expected),
                    plural(*actual),
                    if *actual == 1 { "s" } else { "" },
                )?;
                match actual.checked_sub(*expected) {
                    None => write!(f, ": the file is truncated"),
                    Some(1) => write!(f, ": 1 byte too many"),
                    Some(extra) => write!(f, ": {extra} bytes too many"),
                }
            }
            Corruption::BadLabel { index, value } => {
                write!(f, "label {value} at index {index} is not a digit 0-9")
            }
        }
    }
}

/// An error reading an IDX file. Its message is one line naming the file, the problem and the fix.
#[derive(Debug)]
pub enum IdxError {
    /// The file does not exist.
    NotFound {
        /// The file's path.
        file: String,
    },
    /// The file exists but could not be read (permissions, a directory, ...).
    Unreadable {
        /// The file's path.
        file: String,
        /// The operating system's error; it is part of the message, so `source()` is `None`.
        error: io::Error,
    },
    /// An image file was given where a label file was expected, or the other way round.
    WrongKind {
        /// The file's name or path.
        file: String,
        /// The magic number in the file.
        found: u32,
        /// The magic number that was expected.
        expected: u32,
    },
    /// The file is not a valid IDX file of the expected kind.
    Corrupt {
        /// The file's name or path.
        file: String,
        /// What is wrong with it.
        problem: Corruption,
    },
}

impl fmt::Display for IdxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdxError::NotFound { file } => {
                write!(f, "{file}: file not found; {FETCH_HINT}")
            }
            IdxError::Unreadable { file, error } => {
                write!(f, "{file}: cannot read the file ({error})")
            }
            IdxError::WrongKind {
                file,
                found,
                expected,
            } => write!(
                f,
                "{file}: this is {} (magic number {found:#010x}), not {} ({expected:#010x}); \
                 check that you passed the right file",
                kind(*found),
                kind(*expected)
            ),
            IdxError::Corrupt { file, problem } => {
                write!(
                    f,
                    "{file}: {problem}; the file is corrupt — {FETCH_HINT} again"
                )
            }
        }
    }
}

impl std::error::Error for IdxError {}

/// The plural ending for `n` things: "" for one, "s" otherwise.
fn plural<T: PartialEq + From<u8>>(n: T) -> &'static str {
    if n == T::from(1) { "" } else { "s" }
}

fn kind(magic: u32) -> &'static str {
    if magic == IMAGES_MAGIC {
        "an image file"
    } else if magic == LABELS_MAGIC {
        "a label file"
    } else {
        "an unknown kind of file"
    }
}

/// Splits `bytes` into `N` big-endian `u32` header words and the body; `None` if too short.
fn split_header<const N: usize>(bytes: &[u8]) -> Option<([u32; N], &[u8])> {
    let mut words = [0; N];
    let mut rest = bytes;
    for word in &mut words {
        let (chunk, tail) = rest.split_first_chunk::<4>()?;
        *word = u32::from_be_bytes(*chunk);
        rest = tail;
    }
    Some((words, rest))
}

// ANCHOR: check
/// Checks the header of an IDX file against the file's length `len`, given the file's
/// first bytes `head` (all of it, or at least its `4 · N`-byte header); returns the
/// dimensions.
fn check<const N: usize>(
    head: &[u8],
    len: usize,
    name: &str,
    expected: u32,
    shape: fn([u32; N]) -> Shape,
) -> Result<[usize; 3], IdxError> {
    let corrupt = |problem| IdxError::Corrupt {
        file: name.to_owned(),
        problem,
    };
    let too_short = || corrupt(Corruption::TooShort { len, header: 4 * N });
    // The magic number first: it alone tells an image file from a label file.
    let ([magic], _) = split_header::<1>(head).ok_or_else(too_short)?;
    if magic != expected {
        return Err(if magic == IMAGES_MAGIC || magic == LABELS_MAGIC {
            IdxError::WrongKind {
                file: name.to_owned(),
                found: magic,
                expected,
            }
        } else {
            corrupt(Corruption::WrongMagic {
                found: magic,
                expected,
            })
        });
    }
    let (header, _) = split_header::<N>(head).ok_or_else(too_short)?;
    let body = len.checked_sub(4 * N).ok_or_else(too_short)?;
    let shape = shape(header);
    let mut dims = [0; 3];
    let mut size: usize = 1; // the bytes the header claims
    for (dim, claimed) in dims.iter_mut().zip(shape.dims()) {
        if claimed == 0 {
            return Err(corrupt(Corruption::ZeroDimension { shape }));
        }
        *dim = usize::try_from(claimed)
            .map_err(|_| corrupt(Corruption::TooLarge { shape }))?;
        size = size
            .checked_mul(*dim)
            .ok_or_else(|| corrupt(Corruption::TooLarge { shape }))?;
    }
    if size != body {
        return Err(corrupt(Corruption::WrongLength {
            shape,
            expected: size,
            actual: body,
        }));
    }
    Ok(dims)
}
// ANCHOR_END: check

/// Parses the contents of an IDX image file; `name` (usually the path) is used in error messages.
pub fn parse_images(bytes: &[u8], name: &str) -> Result<Images, IdxError> {
    let [count, rows, cols] = check_images(bytes, bytes.len(), name)?;
    Ok(Images {
        count,
        rows,
        cols,
        pixels: bytes.get(IMAGES_HEADER..).unwrap_or_default().to_vec(),
    })
}

/// Bytes in the header of an image file: magic, count, rows, cols.
const IMAGES_HEADER: usize = 16;

/// Bytes in the header of a label file: magic, count.
const LABELS_HEADER: usize = 8;

/// [`check`] for an image file of `len` bytes that starts with `head`: its
/// `[count, rows, cols]`.
fn check_images(head: &[u8], len: usize, name: &str) -> Result<[usize; 3], IdxError> {
    check::<4>(head, len, name, IMAGES_MAGIC, |[_, count, rows, cols]| {
        Shape::Images { count, rows, cols }
    })
}

/// Parses the contents of an IDX label file; `name` (usually the path) is used in error messages.
///
/// Every label must be a digit 0–9.
pub fn parse_labels(bytes: &[u8], name: &str) -> Result<Labels, IdxError> {
    check::<2>(bytes, bytes.len(), name, LABELS_MAGIC, |[_, count]| {
        Shape::Labels { count }
    })?;
    let body = bytes.get(LABELS_HEADER..).unwrap_or_default();
    if let Some((index, &value)) =
        body.iter().enumerate().find(|&(_, &label)| label > 9)
    {
        return Err(IdxError::Corrupt {
            file: name.to_owned(),
            problem: Corruption::BadLabel { index, value },
        });
    }
    Ok(Labels(body.to_vec()))
}

/// The error for a file that cannot be opened or read.
fn unreadable(path: &Path, error: io::Error) -> IdxError {
    let file = path.display().to_string();
    if error.kind() == io::ErrorKind::NotFound {
        IdxError::NotFound { file }
    } else {
        IdxError::Unreadable { file, error }
    }
}

// ANCHOR: image_file
/// An IDX image file whose header has been checked against the file's length, ready
/// for its pixels to be read ([`read_where`](Self::read_where)).
#[derive(Debug)]
pub struct ImageFile {
    /// The file's path, for error messages.
    path: PathBuf,
    /// The file, read up to the end of its header.
    reader: BufReader<File>,
    /// Number of images.
    pub count: usize,
    /// Height of each image in pixels.
    pub rows: usize,
    /// Width of each image in pixels.
    pub cols: usize,
}

impl ImageFile {
    /// Opens an IDX image file and checks its header: nothing is allocated for the
    /// pixels until the dimensions multiply to the number of bytes the file has left.
    ///
    /// # Errors
    /// [`IdxError`] when the file cannot be read or its header is wrong.
    pub fn open(path: &Path) -> Result<Self, IdxError> {
        let file = File::open(path).map_err(|error| unreadable(path, error))?;
        let len = file
            .metadata()
            .map_err(|error| unreadable(path, error))?
            .len();
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut head = Vec::with_capacity(IMAGES_HEADER);
        (&mut reader)
            .take(IMAGES_HEADER as u64)
            .read_to_end(&mut head)
            .map_err(|error| unreadable(path, error))?;
        let name = path.display().to_string();
        let [count, rows, cols] = check_images(&head, len, &name)?;
        let path = path.to_owned();
        Ok(Self {
            path,
            reader,
            count,
            rows,
            cols,
        })
    }

    /// Reads the images one at a time, in order, and keeps those for which
    /// `keep(index)` is true: the others never take memory.
    ///
    /// # Errors
    /// [`IdxError::Unreadable`] when reading fails (the file shrank since it was
    /// opened, say).
    pub fn read_where(
        mut self,
        mut keep: impl FnMut(usize) -> bool,
    ) -> Result<Images, IdxError> {
        let mut image = vec![0; self.rows * self.cols]; // fits: `open` checked it
        let mut pixels = Vec::new();
        for index in 0..self.count {
            self.reader
                .read_exact(&mut image)
                .map_err(|error| unreadable(&self.path, error))?;
            if keep(index) {
                pixels.extend_from_slice(&image);
            }
        }
        Ok(Images {
            count: pixels.len() / image.len(),
            rows: self.rows,
            cols: self.cols,
            pixels,
        })
    }
}
// ANCHOR_END: image_file

/// Reads an IDX image file such as `data/train-images-idx3-ubyte`: all its images
/// ([`ImageFile`] reads only some).
pub fn read_images(path: &Path) -> Result<Images, IdxError> {
    ImageFile::open(path)?.read_where(|_| true)
}

/// Reads an IDX label file such as `data/train-labels-idx1-ubyte`.
pub fn read_labels(path: &Path) -> Result<Labels, IdxError> {
    let bytes = std::fs::read(path).map_err(|error| unreadable(path, error))?;
    parse_labels(&bytes, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An IDX file: the given header words (big-endian), then the body.
    fn idx(header: &[u32], body: &[u8]) -> Vec<u8> {
        let mut bytes: Vec<u8> =
            header.iter().flat_map(|w| w.to_be_bytes()).collect();
        bytes.extend_from_slice(body);
        bytes
    }

    /// The message of the error in `result`; fails the test if there is no error.
    fn message<T: fmt::Debug>(result: Result<T, IdxError>) -> String {
        match result {
            Ok(value) => panic!("expected an error, got {value:?}"),
            Err(error) => {
                let text = error.to_string();
                assert!(!text.contains('\n'), "message is not one line: {text}");
                text
            }
        }
    }

    const CORRUPT: &str =
        "the file is corrupt — run `cargo mnist-fetch` to download it again";

    #[test]
    fn parses_valid_images() -> Result<(), IdxError> {
        // Two images of 2 rows x 3 columns.
        let images = parse_images(
            &idx(&[0x803, 2, 2, 3], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]),
            "x",
        )?;
        assert_eq!((images.count, images.rows, images.cols), (2, 2, 3));
        assert_eq!(images.pixels.len(), 12);
        assert_eq!(images.image(1), Some(&[6, 7, 8, 9, 10, 255][..]));
        assert_eq!(images.image(2), None);
        Ok(())
    }

    #[test]
    fn parses_valid_labels() -> Result<(), IdxError> {
        let labels = parse_labels(&idx(&[0x801, 4], &[5, 0, 4, 9]), "x")?;
        assert_eq!(labels, Labels(vec![5, 0, 4, 9]));
        Ok(())
    }

    #[test]
    fn rejects_truncated_body() {
        let bytes = idx(&[0x803, 2, 2, 3], &[0; 11]);
        assert_eq!(
            message(parse_images(&bytes, "data/img")),
            format!(
                "data/img: header says 2 images of 2x3 pixels (12 bytes), but 11 bytes follow \
                 the header: the file is truncated; {CORRUPT}"
            )
        );
        assert_eq!(
            message(parse_labels(&idx(&[0x801, 3], &[1, 2]), "data/lab")),
            format!(
                "data/lab: header says 3 labels (3 bytes), but 2 bytes follow the header: \
                 the file is truncated; {CORRUPT}"
            )
        );
    }

    #[test]
    fn rejects_truncated_header() {
        assert_eq!(
            message(parse_images(&[0, 0, 8, 3, 0], "data/img")),
            format!(
                "data/img: only 5 bytes, shorter than its 16-byte header; {CORRUPT}"
            )
        );
        assert_eq!(
            message(parse_labels(&[0, 0], "data/lab")),
            format!(
                "data/lab: only 2 bytes, shorter than its 8-byte header; {CORRUPT}"
            )
        );
    }

    #[test]
    fn rejects_oversized_files() {
        assert_eq!(
            message(parse_images(&idx(&[0x803, 1, 2, 2], &[0; 5]), "data/img")),
            format!(
                "data/img: header says 1 image of 2x2 pixels (4 bytes), but 5 bytes follow \
                 the header: 1 byte too many; {CORRUPT}"
            )
        );
        assert_eq!(
            message(parse_labels(&idx(&[0x801, 1], &[1, 2, 3]), "data/lab")),
            format!(
                "data/lab: header says 1 label (1 byte), but 3 bytes follow the header: \
                 2 bytes too many; {CORRUPT}"
            )
        );
    }

    #[test]
    fn rejects_wrong_magic() {
        assert_eq!(
            message(parse_images(
                &idx(&[0x1f8b_0800, 1, 1, 1], &[0]),
                "data/img"
            )),
            format!(
                "data/img: wrong magic number 0x1f8b0800 (expected 0x00000803 for an image \
                 file); {CORRUPT}"
            )
        );
        assert_eq!(
            message(parse_labels(&idx(&[0x802, 1], &[0]), "data/lab")),
            format!(
                "data/lab: wrong magic number 0x00000802 (expected 0x00000801 for a label \
                 file); {CORRUPT}"
            )
        );
    }

    #[test]
    fn rejects_swapped_files() {
        assert_eq!(
            message(parse_images(
                &idx(&[0x801, 1], &[0]),
                "data/t10k-images-idx3-ubyte"
            )),
            "data/t10k-images-idx3-ubyte: this is a label file (magic number 0x00000801), \
             not an image file (0x00000803); check that you passed the right file"
        );
        assert_eq!(
            message(parse_labels(&idx(&[0x803, 1, 1, 1], &[0]), "data/lab")),
            "data/lab: this is an image file (magic number 0x00000803), not a label file \
             (0x00000801); check that you passed the right file"
        );
    }

    #[test]
    fn rejects_zero_dimensions() {
        assert_eq!(
            message(parse_images(&idx(&[0x803, 5, 0, 28], &[]), "data/img")),
            format!(
                "data/img: header says 5 images of 0x28 pixels; no dimension may be zero; {CORRUPT}"
            )
        );
        assert_eq!(
            message(parse_labels(&idx(&[0x801, 0], &[]), "data/lab")),
            format!(
                "data/lab: header says 0 labels; no dimension may be zero; {CORRUPT}"
            )
        );
    }

    #[test]
    fn rejects_huge_dimensions_without_allocating() {
        // The product overflows usize: refused before any arithmetic can wrap.
        let max = u32::MAX;
        let huge = idx(&[0x803, max, max, max], &[1, 2, 3]);
        assert_eq!(
            message(parse_images(&huge, "data/img")),
            format!(
                "data/img: header says {max} images of {max}x{max} pixels, far too large to be \
                 real; {CORRUPT}"
            )
        );
        // On 64-bit targets the product fits (3.4e12 bytes): compared, never allocated.
        if usize::BITS < 64 {
            return;
        }
        let big = idx(&[0x803, max, 28, 28], &[0; 784]);
        assert_eq!(
            message(parse_images(&big, "data/img")),
            format!(
                "data/img: header says {max} images of 28x28 pixels (3367254359280 bytes), but \
                 784 bytes follow the header: the file is truncated; {CORRUPT}"
            )
        );
    }

    #[test]
    fn rejects_labels_above_nine() {
        assert_eq!(
            message(parse_labels(
                &idx(&[0x801, 4], &[3, 9, 10, 255]),
                "data/lab"
            )),
            format!("data/lab: label 10 at index 2 is not a digit 0-9; {CORRUPT}")
        );
    }

    /// A path in the system's temporary folder, unique to this test process.
    fn temp_path(name: &str) -> PathBuf {
        std::env::temp_dir()
            .join(format!("mnist-idx-test-{}-{name}", std::process::id()))
    }

    #[test]
    fn missing_file_says_how_to_fetch_it() {
        let path = temp_path("no-such-file");
        let expected = format!("{}: file not found; {FETCH_HINT}", path.display());
        assert_eq!(message(read_images(&path)), expected);
        assert_eq!(message(read_labels(&path)), expected);
        assert!(expected.ends_with("run `cargo mnist-fetch` to download it"));
    }

    #[test]
    fn unreadable_file_is_reported() -> io::Result<()> {
        let dir = temp_path("a-directory");
        std::fs::create_dir_all(&dir)?;
        let text = message(read_labels(&dir));
        std::fs::remove_dir(&dir)?;
        assert!(
            text.starts_with(&format!("{}: cannot read the file (", dir.display())),
            "{text}"
        );
        Ok(())
    }

    #[test]
    fn reads_files_from_disk() -> Result<(), Box<dyn std::error::Error>> {
        let images_path = temp_path("images");
        let labels_path = temp_path("labels");
        let pixels: Vec<u8> = (1..=12).collect();
        let image_bytes = idx(&[0x803, 2, 2, 3], &pixels);
        std::fs::write(&images_path, &image_bytes)?;
        std::fs::write(&labels_path, idx(&[0x801, 1], &[7]))?;
        let images = read_images(&images_path);
        let labels = read_labels(&labels_path);
        std::fs::remove_file(&images_path)?;
        std::fs::remove_file(&labels_path)?;
        // Read image by image: the same images as parsing the whole file.
        let images = images?;
        assert_eq!(images.pixels, pixels);
        assert_eq!(images, parse_images(&image_bytes, "x")?);
        assert_eq!(labels?, Labels(vec![7]));
        Ok(())
    }

    #[test]
    fn an_image_file_keeps_only_the_images_asked_for()
    -> Result<(), Box<dyn std::error::Error>> {
        let path = temp_path("some-images");
        std::fs::write(&path, idx(&[0x803, 3, 1, 2], &[1, 2, 3, 4, 5, 6]))?;
        let file = ImageFile::open(&path)?;
        assert_eq!((file.count, file.rows, file.cols), (3, 1, 2));
        let mut asked = Vec::new();
        let images = file.read_where(|index| {
            asked.push(index);
            index != 1
        });
        std::fs::write(&path, idx(&[0x803, 3, 1, 2], &[1, 2, 3]))?;
        let truncated = message(ImageFile::open(&path));
        std::fs::remove_file(&path)?;
        assert_eq!(asked, [0, 1, 2], "every image is asked about, in order");
        let images = images?;
        assert_eq!((images.count, images.pixels), (2, vec![1, 2, 5, 6]));
        assert!(truncated.contains("the file is truncated"), "{truncated}");
        Ok(())
    }

    #[test]
    fn reads_the_real_mnist_files() -> Result<(), IdxError> {
        if !crate::data::data_or_skip("idx::tests::reads_the_real_mnist_files") {
            return Ok(());
        }
        let dir = crate::data::data_dir();
        let train_images = read_images(&dir.join("train-images-idx3-ubyte"))?;
        let train_labels = read_labels(&dir.join("train-labels-idx1-ubyte"))?;
        let test_images = read_images(&dir.join("t10k-images-idx3-ubyte"))?;
        let test_labels = read_labels(&dir.join("t10k-labels-idx1-ubyte"))?;
        assert_eq!(
            (train_images.count, train_images.rows, train_images.cols),
            (60_000, 28, 28)
        );
        assert_eq!(
            (test_images.count, test_images.rows, test_images.cols),
            (10_000, 28, 28)
        );
        assert_eq!(train_labels.0.len(), 60_000);
        assert_eq!(test_labels.0.len(), 10_000);
        // The well-known first digits: a 5 in training, a 7 in testing.
        assert_eq!((train_labels.0[0], test_labels.0[0]), (5, 7));
        let digits_0_to_4 =
            |labels: &Labels| labels.0.iter().filter(|&&d| d <= 4).count();
        assert_eq!(digits_0_to_4(&train_labels), 30_596);
        assert_eq!(digits_0_to_4(&test_labels), 5_139);
        Ok(())
    }
}
