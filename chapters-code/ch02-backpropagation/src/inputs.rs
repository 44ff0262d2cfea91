//! The inputs of a batch as the first layer reads them: a dense matrix, or only the
//! non-zero values of each row.
//!
//! The first layer is the only place where a network touches its inputs: the forward
//! pass multiplies them by the weights (`X·Wᵀ`) and the backward pass multiplies the
//! error signal by them (`Δᵀ·X`, the first layer's weight gradient). [`InputBatch`]
//! is those two products. A dense matrix computes them with ndarray's `dot`;
//! [`SparseRows`] skips the zeros. A handwritten digit inks about 150 of its 784
//! pixels, so most of the products' terms are `0 · w` and the sparse form does about
//! a fifth of the work, with the same weights and the same network: leaving out a
//! term that is exactly zero changes no sum (only the order in which the other terms
//! are added, and their rounding, can differ from a dense product's, which moves the
//! last bits).

use std::sync::OnceLock;

use ndarray::{Array2, ArrayView2};

use crate::lines;
use crate::network::{MAX_PARAMETERS, NetworkError};

/// A batch of inputs, one example per row, as the first layer of a
/// [`Network`](crate::Network) reads it.
pub trait InputBatch {
    /// (examples, values per example).
    fn dim(&self) -> (usize, usize);

    /// `X·Wᵀ` for `weights` W (outputs × inputs): one row per example, one column per
    /// output.
    ///
    /// # Errors
    /// [`NetworkError::BatchShape`] when W does not take as many inputs as a row has.
    fn times_transposed(
        &self,
        weights: &Array2<f64>,
    ) -> Result<Array2<f64>, NetworkError>;

    /// `Δᵀ·X` for `deltas` Δ (examples × outputs): the first layer's weight gradient
    /// summed over the examples, shaped like the weights (outputs × inputs).
    ///
    /// # Errors
    /// [`NetworkError::BatchShape`] when Δ does not have one row per example or the
    /// gradient would hold more than [`MAX_PARAMETERS`] numbers.
    fn transposed_times(
        &self,
        deltas: ArrayView2<'_, f64>,
    ) -> Result<Array2<f64>, NetworkError>;

    /// The columns (inputs) that hold a non-zero value in at least one row, in
    /// increasing order, or `None` when any of them may. In every other column of
    /// [`transposed_times`](Self::transposed_times), the gradient is exactly 0, so an
    /// update can skip those weights.
    fn used_columns(&self) -> Option<Vec<usize>> {
        None
    }
}

/// Checks that `weights` take a row of `inputs` (`columns` values).
fn check_weights(columns: usize, weights: &Array2<f64>) -> Result<(), NetworkError> {
    if weights.ncols() == columns {
        return Ok(());
    }
    Err(NetworkError::BatchShape {
        what: "weights",
        expected: format!("one column per input value ({columns})"),
        given: weights.dim(),
    })
}

/// Checks that `deltas` have one row per example and that the gradient (`deltas`'
/// columns × `columns`) is not too large to hold.
fn check_deltas(
    (rows, columns): (usize, usize),
    deltas: ArrayView2<'_, f64>,
) -> Result<(), NetworkError> {
    let fits = columns <= MAX_PARAMETERS
        && deltas
            .ncols()
            .checked_mul(columns)
            .is_some_and(|size| size <= MAX_PARAMETERS);
    if deltas.nrows() == rows && fits {
        return Ok(());
    }
    Err(NetworkError::BatchShape {
        what: "deltas",
        expected: format!(
            "{rows} rows (one per example), at most {MAX_PARAMETERS} gradients"
        ),
        given: deltas.dim(),
    })
}

impl InputBatch for ArrayView2<'_, f64> {
    fn dim(&self) -> (usize, usize) {
        ArrayView2::dim(self)
    }

    fn times_transposed(
        &self,
        weights: &Array2<f64>,
    ) -> Result<Array2<f64>, NetworkError> {
        check_weights(self.ncols(), weights)?;
        Ok(self.dot(&weights.t()))
    }

    fn transposed_times(
        &self,
        deltas: ArrayView2<'_, f64>,
    ) -> Result<Array2<f64>, NetworkError> {
        check_deltas(self.dim(), deltas)?;
        Ok(deltas.t().dot(self))
    }
}

