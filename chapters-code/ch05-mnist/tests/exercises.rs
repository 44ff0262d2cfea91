//! Exercises 5.1 to 5.4. By default these check the reference solutions; in learner mode
//! (`cargo learn ch05-mnist`) they check your stubs in `exercises/`.

use bookkit::NumpyRng;
use bookkit::exercise::{check_all_close, check_close};
use ch02_backpropagation::gradient_check::{CheckedLoss, GradientCheck};
use ch02_backpropagation::loss::Activation;
use ch02_backpropagation::{
    Gradients, Loss, MeanSquaredError, Network, SoftmaxCrossEntropy,
};
use ch03_training_loop::train_epoch;
use ch05_mnist::data::{self, Digits, PIXELS};
use ch05_mnist::exercises::{ex5_1, ex5_2, ex5_3, ex5_4};
use ch05_mnist::train::evaluate;
use ndarray::Array2;

/// A network and a batch of 7 random examples with one-hot targets of 4 classes.
fn setup(seed: u32, output: Activation) -> (Network, Array2<f64>, Array2<f64>) {
    let mut rng = NumpyRng::seed(seed);
    let network = Network::from_rng(&[6, 5, 4], &mut rng)
        .expect("valid sizes")
        .with_output(output);
    let inputs =
        Array2::from_shape_vec((7, 6), rng.uniform_vec(0.0, 1.0, 42)).expect("7 x 6");
    let mut targets = Array2::zeros((7, 4));
    for (row, class) in [2, 0, 3, 1, 1, 0, 2].into_iter().enumerate() {
        targets[[row, class]] = 1.0;
    }
    (network, inputs, targets)
}

/// Every gradient as one list of numbers (weights, then biases, layer by layer).
fn flat(gradients: &Gradients) -> Vec<f64> {
    let weights = gradients.weights.iter().flatten();
    weights
        .chain(gradients.biases.iter().flatten())
        .copied()
        .collect()
}

#[test]
fn exercise_5_1_forward_batch_matches_forward() {
    for output in [Activation::Sigmoid, Activation::Softmax] {
        let (network, inputs, _) = setup(3, output);
        let activations =
            ex5_1::forward_batch(&network, inputs.view()).expect("valid batch");
        let shapes: Vec<(usize, usize)> =
            activations.iter().map(Array2::dim).collect();
        assert_eq!(
            shapes,
            vec![(7, 6), (7, 5), (7, 4)],
            "Exercise 5.1: return the inputs and every layer's activations, one row per example"
        );
        for (row, input) in inputs.rows().into_iter().enumerate() {
            let expected = network.predict(&input.to_vec()).expect("6 inputs");
            check_all_close(
                &format!(
                    "Exercise 5.1 ({output:?} output): outputs of example {row}"
                ),
                &activations[2].row(row).to_vec(),
                &expected.to_vec(),
                1e-12,
            );
        }
    }
    let (network, _, _) = setup(3, Activation::Sigmoid);
    assert!(
        ex5_1::forward_batch(&network, Array2::zeros((2, 5)).view()).is_err(),
        "Exercise 5.1: 5 columns for a network of 6 inputs must be an error"
    );
}

#[test]
fn exercise_5_2_mean_gradients_match_backward() {
    let (mut network, inputs, targets) = setup(4, Activation::Sigmoid);
    let activations = network.forward_batch(inputs.view()).expect("valid batch");
    let batched = ex5_2::mean_gradients(
        &network,
        &activations,
        targets.view(),
        &MeanSquaredError,
    );
    let mut expected = Gradients::zeros_like(&network);
    for (x, t) in inputs.rows().into_iter().zip(targets.rows()) {
        network.forward(&x.to_vec()).expect("6 inputs");
        expected.add_assign(&network.backward(&t.to_vec()).expect("after forward"));
    }
    expected.scale(1.0 / 7.0);
    check_all_close(
        "Exercise 5.2: the mean gradients (weights, then biases, layer by layer)",
        &flat(&batched),
        &flat(&expected),
        1e-12,
    );
}

