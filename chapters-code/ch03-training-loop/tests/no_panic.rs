//! Property tests: Chapter 3's training functions never panic, abort or leave NaN weights,
//! whatever data, rates, batch sizes and pass counts they are given; bad input is an error.

use bookkit::NumpyRng;
use ch02_backpropagation::{MeanSquaredError, Network, SoftmaxCrossEntropy};
use ch03_training_loop::data::Dataset;
use ch03_training_loop::{
    TrainError, mean_loss, train_epoch, train_pass, train_passes, train_step,
};
use proptest::prelude::*;

fn any_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -3.0..3.0_f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::MAX),
    ]
}

/// Up to 6 examples whose inputs and targets have 0 to 3 values each (often the wrong number).
fn any_data() -> impl Strategy<Value = Dataset> {
    let row = || prop::collection::vec(any_value(), 0..4);
    (
        prop::collection::vec(row(), 0..6),
        prop::collection::vec(row(), 0..6),
    )
        .prop_map(|(inputs, targets)| Dataset { inputs, targets })
}

fn any_rate() -> impl Strategy<Value = f64> {
    prop_oneof![
        0.01..20.0_f64,
        Just(0.0),
        Just(-1.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(1e308),
    ]
}

/// After any call, every weight is still a number.
fn weights_are_finite(net: &Network) -> bool {
    net.weights().iter().flatten().all(|w| w.is_finite())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn training_on_anything_is_a_loss_or_an_error(
        data in any_data(),
        rate in any_rate(),
        batch_size in 0..5_usize,
        passes in prop_oneof![0..3_usize, Just(1 << 40)],
        seed in any::<u32>(),
    ) {
        let mut net = Network::new(&[2, 3, 1], seed).expect("valid sizes");
        let (inputs, targets) = (&data.inputs, &data.targets);
        if let (Some(x), Some(t)) = (inputs.first(), targets.first()) {
            let _ = train_step(&mut net, x, t, rate);
            prop_assert!(weights_are_finite(&net));
        }
        let _ = train_pass(&mut net, inputs, targets, rate);
        prop_assert!(weights_are_finite(&net));
        let _ = train_epoch(&mut net, &data, &MeanSquaredError, rate, batch_size, &mut NumpyRng::seed(seed));
        prop_assert!(weights_are_finite(&net));
        let _ = mean_loss(&net, inputs, targets);
        // A huge pass count either fails at once on bad data or would train for ever: only
        // try it where the data is bad.
        let bad = inputs.is_empty() || inputs.len() != targets.len() || !(rate > 0.0 && rate.is_finite());
        if passes < 3 || bad {
            let _ = train_passes(&mut net, inputs, targets, rate, passes);
            prop_assert!(weights_are_finite(&net));
        }
    }

    #[test]
    fn a_loss_for_another_output_layer_is_an_error(seed in any::<u32>()) {
        let mut net = Network::new(&[2, 3, 2], seed).expect("valid sizes");
        let data = Dataset { inputs: vec![vec![0.0, 1.0]], targets: vec![vec![1.0, 0.0]] };
        let error = train_epoch(&mut net, &data, &SoftmaxCrossEntropy, 0.5, 1, &mut NumpyRng::seed(0));
        prop_assert!(matches!(error, Err(TrainError::OutputMismatch { .. })), "{:?}", error);
    }
}