impl InputBatch for Array2<f64> {
    fn dim(&self) -> (usize, usize) {
        Array2::dim(self)
    }

    fn times_transposed(
        &self,
        weights: &Array2<f64>,
    ) -> Result<Array2<f64>, NetworkError> {
        self.view().times_transposed(weights)
    }

    fn transposed_times(
        &self,
        deltas: ArrayView2<'_, f64>,
    ) -> Result<Array2<f64>, NetworkError> {
        self.view().transposed_times(deltas)
    }
}

/// A batch of inputs that keeps only the non-zero values of each row (compressed
/// sparse rows): for row `r`, the columns `columns[starts[r]..starts[r + 1]]` hold
/// the values `values[starts[r]..starts[r + 1]]`, and every other value of the row is
/// 0.
#[derive(Debug, Clone)]
pub struct SparseRows {
    /// Where each row's entries start, and one past the last entry: `rows + 1`
    /// positions.
    starts: Vec<usize>,
    /// The column of each entry, increasing within a row.
    columns: Vec<u32>,
    /// The value of each entry (never 0).
    values: Vec<f64>,
    /// How many values a row has, zeros included.
    width: usize,
    /// The same entries by column, made when first needed.
    by_column: OnceLock<ByColumn>,
}

/// The entries of a [`SparseRows`] by column: for column `k`, the `(row, value)`
/// entries `entries[starts[k]..starts[k + 1]]`, in row order.
#[derive(Debug, Clone)]
struct ByColumn {
    starts: Vec<usize>,
    entries: Vec<(usize, f64)>,
}

impl PartialEq for SparseRows {
    /// The same rows of the same values (however far each has been indexed).
    fn eq(&self, other: &Self) -> bool {
        (&self.starts, &self.columns, &self.values, self.width)
            == (&other.starts, &other.columns, &other.values, other.width)
    }
}

/// How many outputs the sparse products compute at once: a block of sums that the
/// compiler keeps in the processor's vector registers. (The block size changes no
/// result: each sum adds the same terms in the same order.)
const BLOCK: usize = 64;

impl Default for SparseRows {
    /// An empty batch of rows of no values.
    fn default() -> Self {
        Self::new(0)
    }
}

impl SparseRows {
    /// An empty batch of rows that are `width` values wide.
    pub fn new(width: usize) -> Self {
        Self {
            starts: vec![0],
            columns: Vec::new(),
            values: Vec::new(),
            width,
            by_column: OnceLock::new(),
        }
    }

    /// An empty batch with room for `rows` rows and `stored` non-zero values in all.
    pub fn with_capacity(width: usize, rows: usize, stored: usize) -> Self {
        // Room asked for is a hint: at most a million entries are reserved ahead.
        let reserve = |count: usize| count.min(1 << 20);
        let mut starts = Vec::with_capacity(reserve(rows.saturating_add(1)));
        starts.push(0);
        Self {
            starts,
            columns: Vec::with_capacity(reserve(stored)),
            values: Vec::with_capacity(reserve(stored)),
            width,
            by_column: OnceLock::new(),
        }
    }

    /// The non-zero values of a dense matrix, row by row.
    pub fn from_dense(dense: ArrayView2<'_, f64>) -> Self {
        let mut sparse = Self::new(dense.ncols());
        for row in dense.rows() {
            sparse.push_row(row.iter().copied().enumerate());
        }
        sparse
    }

    /// Appends a row given as `(column, value)` pairs in increasing column order;
    /// zeros and columns outside the width are left out.
    pub fn push_row(&mut self, entries: impl IntoIterator<Item = (usize, f64)>) {
        for (column, value) in entries {
            if value != 0.0
                && column < self.width
                && let Ok(column) = u32::try_from(column)
            {
                self.columns.push(column);
                self.values.push(value);
            }
        }
        self.starts.push(self.values.len());
        self.by_column.take();
    }

