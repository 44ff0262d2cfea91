//! The chapter's data sets: the guide's sine curve, and a handful of noisy measurements of it
//! with held-out points to test on.

use std::f64::consts::PI;

use bookkit::NumpyRng;
use bookkit::plot::linspace;

/// Examples for a network: one input vector and one target vector each.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The input vectors.
    pub inputs: Vec<Vec<f64>>,
    /// The target vectors, `targets[i]` belonging to `inputs[i]`.
    pub targets: Vec<Vec<f64>>,
}

impl Dataset {
    /// A data set of points `(x, y)`: one input and one target per example.
    pub fn from_points(xs: &[f64], ys: &[f64]) -> Self {
        Self {
            inputs: xs.iter().map(|&x| vec![x]).collect(),
            targets: ys.iter().map(|&y| vec![y]).collect(),
        }
    }

    /// The first input of every example (the `x` of a one-input data set).
    pub fn xs(&self) -> Vec<f64> {
        self.inputs
            .iter()
            .filter_map(|x| x.first().copied())
            .collect()
    }

    /// The first target of every example (the `y` of a one-output data set).
    pub fn ys(&self) -> Vec<f64> {
        self.targets
            .iter()
            .filter_map(|y| y.first().copied())
            .collect()
    }

    /// The number of examples.
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }
}

/// The curve every data set of this chapter samples: `sin(πx)` for `x` in `[0, 1]`.
pub fn true_curve(x: f64) -> f64 {
    (PI * x).sin()
}

// ANCHOR: sine_data
/// The guide's sine data: after `np.random.seed(42)`, 50 angles drawn uniformly from
/// `[0, π]`. The input is the angle divided by π (so it lies in `[0, 1]`), the target
/// is its sine (already in `[0, 1]`, the range of a sigmoid output).
pub fn sine_data() -> Dataset {
    let mut rng = NumpyRng::seed(42);
    let angles = rng.uniform_vec(0.0, PI, 50);
    let xs: Vec<f64> = angles.iter().map(|angle| angle / PI).collect();
    let ys: Vec<f64> = angles.iter().map(|angle| angle.sin()).collect();
    Dataset::from_points(&xs, &ys)
}
// ANCHOR_END: sine_data

/// A training set and a held-out set the network never trains on.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The examples the network learns from.
    pub train: Dataset,
    /// The examples used only to measure how well it does on data it has not seen.
    pub test: Dataset,
}

/// Standard deviation of the measurement noise in [`few_noisy_points`].
pub const NOISE: f64 = 0.1;
/// How many training points [`few_noisy_points`] has.
pub const FEW_POINTS: usize = 6;
/// How many held-out points [`few_noisy_points`] has.
pub const HELD_OUT_POINTS: usize = 50;

// ANCHOR: few_noisy_points
/// Six noisy measurements of `sin(πx)` at `x = 0, 0.2, …, 1`, and 50 held-out
/// measurements at random `x`, all with Gaussian noise of standard deviation 0.1. In
/// numpy: `np.random.seed(42)`, then `normal(0, 0.1, 6)` for the training noise,
/// `uniform(0, 1, 50)` for the held-out inputs and `normal(0, 0.1, 50)` for their
/// noise.
pub fn few_noisy_points() -> Split {
    let mut rng = NumpyRng::seed(42);
    let train_x = linspace(0.0, 1.0, FEW_POINTS);
    let train_y = noisy(&train_x, &mut rng);
    let test_x = rng.uniform_vec(0.0, 1.0, HELD_OUT_POINTS);
    let test_y = noisy(&test_x, &mut rng);
    Split {
        train: Dataset::from_points(&train_x, &train_y),
        test: Dataset::from_points(&test_x, &test_y),
    }
}
// ANCHOR_END: few_noisy_points

/// `sin(πx)` plus one noise draw per point, the noise drawn as one numpy array.
fn noisy(xs: &[f64], rng: &mut NumpyRng) -> Vec<f64> {
    let noise = rng.normal_vec(0.0, NOISE, xs.len());
    xs.iter()
        .zip(noise)
        .map(|(&x, n)| true_curve(x) + n)
        .collect()
}

/// How many points [`step_data`] has.
pub const STEP_POINTS: usize = 20;

/// A small classification task: 20 evenly spaced `x` in `[0, 1]`, class 1 when `x > 0.5`.
pub fn step_data() -> Dataset {
    let xs = linspace(0.0, 1.0, STEP_POINTS);
    let ys: Vec<f64> = xs
        .iter()
        .map(|&x| if x > 0.5 { 1.0 } else { 0.0 })
        .collect();
    Dataset::from_points(&xs, &ys)
}

/// The mean squared error of the true curve itself on a data set: the part of the loss that
/// is pure noise, which no network can remove on data it has not seen.
pub fn noise_floor(data: &Dataset) -> f64 {
    let xs = data.xs();
    let ys = data.ys();
    let total: f64 = xs
        .iter()
        .zip(&ys)
        .map(|(&x, &y)| (true_curve(x) - y).powi(2))
        .sum();
    total / xs.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sine_data_matches_numpy() {
        // np.random.seed(42); x = uniform(0, np.pi, 50)[0] / np.pi, y = np.sin(uniform(...)[0])
        let data = sine_data();
        assert_eq!(data.len(), 50);
        assert_eq!(format!("{:.6}", data.xs()[0]), "0.374540");
        assert_eq!(format!("{:.6}", data.ys()[0]), "0.923326");
    }

    #[test]
    fn few_noisy_points_match_numpy() {
        let split = few_noisy_points();
        assert_eq!(split.train.xs(), linspace(0.0, 1.0, 6));
        // np.random.seed(42); np.sin(np.pi * np.linspace(0, 1, 6)) + np.random.normal(0, 0.1, 6)
        assert_eq!(format!("{:.6}", split.train.ys()[0]), "0.049671");
        assert_eq!(format!("{:.6}", split.train.ys()[3]), "1.103360");
        assert_eq!(split.test.len(), 50);
    }
}
