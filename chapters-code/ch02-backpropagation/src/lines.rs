//! Matrices whose numbers start on a cache line.
//!
//! The processor moves memory in cache lines of 64 bytes, and the vector loops of
//! [`SparseRows`](crate::inputs::SparseRows) read 32 bytes (4 numbers) at a time on a
//! processor with AVX. A column of 64 weights that starts 16 bytes into a line spans 9
//! lines, not 8, and every other such read straddles two of them. Where the allocator
//! puts a matrix is chance (it promises 16 bytes), so the weights and the first layer's
//! gradient are stored from the start of a line on purpose: the numbers and every result
//! stay the same; only the addresses move. So that the address never decides anything
//! else, every matrix made here has the same strides for the same shape.

use ndarray::{Array1, Array2, Axis, Order, ShapeBuilder, Slice};

/// The size of a cache line, in numbers.
const LINE: usize = 64 / std::mem::size_of::<f64>();

/// An empty vector with room for `len` numbers after a few zeros of padding, and how many:
/// the first number pushed after them starts on a cache line. Fill it with exactly `len`
/// numbers, then shape it with [`column_major_from`].
pub(crate) fn vec_on_lines(len: usize) -> (Vec<f64>, usize) {
    let mut values: Vec<f64> = Vec::with_capacity(len.saturating_add(LINE - 1));
    let skip = match values.as_ptr().align_offset(64) {
        skip if skip < LINE => skip,
        _ => 0, // `align_offset` may decline to answer: no padding then
    };
    values.resize(skip, 0.0);
    (values, skip)
}

/// The `rows × cols` matrix stored column by column in `values[skip..]` (from
/// [`vec_on_lines`]), without copying; `values` back when it holds a different number
/// of numbers. Its strides are always the same for the same shape.
pub(crate) fn column_major_from(
    values: Vec<f64>,
    skip: usize,
    (rows, cols): (usize, usize),
) -> Result<Array2<f64>, Vec<f64>> {
    let len = rows.checked_mul(cols).and_then(|len| len.checked_add(skip));
    if len != Some(values.len()) {
        return Err(values);
    }
    let numbers = Array1::from(values).slice_axis_move(Axis(0), Slice::from(skip..));
    numbers
        .into_shape_with_order(((rows, cols), Order::ColumnMajor))
        .map_err(|_| Vec::new()) // cannot happen: a 1-D array of rows × cols numbers
}

/// The `rows × cols` matrix stored column by column in `values[first..]`: without
/// copying when those are all of `values` after `first` (see [`column_major_from`]),
/// else copied to the start of a cache line.
pub(crate) fn column_major_in(
    values: Vec<f64>,
    first: usize,
    shape: (usize, usize),
) -> Array2<f64> {
    column_major_from(values, first, shape).unwrap_or_else(|values| {
        let mut by_column = column_major_zeros(shape);
        let numbers = values.get(first..).unwrap_or_default();
        if let Some(slots) = by_column.as_slice_memory_order_mut() {
            slots
                .iter_mut()
                .zip(numbers)
                .for_each(|(slot, &n)| *slot = n);
        }
        by_column
    })
}

/// A `rows × cols` matrix of zeros stored column by column from the start of a cache line.
pub(crate) fn column_major_zeros(shape: (usize, usize)) -> Array2<f64> {
    let len = shape.0.saturating_mul(shape.1);
    let (mut values, skip) = vec_on_lines(len);
    values.resize(skip + len, 0.0);
    column_major_from(values, skip, shape)
        .unwrap_or_else(|_| Array2::zeros((shape.0, shape.1).f()))
}

/// Whether `matrix`'s first number starts a cache line.
pub(crate) fn on_a_line(matrix: &Array2<f64>) -> bool {
    (matrix.as_ptr() as usize).is_multiple_of(64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeros_start_on_a_line_and_are_stored_by_column() {
        for shape in [(1, 1), (5, 3), (64, 784), (7, 0)] {
            let zeros = column_major_zeros(shape);
            assert_eq!(zeros.dim(), shape);
            assert!(zeros.iter().all(|&z| z == 0.0));
            assert!(zeros.t().is_standard_layout(), "{shape:?}");
            if !zeros.is_empty() {
                assert!(on_a_line(&zeros), "{shape:?} at {:p}", zeros.as_ptr());
            }
        }
    }

    #[test]
    fn a_vector_with_more_numbers_is_copied() {
        let values = vec![9.0, 1.0, 2.0, 3.0, 4.0, 9.0];
        let matrix = column_major_in(values, 1, (2, 2));
        assert_eq!(matrix, ndarray::array![[1.0, 3.0], [2.0, 4.0]]);
        assert!(on_a_line(&matrix) && matrix.t().is_standard_layout());
    }

    #[test]
    fn a_filled_vector_becomes_the_matrix_by_column() {
        let (mut values, skip) = vec_on_lines(6);
        values.extend([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let matrix = column_major_from(values, skip, (2, 3));
        assert_eq!(
            matrix,
            Ok(ndarray::array![[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])
        );
        let (values, skip) = vec_on_lines(6);
        let too_few = column_major_from(values, skip, (2, 3));
        assert_eq!(
            too_few.map_err(|v| v.len()),
            Err(skip),
            "the values come back"
        );
    }
}