    /// The same batch with its entries also indexed by column (which the weight
    /// gradient reads them by), so that a thread preparing batches ahead of training
    /// can do that work too.
    pub fn with_column_index(self) -> Self {
        self.by_column();
        self
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.starts.len() - 1
    }

    /// The number of stored (non-zero) values.
    pub fn stored(&self) -> usize {
        self.values.len()
    }

    /// The batch as a dense matrix.
    ///
    /// # Errors
    /// [`NetworkError::BatchShape`] when it would hold more than [`MAX_PARAMETERS`]
    /// numbers.
    pub fn to_dense(&self) -> Result<Array2<f64>, NetworkError> {
        let size = self.rows().checked_mul(self.width);
        if size.is_none_or(|size| size > MAX_PARAMETERS) {
            return Err(NetworkError::BatchShape {
                what: "inputs",
                expected: format!("at most {MAX_PARAMETERS} values in all"),
                given: self.dim(),
            });
        }
        let mut dense = Array2::zeros((self.rows(), self.width));
        for (r, mut row) in dense.rows_mut().into_iter().enumerate() {
            for (column, value) in self.row(r) {
                row[column] = value;
            }
        }
        Ok(dense)
    }

    /// The error for entries that do not fit their rows (a `SparseRows` built by its own
    /// methods never has them).
    fn mismatch(&self) -> NetworkError {
        NetworkError::BatchShape {
            what: "inputs",
            expected: format!("rows of {} values", self.width),
            given: self.dim(),
        }
    }

    /// The `(column, value)` entries of row `r`.
    fn row(&self, r: usize) -> impl Iterator<Item = (usize, f64)> + Clone + '_ {
        let range = self.starts[r]..self.starts[r + 1];
        self.columns[range.clone()]
            .iter()
            .map(|&c| c as usize)
            .zip(self.values[range].iter().copied())
    }

    /// The entries by column, indexed on the first call; `None` for rows wider than
    /// [`MAX_PARAMETERS`] (too wide to index).
    fn by_column(&self) -> Option<&ByColumn> {
        if self.width > MAX_PARAMETERS {
            return None;
        }
        Some(self.by_column.get_or_init(|| self.index_columns()))
    }

    /// The same entries by column: for every column, its `(row, value)` entries in
    /// row order.
    fn index_columns(&self) -> ByColumn {
        let mut starts = vec![0; self.width + 1];
        for &column in &self.columns {
            starts[column as usize + 1] += 1;
        }
        for c in 0..self.width {
            starts[c + 1] += starts[c];
        }
        let mut next = starts.clone();
        let mut entries = vec![(0, 0.0); self.stored()];
        for r in 0..self.rows() {
            for (column, value) in self.row(r) {
                entries[next[column]] = (r, value);
                next[column] += 1;
            }
        }
        ByColumn { starts, entries }
    }
}

// ANCHOR: sparse_products
impl InputBatch for SparseRows {
    fn dim(&self) -> (usize, usize) {
        (self.rows(), self.width)
    }

    fn times_transposed(
        &self,
        weights: &Array2<f64>,
    ) -> Result<Array2<f64>, NetworkError> {
        check_weights(self.width, weights)?;
        let outputs = weights.nrows();
        // W stored column by column (as `Network` keeps it): W's column k, the
        // weights leaving input k, is one contiguous run of `outputs` numbers.
        let Some(by_input) = weights.t().to_slice() else {
            return self.to_dense()?.times_transposed(weights);
        };
        let mut z = Array2::zeros((self.rows(), outputs));
        for (r, mut out) in z.rows_mut().into_iter().enumerate() {
            // Row r of Z: Σ over the inked inputs k of x_k · (column k of W).
            let terms = self.row(r).map(|(k, x)| (k * outputs, x));
            let out = out.as_slice_mut().ok_or_else(|| self.mismatch())?;
            block_sums(terms, by_input, out);
        }
        Ok(z)
    }

