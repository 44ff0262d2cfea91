//! Property tests: Chapter 5's public API never panics on what a user or a file can give it
//! (images of any size, labels of any value, damaged model and image files, any
//! configuration); bad input is an error.

use ch02_backpropagation::{MeanSquaredError, Network};
use ch03_training_loop::Examples;
use ch05_mnist::data::{Digits, Mnist, PIXELS, Project};
use ch05_mnist::train::{GUIDE, TrainConfig, classify, evaluate};
use ch05_mnist::{model, pgm};
use proptest::prelude::*;

/// Up to 4 "images" whose pixel count may not match their labels, labels of any value.
fn any_digits() -> impl Strategy<Value = Digits> {
    (
        prop::collection::vec(any::<u8>(), 0..4 * PIXELS + 3),
        prop::collection::vec(any::<u8>(), 0..5),
        0..12_usize,
    )
        .prop_map(|(pixels, labels, classes)| Digits {
            pixels,
            labels,
            classes,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn batches_of_any_digits_are_data_or_an_error(
        digits in any_digits(),
        indices in prop::collection::vec(0..8_usize, 0..6),
    ) {
        if let Ok((inputs, targets)) = digits.batch(&indices) {
            prop_assert_eq!(inputs.dim(), (indices.len(), PIXELS));
            prop_assert_eq!(targets.dim(), (indices.len(), digits.classes));
        }
        // The same images as inked pixels only: the same data, or an error.
        match (digits.batch(&indices), digits.inked().batch(&indices)) {
            (Ok((dense, targets)), Ok((inked, inked_targets))) => {
                prop_assert_eq!(inked.to_dense().ok(), Some(dense));
                prop_assert_eq!(inked_targets, targets);
            }
            (Err(_), Err(_)) => {}
            (dense, inked) => prop_assert!(false, "{:?} but {:?}", dense.err(), inked.err()),
        }
        let network = Network::new(&[PIXELS, 2, 3], 0).expect("valid sizes");
        let _ = evaluate(&network, &MeanSquaredError, &digits);
        let _ = evaluate(&network, &MeanSquaredError, &digits.inked());
    }

    #[test]
    fn any_split_and_project_is_built(digits in any_digits(), count in 0..10_usize) {
        let whole_images = digits.len().min(digits.pixels.len() / PIXELS);
        let split = digits.clone().split(count, 0);
        prop_assert_eq!(split.train.len() + split.validation.len(), whole_images);
        for part in [&split.train, &split.validation] {
            prop_assert_eq!(part.pixels.len(), part.len() * PIXELS);
        }
        let mnist = Mnist { train: digits.clone(), test: digits };
        let _ = Project::new(mnist, 5);
    }

    #[test]
    fn any_bytes_are_a_model_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = model::from_bytes(&bytes, "any.bpnn");
    }

    #[test]
    fn any_bytes_are_an_image_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..1200)) {
        if let Ok(pixels) = pgm::from_pgm(&bytes, "any.pgm") {
            prop_assert_eq!(pixels.len(), PIXELS);
        }
    }

    #[test]
    fn classifying_any_number_of_pixels_is_an_answer_or_an_error(
        pixels in prop::collection::vec(any::<u8>(), 0..1000),
    ) {
        let network = Network::new(&[PIXELS, 3, 2], 1).expect("valid sizes");
        let result = classify(&network, &pixels);
        prop_assert_eq!(result.is_ok(), pixels.len() == PIXELS);
    }

    #[test]
    fn any_configuration_is_checked(
        classes in 0..20_usize,
        batch_size in 0..3_usize,
        epochs in 0..3_usize,
        learning_rate in prop_oneof![Just(f64::NAN), Just(-1.0), Just(0.0), 0.1..3.0_f64],
        layers in prop_oneof![Just(&[784_usize, 4, 5][..]), Just(&[784_usize, 4, 10][..]), Just(&[3_usize, 5][..]), Just(&[][..])],
    ) {
        let config = TrainConfig { classes, batch_size, epochs, learning_rate, layers, ..GUIDE };
        let _ = config.check();
    }
}
