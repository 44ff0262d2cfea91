//! Property tests: the public API of Chapter 2 never panics or aborts, whatever sizes, shapes
//! and values it is given; bad input is an error.

use ch02_backpropagation::gradient_check::{CheckedLoss, GradientCheck};
use ch02_backpropagation::{
    Gradients, Loss, MeanSquaredError, Network, SoftmaxCrossEntropy,
};
use ndarray::{Array1, Array2};
use proptest::prelude::*;

/// Any f64, NaN and infinities included.
fn any_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        -10.0..10.0_f64,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::MAX),
        Just(0.0),
    ]
}

fn matrix(rows: usize, cols: usize) -> impl Strategy<Value = Array2<f64>> {
    prop::collection::vec(any_value(), rows * cols).prop_map(move |values| {
        Array2::from_shape_vec((rows, cols), values).expect("shape")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_layer_sizes_build_a_network_or_an_error(
        sizes in prop::collection::vec(prop_oneof![0..6_usize, Just(usize::MAX), Just(1 << 40), Just(1_000_000_000)], 0..5),
        seed in any::<u32>(),
    ) {
        if let Ok(net) = Network::new(&sizes, seed) {
            prop_assert_eq!(net.layer_sizes(), sizes);
        }
    }

    #[test]
    fn any_batch_is_an_output_or_an_error(
        rows in 0..5_usize,
        cols in 0..5_usize,
        softmax in any::<bool>(),
        seed in any::<u32>(),
        values in prop::collection::vec(any_value(), 25),
    ) {
        let mut net = Network::new(&[3, 2, 2], seed).expect("valid sizes");
        if softmax {
            net = net.with_output(ch02_backpropagation::Activation::Softmax);
        }
        let inputs = Array2::from_shape_vec((rows, cols), values[..rows * cols].to_vec()).expect("shape");
        if let Ok(activations) = net.forward_batch(inputs.view()) {
            let outputs = activations[2].view();
            let targets = Array2::zeros(outputs.raw_dim());
            for loss in [&MeanSquaredError as &dyn Loss, &SoftmaxCrossEntropy] {
                let _ = loss.total(outputs, targets.view());
                let deltas = loss.output_deltas(outputs, targets.view());
                let _ = net.backward_batch(&activations, deltas);
            }
        }
        let _ = net.forward(&values[..cols]);
        let _ = net.backward(&values[..rows]);
        let _ = net.backward_from(Array1::from(values[..rows].to_vec()));
    }

    #[test]
    fn activations_of_any_shape_are_checked(
        shapes in prop::collection::vec((0..4_usize, 0..4_usize), 0..5),
        delta_shape in (0..4_usize, 0..4_usize),
    ) {
        let net = Network::new(&[3, 2, 2], 1).expect("valid sizes");
        let activations: Vec<Array2<f64>> =
            shapes.iter().map(|&(r, c)| Array2::zeros((r, c))).collect();
        let _ = net.backward_batch(&activations, Array2::zeros(delta_shape));
    }

    #[test]
    fn parameters_of_any_shape_are_checked(
        w_shapes in prop::collection::vec((0..4_usize, 0..4_usize), 0..4),
        b_lengths in prop::collection::vec(0..4_usize, 0..4),
    ) {
        let weights = w_shapes.iter().map(|&s| Array2::zeros(s)).collect();
        let biases = b_lengths.iter().map(|&n| Array1::zeros(n)).collect();
        let _ = Network::from_parameters(weights, biases);
    }

    #[test]
    fn a_gradient_check_of_any_shapes_is_checked(
        inputs in matrix(2, 3),
        target_shape in (0..4_usize, 0..4_usize),
        gradient_layers in 0..4_usize,
    ) {
        let mut net = Network::new(&[3, 2, 2], 3).expect("valid sizes");
        let targets = Array2::zeros(target_shape);
        let checked = CheckedLoss { inputs: inputs.view(), targets: targets.view(), loss: &MeanSquaredError };
        let mut gradients = Gradients::zeros_like(&net);
        gradients.weights.truncate(gradient_layers);
        let _ = GradientCheck::default().compare_on(&mut net, &checked, &gradients);
    }
}