    fn transposed_times(
        &self,
        deltas: ArrayView2<'_, f64>,
    ) -> Result<Array2<f64>, NetworkError> {
        check_deltas(self.dim(), deltas)?;
        let outputs = deltas.ncols();
        let Some(deltas_by_row) = deltas.to_slice() else {
            return self.to_dense()?.transposed_times(deltas);
        };
        let Some(ByColumn { starts, entries }) = self.by_column() else {
            return Err(self.mismatch());
        };
        // Built column by column: column k of the gradient is Σ over the rows r that
        // have a value x in column k of x · (row r of Δ). Columns that no row touches
        // are zero, filled in one go up to the next column that some row touches.
        // (Each column is written just before its sums, while it is in the fastest
        // cache, rather than the whole gradient zeroed first.)
        let (mut gradient, skip) = lines::vec_on_lines(self.width * outputs);
        for k in 0..self.width {
            let column = &entries[starts[k]..starts[k + 1]];
            if column.is_empty() {
                continue;
            }
            let (start, end) = (skip + k * outputs, skip + (k + 1) * outputs);
            gradient.resize(end, 0.0);
            let terms = column.iter().map(|&(r, x)| (r * outputs, x));
            block_sums(terms, deltas_by_row, &mut gradient[start..end]);
        }
        gradient.resize(skip + self.width * outputs, 0.0);
        lines::column_major_from(gradient, skip, (outputs, self.width))
            .map_err(|_| self.mismatch())
    }

    fn used_columns(&self) -> Option<Vec<usize>> {
        let starts = &self.by_column()?.starts;
        Some(
            (0..self.width)
                .filter(|&k| starts[k + 1] > starts[k])
                .collect(),
        )
    }
}
// ANCHOR_END: sparse_products

// ANCHOR: block_sums
/// Writes `Σ x · source[start..start + out.len()]` over the `(start, x)` of `terms`
/// to `out`: one row of a product. The sums are kept in blocks of a fixed size
/// ([`BLOCK`] at a time, then smaller ones for the last outputs), which the compiler
/// keeps in vector registers from the first term to the last.
fn block_sums(
    terms: impl Iterator<Item = (usize, f64)> + Clone,
    source: &[f64],
    out: &mut [f64],
) {
    let mut done = 0;
    while out.len() - done >= BLOCK {
        done += fixed_block::<BLOCK>(terms.clone(), source, done, out);
    }
    // The last outputs (fewer than BLOCK) in blocks of 32, 16, 8, 4, 2 and 1: one
    // block per bit of their count.
    let rest = out.len() - done;
    if rest & 32 != 0 {
        done += fixed_block::<32>(terms.clone(), source, done, out);
    }
    if rest & 16 != 0 {
        done += fixed_block::<16>(terms.clone(), source, done, out);
    }
    if rest & 8 != 0 {
        done += fixed_block::<8>(terms.clone(), source, done, out);
    }
    if rest & 4 != 0 {
        done += fixed_block::<4>(terms.clone(), source, done, out);
    }
    if rest & 2 != 0 {
        done += fixed_block::<2>(terms.clone(), source, done, out);
    }
    if rest & 1 != 0 {
        fixed_block::<1>(terms, source, done, out);
    }
}

/// Writes the `N` sums `Σ x · source[start + first..start + first + N]` to
/// `out[first..first + N]` and returns `N`. Each term is added with one fused
/// multiply-add (`mul_add`: `x · value + sum`, rounded once), in the order of the
/// terms: IEEE 754 defines its result exactly, so the numbers are the same on every
/// processor and at any block size.
fn fixed_block<const N: usize>(
    terms: impl Iterator<Item = (usize, f64)>,
    source: &[f64],
    first: usize,
    out: &mut [f64],
) -> usize {
    let mut sums = [0.0; N];
    for (start, x) in terms {
        let values = source.get(start + first..start + first + N);
        if let Some(values) = values.and_then(|v| <&[f64; N]>::try_from(v).ok()) {
            for (sum, &value) in sums.iter_mut().zip(values) {
                *sum = x.mul_add(value, *sum);
            }
        }
    }
    if let Some(out) = out.get_mut(first..first + N) {
        out.copy_from_slice(&sums);
    }
    N
}
// ANCHOR_END: block_sums

