//! Every qualitative sentence of the chapter, asserted on the very runs the book shows.

use ch02_backpropagation::Network;
use ch03_training_loop::data::{XOR_INPUTS, XOR_TARGETS, xor};
use ch03_training_loop::listings::{
    ABSURD_LEARNING_RATE, LATE_PASS, MISSING, numpy_lr10_final,
    parameters_poisoned_by_one_update, predictions, worst_xor_error,
};
use ch03_training_loop::runs::{self, LAYERS, SEED, rises};
use ch03_training_loop::{TrainError, figures, train_passes};

/// Whether every output is on the right side of 0.5 for its XOR target.
fn solves_xor(outputs: &[f64]) -> bool {
    outputs
        .iter()
        .zip(XOR_TARGETS)
        .all(|(&output, target)| (output > 0.5) == (target == 1.0))
}

fn falls_every_time(losses: &[f64]) -> bool {
    rises(losses) == 0
}

// "Single example: the loss falls at every step and the prediction climbs towards 1."
#[test]
fn single_example_loss_falls_and_prediction_climbs() {
    let rows = runs::single_example().expect("the run trains");
    let losses: Vec<f64> = rows.iter().map(|r| r.loss).collect();
    assert!(falls_every_time(&losses), "{losses:?}");
    for pair in rows.windows(2) {
        assert!(pair[1].prediction > pair[0].prediction);
    }
    // "the steps get smaller as it goes"
    let gains: Vec<f64> = rows
        .windows(2)
        .map(|p| p[1].prediction - p[0].prediction)
        .collect();
    assert!(gains.windows(2).all(|g| g[1] < g[0]), "{gains:?}");
    assert!(rows.iter().all(|r| r.prediction < 1.0));
    let before = Network::new(&LAYERS, SEED)
        .and_then(|n| n.predict(&runs::SINGLE_INPUT))
        .expect("valid input")[0];
    // "the network starts out below one half"
    assert!(before < 0.5);
    // "the first loss is the initial prediction's squared error"
    assert_eq!(rows[0].loss, (before - 1.0).powi(2));
}

// "Learning rate 0.1: the loss falls on every pass, but after 500 passes it has barely moved;
// every output is still near 0.5 and [1, 1] is on the wrong side."
#[test]
fn learning_rate_0_1_is_too_slow() {
    let run = &runs::learning_rates().expect("runs")[0];
    assert_eq!(run.learning_rate, 0.1);
    assert!(falls_every_time(&run.losses));
    assert!(run.final_loss > 0.2);
    assert!(run.predictions.iter().all(|p| (p - 0.5).abs() < 0.1));
    assert!(!solves_xor(&run.predictions));
    assert!(run.predictions[3] > 0.5, "[1, 1] is on the wrong side");
}

// "Learning rate 1.0: the loss falls on every pass and XOR is learned."
#[test]
fn learning_rate_1_learns_smoothly() {
    let run = &runs::learning_rates().expect("runs")[1];
    assert_eq!(run.learning_rate, 1.0);
    assert!(falls_every_time(&run.losses));
    assert!(run.final_loss < 0.01);
    assert!(solves_xor(&run.predictions));
    // "slowly at first, then quickly"
    let l = &run.losses;
    assert!(l[0] - l[50] < l[100] - l[150]);
}

// "Learning rate 5.0: the loss goes up on some passes, all of them in the first 60; after
// that it falls on every pass and ends lower than with 1.0. Its first pass is worse than
// the starting point of the others."
#[test]
fn learning_rate_5_bounces_then_ends_lowest() {
    let all = runs::learning_rates().expect("runs");
    let run = &all[2];
    assert_eq!(run.learning_rate, 5.0);
    assert!(rises(&run.losses) > 0);
    assert!(falls_every_time(&run.losses[LATE_PASS..]));
    assert!(run.final_loss < all[1].final_loss);
    assert!(solves_xor(&run.predictions));
    assert!(run.losses[0] > all[0].losses[0] && run.losses[0] > all[1].losses[0]);
    // "it drops quickly to about 0.24 and sits there from pass 15 to pass 50, then jumps up
    // and down until pass 60 and collapses to almost zero by pass 70"
    assert!(
        run.losses[15..=50]
            .iter()
            .all(|&l| (0.23..0.25).contains(&l))
    );
    assert!(rises(&run.losses[50..=LATE_PASS]) > 0);
    assert!(run.losses[70] < 0.01);
}

