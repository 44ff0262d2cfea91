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
        let sizes: Vec<usize> =
            (0..layers).map(|_| between(&mut rng, 1, 5)).collect();
        let mut net = Network::from_rng(&sizes, &mut rng).expect("sizes 1 to 5");
        let input = rng.normal_vec(0.0, 1.0, sizes[0]);
        let target = rng.uniform_vec(0.0, 1.0, sizes[layers - 1]);
        let report =
            gradient_check(&mut net, &input, &target).expect("matching shapes");
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

/// The largest absolute difference between two sets of gradients.
fn max_difference(
    a: &ch02_backpropagation::Gradients,
    b: &ch02_backpropagation::Gradients,
) -> f64 {
    let weights = a.weights.iter().zip(&b.weights);
    let biases = a.biases.iter().zip(&b.biases);
    let weight_pairs = weights.flat_map(|(x, y)| x.iter().zip(y.iter()));
    let bias_pairs = biases.flat_map(|(x, y)| x.iter().zip(y.iter()));
    weight_pairs
        .chain(bias_pairs)
        .map(|(p, q)| (p - q).abs())
        .fold(0.0, f64::max)
}

#[test]
fn the_batched_and_the_one_example_paths_agree_on_random_networks() {
    use ch02_backpropagation::{Gradients, Loss, MeanSquaredError};
    use ndarray::Array2;
    for seed in 0..300 {
        let mut rng = NumpyRng::seed(seed);
        let layers = between(&mut rng, 2, 5);
        let sizes: Vec<usize> =
            (0..layers).map(|_| between(&mut rng, 1, 8)).collect();
        let mut net = Network::from_rng(&sizes, &mut rng).expect("sizes 1 to 8");
        let examples = between(&mut rng, 1, 9);
        let (n_in, n_out) = (sizes[0], sizes[layers - 1]);
        let inputs = Array2::from_shape_vec(
            (examples, n_in),
            rng.normal_vec(0.0, 2.0, examples * n_in),
        )
        .expect("shape");
        let targets = Array2::from_shape_vec(
            (examples, n_out),
            rng.uniform_vec(0.0, 1.0, examples * n_out),
        )
        .expect("shape");
        let activations = net.forward_batch(inputs.view()).expect("fits");
        let outputs = activations[layers - 1].view();
        let deltas = MeanSquaredError.output_deltas(outputs, targets.view());
        let batched = net.backward_batch(&activations, deltas).expect("fits");
        let mut summed = Gradients::zeros_like(&net);
        for (row, (x, t)) in inputs.rows().into_iter().zip(targets.rows()).enumerate()
        {
            let output = net.forward(&x.to_vec()).expect("fits");
            for (a, b) in output.iter().zip(outputs.row(row)) {
                assert!((a - b).abs() < 1e-12, "seed {seed}: output {a} vs {b}");
            }
            summed.add_assign(&net.backward(&t.to_vec()).expect("after forward"));
        }
        let difference = max_difference(&batched, &summed);
        assert!(
            difference < 1e-12,
            "seed {seed}, {sizes:?}: off by {difference:e}"
        );
    }
}

#[test]
fn the_sparse_and_the_dense_first_layer_agree_on_random_networks() {
    use ch02_backpropagation::{Loss, MeanSquaredError, SparseRows};
    use ndarray::Array2;
    for seed in 0..300 {
        let mut rng = NumpyRng::seed(seed);
        let layers = between(&mut rng, 2, 4);
        let sizes: Vec<usize> =
            (0..layers).map(|_| between(&mut rng, 1, 40)).collect();
        let net = Network::from_rng(&sizes, &mut rng).expect("sizes 1 to 40");
        let examples = between(&mut rng, 1, 9);
        let n_in = sizes[0];
        // Inputs like images: most values exactly 0.
        let values = rng.uniform_vec(0.0, 1.0, examples * n_in);
        let inputs = Array2::from_shape_vec((examples, n_in), values)
            .expect("shape")
            .mapv(|v| if v < 0.7 { 0.0 } else { v });
        let sparse = SparseRows::from_dense(inputs.view());
        let dense = net.forward_batch(inputs.view()).expect("fits");
        let layers_of_sparse = net.forward_layers(&sparse).expect("fits");
        for (a, b) in dense[1..].iter().zip(&layers_of_sparse) {
            let off_by = (a - b).mapv(f64::abs).fold(0.0, |m: f64, &d| m.max(d));
            assert!(off_by < 1e-12, "seed {seed}, {sizes:?}: off by {off_by:e}");
        }
        let targets = Array2::from_elem(dense[layers - 1].raw_dim(), 0.5);
        let deltas =
            MeanSquaredError.output_deltas(dense[layers - 1].view(), targets.view());
        let from_dense = net.backward_batch(&dense, deltas.clone()).expect("fits");
        let from_sparse = net
            .backward_layers(&sparse, &dense[1..], deltas)
            .expect("fits");
        let difference = max_difference(&from_dense, &from_sparse);
        assert!(
            difference < 1e-12,
            "seed {seed}, {sizes:?}: off by {difference:e}"
        );
    }
}