#[test]
fn exercise_5_2_passes_a_gradient_check_on_a_batch_of_4() {
    let losses: [(&dyn Loss, Activation); 2] = [
        (&MeanSquaredError, Activation::Sigmoid),
        (&SoftmaxCrossEntropy, Activation::Softmax),
    ];
    for (loss, output) in losses {
        let (mut network, inputs, targets) = setup(5, output);
        let (inputs, targets) = (
            inputs.slice_axis(ndarray::Axis(0), (..4).into()),
            targets.slice_axis(ndarray::Axis(0), (..4).into()),
        );
        let activations = network.forward_batch(inputs).expect("valid batch");
        let analytical = ex5_2::mean_gradients(&network, &activations, targets, loss);
        let checked = CheckedLoss {
            inputs,
            targets,
            loss,
        };
        let report = GradientCheck::default()
            .compare_on(&mut network, &checked, &analytical)
            .expect("shapes fit");
        assert!(
            report.passed(),
            "Exercise 5.2 ({}): the gradient check fails:\n{}",
            loss.name(),
            report.table()
        );
    }
}

/// Twelve made-up images of the digits 0, 1 and 2 (a bar in one of three places).
fn bars() -> Digits {
    let mut digits = Digits {
        pixels: vec![0; 12 * PIXELS],
        labels: Vec::new(),
        classes: 3,
    };
    for image in 0..12 {
        let label = image % 3;
        for row in 4..24 {
            digits.pixels[image * PIXELS + row * 28 + 6 + 8 * label] =
                100 + 10 * image as u8;
        }
        digits.labels.push(label as u8);
    }
    digits
}

#[test]
fn exercise_5_3_one_epoch_is_chapter_3s_epoch() {
    let digits = bars();
    let start = Network::new(&[784, 6, 3], 7).expect("valid sizes");
    for (loss, output) in [
        (&MeanSquaredError as &dyn Loss, Activation::Sigmoid),
        (&SoftmaxCrossEntropy, Activation::Softmax),
    ] {
        let mut yours = start.clone().with_output(output);
        let mut reference = yours.clone();
        let result = ex5_3::one_epoch(
            &mut yours,
            (&digits, &digits),
            loss,
            1.0,
            5,
            &mut NumpyRng::seed(9),
        )
        .expect("trains");
        let loss_value = train_epoch(
            &mut reference,
            &digits,
            loss,
            1.0,
            5,
            &mut NumpyRng::seed(9),
        )
        .expect("trains");
        check_close(
            "Exercise 5.3: the epoch's mean training loss",
            result.train_loss,
            loss_value,
            1e-12,
        );
        let differences = yours
            .weights()
            .iter()
            .zip(reference.weights())
            .flat_map(|(a, b)| (a - b).into_iter())
            .fold(0.0, |m: f64, d| m.max(d.abs()));
        check_close(
            "Exercise 5.3: largest weight difference from Chapter 3's train_epoch",
            differences,
            0.0,
            1e-12,
        );
        let accuracy = evaluate(&reference, loss, &digits)
            .expect("fits")
            .accuracy();
        check_close(
            "Exercise 5.3: validation accuracy",
            result.validation_accuracy,
            accuracy,
            1e-12,
        );
    }
}

/// The validation accuracy Exercise 5.4 must reach after its last epoch.
const TARGET_5_4: f64 = 0.95;

#[test]
fn exercise_5_4_trains_the_guides_network_on_3000_images() {
    if !data::data_or_skip("exercise_5_4_trains_the_guides_network_on_3000_images") {
        return;
    }
    let project = data::project(5).expect("the data loads");
    let results = ex5_4::train_small(&project.split).expect("trains");
    assert_eq!(
        results.len(),
        ex5_4::SMALL_EPOCHS,
        "Exercise 5.4: one result per epoch"
    );
    let last = results[results.len() - 1];
    assert!(
        last.validation_accuracy >= TARGET_5_4,
        "Exercise 5.4: validation accuracy {:.2}% after the last epoch; it should reach {:.0}%",
        100.0 * last.validation_accuracy,
        100.0 * TARGET_5_4
    );
    assert!(
        results[0].train_loss > last.train_loss,
        "Exercise 5.4: the training loss should fall from the first epoch to the last"
    );
}