// "Learning rate 50: after the first pass the loss sits at 0.5000 and never moves again; all
// four outputs are 0 to four decimals. It does not oscillate: it is stuck."
#[test]
fn learning_rate_50_saturates_instead_of_oscillating() {
    let run = &runs::learning_rates().expect("runs")[3];
    assert_eq!(run.learning_rate, 50.0);
    assert!(
        run.losses[1..]
            .iter()
            .all(|l| format!("{l:.4}") == "0.5000")
    );
    assert!(
        falls_every_time(&run.losses),
        "no oscillation: never goes up"
    );
    assert!(run.predictions.iter().all(|&p| p < 5e-5));
    assert_eq!(format!("{:.4}", run.final_loss), "0.5000");
}

// "At the saturated network, a(1 - a) and the gradient are practically zero for every input."
#[test]
fn saturated_network_has_vanishing_gradients() {
    let mut net = runs::learning_rates().expect("runs")[3].network.clone();
    let data = xor();
    for (input, target) in data.inputs.iter().zip(&data.targets) {
        let a = net.forward(input).expect("valid input")[0];
        assert!(a * (1.0 - a) < 1e-9);
        assert!(net.backward(target).expect("after forward").norm() < 1e-9);
    }
}

// "Ranking after 500 passes: 5.0 best, then 1.0, then 0.1, and 50 worst of all."
#[test]
fn learning_rates_rank() {
    let runs = runs::learning_rates().expect("runs");
    let finals: Vec<f64> = runs.iter().map(|r| r.final_loss).collect();
    assert!(finals[2] < finals[1] && finals[1] < finals[0] && finals[0] < finals[3]);
}

// Mini-batches: "400, 13 and 1 updates per epoch; the full-batch loss falls after every epoch
// and is smooth, batch size 1 goes up most often, 32 in between; after 100 epochs batch size
// 1 is lowest and full batch has hardly started."
#[test]
fn batch_sizes_trade_noise_for_updates() {
    // "some points land nearer a corner of the other class"
    assert!(ch03_training_loop::data::points_across(&runs::noisy_data()) > 0);
    let runs = runs::batch_sizes().expect("runs");
    let updates: Vec<usize> = runs.iter().map(|r| r.updates_per_epoch).collect();
    assert_eq!(updates, vec![400, 13, 1]);
    let rose: Vec<usize> = runs.iter().map(|r| rises(&r.epoch_losses)).collect();
    assert_eq!(rose[2], 0);
    assert!(rose[0] > rose[1] && rose[1] > rose[2], "{rose:?}");
    let last: Vec<f64> = runs.iter().map(|r| r.epoch_losses[99]).collect();
    assert!(last[0] < last[1] && last[1] < last[2], "{last:?}");
    let full = &runs[2].epoch_losses;
    assert!(full[0] - full[99] < 0.02, "full batch has hardly moved");
    assert!(full[99] > 0.2);
    let tenth: Vec<f64> = runs.iter().map(|r| r.epoch_losses[9]).collect();
    assert!(tenth[0] < tenth[1] && tenth[1] < tenth[2], "{tenth:?}");
    // "within three epochs batch size 1 is below 0.05, about where it stays, but it jumps
    // up sharply now and then (to more than twice its final loss)"
    let sgd = &runs[0].epoch_losses;
    assert!(sgd[2] < 0.05 && sgd[99] < 0.05);
    assert!(sgd[10..].iter().copied().fold(0.0, f64::max) > 2.0 * sgd[99]);
}

// "With a NaN in the data, training stops at step 3 — the first step that sees it — and
// applying that one update anyway would have turned all 17 parameters into NaN."
#[test]
fn a_missing_value_stops_training_at_its_step() {
    let mut data = xor();
    data.inputs[3] = vec![1.0, MISSING];
    let mut net = Network::new(&LAYERS, SEED).expect("valid sizes");
    let error = train_passes(&mut net, &data.inputs, &data.targets, 2.0, 2000)
        .expect_err("the NaN is caught");
    assert!(
        matches!(error, TrainError::NonFinite { step: 3, loss } if loss.is_nan())
    );
    assert!(net.weights().iter().flatten().all(|w| w.is_finite()));
    let (poisoned, total) = parameters_poisoned_by_one_update().expect("runs");
    assert_eq!((poisoned, total), (17, net.parameter_count()));
}