#[cfg(test)]
mod tests {
    #[test]
    fn an_empty_batch_has_no_rows() {
        let empty = SparseRows::default();
        assert_eq!((empty.rows(), empty.stored(), empty.dim()), (0, 0, (0, 0)));
        assert_eq!(empty.to_dense().map(|d| d.dim()), Ok((0, 0)));
    }

    #[test]
    fn wrong_shapes_and_huge_widths_are_errors() {
        let sparse = SparseRows::from_dense(dense().view());
        let error = sparse
            .times_transposed(&Array2::zeros((2, 3)))
            .expect_err("3 inputs, not 4");
        assert!(
            error.to_string().contains("one column per input value (4)"),
            "{error}"
        );
        let error = sparse
            .transposed_times(Array2::zeros((2, 5)).view())
            .expect_err("2 rows, not 3");
        assert!(error.to_string().contains("3 rows"), "{error}");
        let mut huge = SparseRows::with_capacity(usize::MAX, usize::MAX, usize::MAX);
        huge.push_row([(usize::MAX - 1, 1.0)]);
        assert!(huge.to_dense().is_err());
        assert_eq!(huge.used_columns(), None, "too wide to index");
        let huge = huge.with_column_index();
        assert!(huge.transposed_times(Array2::zeros((1, 2)).view()).is_err());
        assert!(huge.transposed_times(Array2::zeros((1, 0)).view()).is_err());
    }

    use super::*;
    use ndarray::{ShapeBuilder, array};

    fn dense() -> Array2<f64> {
        array![
            [0.0, 0.5, 0.0, 1.0],
            [0.0, 0.0, 0.0, 0.0],
            [0.25, 0.0, 0.0, 2.0]
        ]
    }

    #[test]
    fn the_column_index_follows_the_rows() {
        let mut sparse = SparseRows::from_dense(dense().view()).with_column_index();
        assert_eq!(sparse, SparseRows::from_dense(dense().view()));
        assert_eq!(sparse.used_columns(), Some(vec![0, 1, 3]));
        sparse.push_row([(2, 4.0)]);
        assert_eq!(sparse.used_columns(), Some(vec![0, 1, 2, 3]));
        let deltas = Array2::from_shape_fn((4, 2), |(r, j)| (r + j) as f64);
        let dense = sparse.to_dense().expect("small");
        assert_eq!(
            sparse.transposed_times(deltas.view()),
            dense.transposed_times(deltas.view())
        );
    }

    #[test]
    fn sparse_rows_keep_only_non_zeros() {
        let sparse = SparseRows::from_dense(dense().view());
        assert_eq!(sparse.dim(), (3, 4));
        assert_eq!(sparse.stored(), 4);
        assert_eq!(sparse.to_dense(), Ok(dense()));
    }

    #[test]
    fn sparse_products_equal_dense_products() {
        let x = dense();
        let sparse = SparseRows::from_dense(x.view());
        let w = Array2::from_shape_fn((70, 4), |(j, k)| {
            (j as f64 - 2.0 * k as f64) / 8.0
        });
        let w_by_column = {
            let mut f = Array2::zeros((70, 4).f());
            f.assign(&w);
            f
        };
        let deltas =
            Array2::from_shape_fn((3, 70), |(r, j)| (r * 70 + j) as f64 / 128.0);
        for weights in [&w, &w_by_column] {
            assert_eq!(
                sparse.times_transposed(weights),
                x.times_transposed(weights)
            );
        }
        assert_eq!(
            sparse.transposed_times(deltas.view()),
            x.transposed_times(deltas.view())
        );
    }
}
