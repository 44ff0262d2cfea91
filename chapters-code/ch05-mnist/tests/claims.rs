//! Every claim the chapter's prose makes about its runs, asserted on the real runs.

use ch05_mnist::data;
use ch05_mnist::experiments::{
    DEEP5_SCHEDULE, DEEP10, DEEP10_RATE2, DEEP10_SCHEDULE, GUIDE_MEAN, MSE10, SMALL10, SOFTMAX5,
    SOFTMAX10, run,
};
use ch05_mnist::listings::{batch_check_numbers, confusion};
use ch05_mnist::model;
use ch05_mnist::train::{GUIDE, TrainConfig, TrainedRun};

fn trained(config: &TrainConfig) -> &'static TrainedRun {
    run(config).expect("the run trains")
}

fn accuracy(config: &TrainConfig) -> f64 {
    trained(config).final_test().accuracy()
}

fn accuracies(config: &TrainConfig) -> Vec<f64> {
    trained(config)
        .history
        .iter()
        .map(|s| s.test.accuracy())
        .collect()
}

#[test]
fn the_guides_configuration_reaches_98_5_percent() {
    if crate::data_or_skip("claims") {
        assert!(accuracy(&GUIDE) >= 0.985, "{}", accuracy(&GUIDE));
    }
}

#[test]
fn the_best_variants_reach_their_targets() {
    if crate::data_or_skip("claims") {
        assert!(accuracy(&DEEP5_SCHEDULE) >= 0.99);
        assert!(accuracy(&DEEP10_SCHEDULE) >= 0.98);
        // and they are the best of the chapter's runs on their digits
        for config in [GUIDE, GUIDE_MEAN, SOFTMAX5] {
            assert!(
                accuracy(&DEEP5_SCHEDULE) > accuracy(&config),
                "{}",
                config.name
            );
        }
        for config in [MSE10, SOFTMAX10, SMALL10, DEEP10, DEEP10_RATE2] {
            assert!(
                accuracy(&DEEP10_SCHEDULE) > accuracy(&config),
                "{}",
                config.name
            );
        }
    }
}

#[test]
fn the_guides_training_loss_falls_every_epoch() {
    if crate::data_or_skip("claims") {
        let losses: Vec<f64> = trained(&GUIDE)
            .history
            .iter()
            .map(|s| s.train_loss)
            .collect();
        assert!(
            losses.windows(2).all(|pair| pair[1] < pair[0]),
            "{losses:?}"
        );
    }
}

#[test]
fn test_accuracy_dips_once_in_epoch_7() {
    if crate::data_or_skip("claims") {
        let guide = accuracies(&GUIDE);
        let dips: Vec<usize> = (1..guide.len())
            .filter(|&e| guide[e] < guide[e - 1])
            .map(|e| e + 1)
            .collect();
        assert_eq!(dips, vec![7, 13], "epochs where test accuracy fell");
        assert!(guide[6] < guide[4], "epoch 7 is below epoch 5");
    }
}

#[test]
fn chapter_2s_mean_gradient_learns_less_in_15_epochs() {
    if crate::data_or_skip("claims") {
        assert!(accuracy(&GUIDE_MEAN) < accuracy(&GUIDE));
        let guide = &trained(&GUIDE).history;
        let mean = &trained(&GUIDE_MEAN).history;
        // The same network, the same batches: the reported loss is higher in every epoch.
        assert!(
            guide
                .iter()
                .zip(mean)
                .all(|(g, m)| m.train_loss > g.train_loss)
        );
    }
}

#[test]
fn the_batched_trainer_matches_per_example_backward() {
    if crate::data_or_skip("claims") {
        let check = batch_check_numbers().expect("data present");
        assert!(check.gradient_difference < 1e-12, "{check:?}");
        assert!(check.step_difference < 1e-12, "{check:?}");
        assert!(check.used_pixels.iter().all(|&used| used < 784 / 2 + 100));
    }
}

#[test]
fn softmax_with_cross_entropy_beats_the_squared_error() {
    if crate::data_or_skip("claims") {
        assert!(accuracy(&SOFTMAX5) > accuracy(&GUIDE));
        assert!(accuracy(&SOFTMAX10) > accuracy(&MSE10));
        // It reaches the guide's final accuracy within the first five epochs.
        let target = accuracy(&GUIDE);
        let reached = accuracies(&SOFTMAX5).iter().position(|&a| a >= target);
        assert!(reached.is_some_and(|epoch| epoch < 5), "{reached:?}");
        // Even by the squared error of its outputs it is better, in every epoch, on both tasks.
        for (sigmoid, softmax) in [(&GUIDE, &SOFTMAX5), (&MSE10, &SOFTMAX10)] {
            let pairs = trained(sigmoid)
                .history
                .iter()
                .zip(&trained(softmax).history);
            for (epoch, (a, b)) in pairs.enumerate() {
                assert!(
                    b.test.mse < a.test.mse,
                    "{} epoch {}",
                    softmax.name,
                    epoch + 1
                );
            }
        }
    }
}

#[test]
fn ten_digits_are_harder_than_five() {
    if crate::data_or_skip("claims") {
        assert!(accuracy(&MSE10) < accuracy(&GUIDE));
        assert!(accuracy(&SOFTMAX10) < accuracy(&SOFTMAX5));
    }
}

#[test]
fn bigger_networks_do_better_on_ten_digits() {
    if crate::data_or_skip("claims") {
        assert!(accuracy(&SMALL10) < accuracy(&SOFTMAX10));
        assert!(accuracy(&SOFTMAX10) < accuracy(&DEEP10));
    }
}