// "A learning rate of 1e300 produces no NaN here: the sigmoids saturate, the outputs are 0 and
// the loss is stuck at 0.5, like learning rate 50."
#[test]
fn an_absurd_learning_rate_saturates_without_nan() {
    let data = xor();
    let mut net = Network::new(&LAYERS, SEED).expect("valid sizes");
    let losses = train_passes(
        &mut net,
        &data.inputs,
        &data.targets,
        ABSURD_LEARNING_RATE,
        100,
    )
    .expect("no NaN");
    assert_eq!(format!("{:.4}", losses[99]), "0.5000");
    assert!(predictions(&net).expect("valid").iter().all(|&p| p < 1e-4));
}

// Exercise 3.1: "the loss falls on every pass, and every prediction ends within 0.02 of its
// target."
#[test]
fn exercise_3_1_learns_xor() {
    let run = runs::exercise_3_1().expect("trains");
    assert!(falls_every_time(&run.losses));
    assert!(worst_xor_error(&run.predictions) < 0.02);
    assert!(run.losses[0] > 1000.0 * run.losses[1999]);
}

// Exercise 3.2: "all four learn XOR; every larger learning rate ends lower; 0.1 is the only
// one 'learning slowly'; 10.0 gets there with jumps, even after pass 60 back up to almost 0.5."
#[test]
fn exercise_3_2_larger_rates_end_lower() {
    let table = runs::exercise_3_2().expect("trains");
    let verdicts: Vec<&str> = table.iter().map(|r| r.verdict).collect();
    assert_eq!(verdicts, ["Learning slowly", "Great", "Great", "Great"]);
    for pair in table.windows(2) {
        assert!(pair[1].final_loss < pair[0].final_loss);
    }
    let curves = runs::exercise_3_2_curves().expect("trains");
    for (curve, row) in curves.iter().zip(table) {
        assert_eq!(curve.final_loss, row.final_loss);
        assert!(solves_xor(&curve.predictions));
    }
    assert!(falls_every_time(&curves[0].losses));
    assert!(falls_every_time(&curves[1].losses));
    assert!(falls_every_time(&curves[2].losses));
    let fast = &curves[3].losses;
    assert!(rises(fast) > 10);
    assert!(fast[LATE_PASS..].iter().copied().fold(0.0, f64::max) > 0.45);
}

// "Learning rate 2.0 gives the same six decimals from every nudged start; 10.0 does not, and
// the nudges move its result further than the distance between our value and numpy's."
#[test]
fn learning_rate_10_is_chaotic_and_2_is_not() {
    let runs = runs::sensitivity().expect("trains");
    let printed = |losses: &[f64]| {
        let mut text: Vec<String> =
            losses.iter().map(|l| format!("{l:.6}")).collect();
        text.sort();
        text.dedup();
        text
    };
    assert_eq!(runs[0].learning_rate, 2.0);
    assert_eq!(printed(&runs[0].final_losses).len(), 1);
    assert!(runs[0].rises.iter().all(|&r| r == 0));
    assert_eq!(runs[1].learning_rate, 10.0);
    assert!(printed(&runs[1].final_losses).len() >= 3);
    let low = runs[1]
        .final_losses
        .iter()
        .copied()
        .fold(f64::MAX, f64::min);
    let high = runs[1].final_losses.iter().copied().fold(0.0, f64::max);
    let ours = runs[1].final_losses[0];
    let numpy = numpy_lr10_final().expect("reference/numpy-output.txt has the row");
    assert!((ours - numpy).abs() < high - low);
    let (fewest, most) = (
        runs[1].rises.iter().min().copied(),
        runs[1].rises.iter().max().copied(),
    );
    assert!(fewest < most);
}

// Decision boundary: "the corners [0, 0] and [1, 1] sit in the 0 region, [0, 1] and [1, 0]
// in the 1 region, and the middle of the square belongs to the 1 region."
#[test]
fn decision_boundary_separates_the_corners() {
    let net = &runs::exercise_3_1().expect("trains").network;
    for (input, target) in XOR_INPUTS.iter().zip(XOR_TARGETS) {
        let output = net.predict(input).expect("valid")[0];
        assert_eq!(output > 0.5, target == 1.0);
    }
    assert!(figures::boundary_centre().expect("valid") > 0.5);
    // "the 1 region is a band along the diagonal from [0, 1] to [1, 0]"
    for step in 0..=20 {
        let t = f64::from(step) / 20.0;
        assert!(net.predict(&[t, 1.0 - t]).expect("valid")[0] > 0.5);
    }
    for corner in [[0.15, 0.15], [0.85, 0.85]] {
        assert!(net.predict(&corner).expect("valid")[0] < 0.5);
    }
}
