//! The chapter's data sets: XOR, and a noisy version of it with a few hundred points.

use bookkit::NumpyRng;

/// Inputs and their targets, one target vector per input vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// One input vector per example.
    pub inputs: Vec<Vec<f64>>,
    /// One target vector per example.
    pub targets: Vec<Vec<f64>>,
}

impl Dataset {
    /// How many examples there are.
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }
}

/// A value read as "missing" in the data.
pub const MISSING: f64 = f64::NAN;

/// The four corners of the unit square.
pub const XOR_INPUTS: [[f64; 2]; 4] =
    [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// XOR of the two inputs: 1 when exactly one of them is 1.
pub const XOR_TARGETS: [f64; 4] = [0.0, 1.0, 1.0, 0.0];

// ANCHOR: xor
/// The XOR truth table: `[0, 0] → 0`, `[0, 1] → 1`, `[1, 0] → 1`, `[1, 1] → 0`.
pub fn xor() -> Dataset {
    Dataset {
        inputs: XOR_INPUTS.iter().map(|x| x.to_vec()).collect(),
        targets: XOR_TARGETS.iter().map(|&t| vec![t]).collect(),
    }
}
// ANCHOR_END: xor

// ANCHOR: noisy_xor
/// `per_corner` points around each corner of the unit square, each coordinate moved
/// by normal noise of standard deviation `noise`, labelled with the corner's XOR
/// value. Corners in the order of [`XOR_INPUTS`]; the same stream as numpy's
/// `np.random.seed(seed)` then `c + np.random.normal(0, noise, (per_corner, 2))` per
/// corner.
pub fn noisy_xor(per_corner: usize, noise: f64, seed: u32) -> Dataset {
    let mut rng = NumpyRng::seed(seed);
    let mut inputs = Vec::with_capacity(4 * per_corner);
    let mut targets = Vec::with_capacity(4 * per_corner);
    for (corner, &label) in XOR_INPUTS.iter().zip(&XOR_TARGETS) {
        let offsets = rng.normal_vec(0.0, noise, 2 * per_corner);
        for offset in offsets.chunks(2) {
            inputs.push(vec![corner[0] + offset[0], corner[1] + offset[1]]);
            targets.push(vec![label]);
        }
    }
    Dataset { inputs, targets }
}
// ANCHOR_END: noisy_xor

/// How many points lie closer to a corner of the other class than to a corner of their own:
/// points the noise has carried across to the wrong side.
pub fn points_across(data: &Dataset) -> usize {
    let nearest_label = |x: &[f64]| {
        let distance = |c: &[f64; 2]| (x[0] - c[0]).powi(2) + (x[1] - c[1]).powi(2);
        let mut best = 0;
        for (index, corner) in XOR_INPUTS.iter().enumerate() {
            if distance(corner) < distance(&XOR_INPUTS[best]) {
                best = index;
            }
        }
        XOR_TARGETS[best]
    };
    data.inputs
        .iter()
        .zip(&data.targets)
        .filter(|(x, t)| nearest_label(x) != t[0])
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noisy_xor_follows_numpy() {
        // np.random.seed(7); c + np.random.normal(0, 0.25, (100, 2)) for c = [0, 0] first
        let data = noisy_xor(100, 0.25, 7);
        assert_eq!(data.len(), 400);
        assert_eq!(data.inputs[0], vec![0.422631425950089, -0.1164843426352082]);
        assert_eq!(data.targets[100], vec![1.0]);
        assert_eq!(data.targets[399], vec![0.0]);
        assert_eq!(xor().len(), 4);
        assert_eq!(points_across(&xor()), 0);
    }
}