#[test]
fn the_two_runs_at_rate_2_are_one_run_until_the_first_halving() {
    if crate::data_or_skip("claims") {
        assert_eq!(
            accuracies(&DEEP10_SCHEDULE)[..5],
            accuracies(&DEEP10_RATE2)[..5]
        );
        assert_ne!(
            accuracies(&DEEP10_SCHEDULE)[5],
            accuracies(&DEEP10_RATE2)[5]
        );
        assert!(accuracy(&DEEP10_RATE2) > accuracy(&DEEP10));
    }
}

#[test]
fn a_four_read_as_a_nine_is_the_most_common_mistake() {
    if crate::data_or_skip("claims") {
        let run = trained(&DEEP10_SCHEDULE);
        let matrix = confusion(run, &data::subset(10).expect("data").test.labels);
        assert_eq!(matrix.sum(), 10_000);
        let diagonal: usize = (0..10).map(|d| matrix[[d, d]]).sum();
        assert_eq!(diagonal, run.final_test().correct);
        let mut worst = (0, 0, 0);
        for ((truth, predicted), &count) in matrix.indexed_iter() {
            if truth != predicted && count > worst.2 {
                worst = (truth, predicted, count);
            }
        }
        assert_eq!((worst.0, worst.1), (4, 9), "{worst:?}");
    }
}

#[test]
fn a_saved_model_loads_back_identical() {
    if crate::data_or_skip("claims") {
        let classifier = &trained(&GUIDE).classifier;
        let bytes = model::to_bytes(classifier);
        assert_eq!(
            model::from_bytes(&bytes, "guide.bpnn").ok().as_ref(),
            Some(classifier)
        );
    }
}

#[test]
fn classes_are_balanced_and_images_mostly_blank() {
    if crate::data_or_skip("claims") {
        let mnist = data::mnist().expect("data");
        for digit in 0..10 {
            let share =
                mnist.train.labels.iter().filter(|&&l| l == digit).count() as f64 / 60_000.0;
            assert!((0.08..0.12).contains(&share), "digit {digit}: {share}");
        }
        let blank = mnist.train.pixels.iter().filter(|&&p| p == 0).count() as f64;
        assert!(blank / mnist.train.pixels.len() as f64 > 0.75);
    }
}

#[test]
fn the_guide_miscounts_its_parameters() {
    if crate::data_or_skip("claims") {
        let count = trained(&GUIDE).classifier.network.parameter_count();
        assert_eq!(count, 784 * 64 + 64 + 64 * 5 + 5);
        assert_ne!(count, 50_629);
    }
}

#[test]
fn the_larger_rate_gets_ahead_quickly() {
    if crate::data_or_skip("claims") {
        let (fast, slow) = (accuracies(&DEEP10_RATE2), accuracies(&DEEP10));
        assert!((0..3).all(|epoch| fast[epoch] > slow[epoch]));
    }
}

/// The runs of `reference/numpy-output.txt`: name → per-epoch (loss, accuracy) as printed.
fn numpy_runs() -> std::collections::HashMap<String, Vec<(String, String)>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reference/numpy-output.txt");
    let text = std::fs::read_to_string(path).expect("the numpy reference output is committed");
    let mut runs: std::collections::HashMap<String, Vec<(String, String)>> = Default::default();
    for line in text.lines() {
        if let [name, _epoch, loss, accuracy] = line.split_whitespace().collect::<Vec<_>>()[..] {
            runs.entry(name.to_string())
                .or_default()
                .push((loss.to_string(), accuracy.to_string()));
        }
    }
    runs
}

/// Our run of `config` printed like the numpy script prints its runs.
fn as_printed(config: &TrainConfig) -> Vec<(String, String)> {
    trained(config)
        .history
        .iter()
        .map(|s| {
            (
                format!("{:.6}", s.train_loss),
                ch05_mnist::listings::percent(s.test.accuracy()),
            )
        })
        .collect()
}

#[test]
fn the_runs_agree_with_numpy_at_the_printed_precision() {
    if crate::data_or_skip("claims") {
        let numpy = numpy_runs();
        for config in ch05_mnist::experiments::CONFIGS {
            let expected = &numpy[config.name];
            let ours = as_printed(&config);
            if config.name == DEEP10_RATE2.name {
                // Learning rate 2.0 throughout: the same for six epochs, then the runs drift.
                assert_eq!(ours[..6], expected[..6]);
                let later = ours[6..].iter().zip(&expected[6..]);
                let different = later.filter(|(a, b)| a.1 != b.1).count();
                assert!(
                    2 * different > ours.len() - 6,
                    "{different} later epochs differ"
                );
            } else {
                assert_eq!(&ours, expected, "{}", config.name);
            }
        }
    }
}

#[test]
fn the_schedule_settles_within_a_tenth_of_a_point() {
    if crate::data_or_skip("claims") {
        let spread = |config: &TrainConfig| {
            let last_five = &accuracies(config)[10..];
            let high = last_five.iter().copied().fold(0.0, f64::max);
            let low = last_five.iter().copied().fold(1.0, f64::min);
            high - low
        };
        assert!(
            spread(&DEEP10_SCHEDULE) <= 0.001,
            "{}",
            spread(&DEEP10_SCHEDULE)
        );
        assert!(spread(&DEEP10_RATE2) > 2.0 * spread(&DEEP10_SCHEDULE));
    }
}
