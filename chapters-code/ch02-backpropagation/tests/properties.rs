//! Property test: for random small networks, inputs and targets, `backward` agrees with the
//! gradient check on every parameter.

use bookkit::NumpyRng;
use ch02_backpropagation::{Network, gradient_check};

/// A whole number in `low..=high` from the numpy stream.
fn between(rng: &mut NumpyRng, low: usize, high: usize) -> usize {
    low + (rng.random() * (high - low + 1) as f64) as usize
}

#[test]
fn backward_agrees_with_the_gradient_check_on_random_networks() {
    for seed in 0..300 {
        let mut rng = NumpyRng::seed(seed);
        let layers = between(&mut rng, 2, 4);
        let sizes: Vec<usize> = (0..layers).map(|_| between(&mut rng, 1, 5)).collect();
        let mut net = Network::from_rng(&sizes, &mut rng).expect("sizes 1 to 5");
        let input = rng.normal_vec(0.0, 1.0, sizes[0]);
        let target = rng.uniform_vec(0.0, 1.0, sizes[layers - 1]);
        let report = gradient_check(&mut net, &input, &target).expect("matching shapes");
        assert_eq!(report.checks.len(), net.parameter_count());
        for check in &report.checks {
            // The central difference's rounding noise stays far below the scale floor.
            let off_by = (check.analytical - check.numerical).abs();
            assert!(
                off_by < 1e-10,
                "seed {seed}: {check:?} is off by {off_by:e}"
            );
        }
        assert!(
            report.max_relative_difference() < 1e-6,
            "seed {seed}, layers {sizes:?}:\n{}",
            report.table()
        );
    }
}
