//! Every claim the chapter's prose makes, checked on the runs the book shows.

use ch02_backpropagation::MeanSquaredError;
use ch03_training_loop::mean_loss;
use ch04_training_in_practice::data::{noise_floor, sine_data};
use ch04_training_in_practice::debugging::{
    EXPLODING_NORM, MseWrongSign, Symptom, check_output_gradient, diagnose,
};
use ch04_training_in_practice::experiments::{
    EARLY_STOPPING, LARGE_LAYERS, LONG_RUN, PATIENCE, SINE_LAYERS, TINY_LAYERS,
    early_stopped_run, noisy_split, overfit_run, sine_fit, underfit_run,
};
use ch04_training_in_practice::failures::{
    CLASSIFIER_LAYERS, FailureRun, WEIGHT_SCALE, failures, nan_trace,
    with_scaled_weights,
};
use ch04_training_in_practice::listings::jumps;
use ch04_training_in_practice::solutions::ex4_1;

use ch02_backpropagation::Network;

/// The committed numpy reference output of this chapter.
fn numpy() -> bookkit::reference::NumpyReference {
    bookkit::reference::NumpyReference::parse(include_str!(
        "../reference/numpy-output.txt"
    ))
    .expect("reference/numpy-output.txt parses")
}

fn close(got: f64, expected: f64, relative: f64) -> bool {
    (got - expected).abs() <= relative * expected.abs()
}

#[test]
fn the_sine_fit_matches_numpy() {
    let fit = sine_fit().expect("the sine fit trains");
    // reference/numpy-output.txt: the guide's loss-curve code under numpy, printed at full
    // precision by reference/practice_numpy.py.
    let numpy = numpy();
    let losses = numpy.values("sine_losses").expect("in the reference");
    assert_eq!(losses.len(), 7, "sine_losses: one value per epoch checked");
    for (&epoch, &expected) in [0, 10, 20, 50, 100, 500, 999].iter().zip(losses) {
        let got = fit.losses[epoch];
        assert!(
            close(got, expected, 1e-8),
            "epoch {epoch}: {got} vs numpy {expected}"
        );
    }
    assert_eq!(
        format!("{:.6}", fit.losses[999]),
        format!("{:.6}", losses[6])
    );
    // The predictions on np.linspace(0, 1, 100), from the same run.
    let grid = bookkit::plot::linspace(0.0, 1.0, 100);
    let predictions = numpy.values("sine_predictions").expect("in the reference");
    assert_eq!(
        predictions.len(),
        5,
        "sine_predictions: one value per point checked"
    );
    for (&index, &expected) in [0, 25, 50, 75, 99].iter().zip(predictions) {
        let got = fit.network.predict(&[grid[index]]).expect("one input")[0];
        assert!(
            close(got, expected, 1e-8),
            "x[{index}]: {got} vs {expected}"
        );
    }
}

#[test]
fn the_sine_loss_drops_steeply_then_levels_off() {
    let losses = &sine_fit().expect("trains").losses;
    // Steep: within 50 epochs the loss is below 2% of its first value.
    assert!(
        losses[50] < 0.02 * losses[0],
        "{} vs {}",
        losses[50],
        losses[0]
    );
    // Level: over the last 900 epochs it changes by less than 0.0003.
    assert!(losses[100] - losses[999] < 3e-4);
    assert!(losses[100] > losses[999]);
}

#[test]
fn after_epoch_50_the_sine_loss_never_rises() {
    let losses = &sine_fit().expect("trains").losses;
    assert!(losses[50..].windows(2).all(|pair| pair[1] <= pair[0]));
}

#[test]
fn the_learned_sine_stays_above_zero_at_both_ends() {
    let net = &sine_fit().expect("trains").network;
    for x in [0.0, 1.0] {
        let y = net.predict(&[x]).expect("one input")[0];
        assert!(y > 0.05, "f({x}) = {y}");
    }
}

#[test]
fn the_large_network_overfits_the_six_points() {
    let run = overfit_run().expect("trains");
    let (train, held_out) = (&run.history.train, &run.history.held_out);
    let best = run.best.epoch;
    let last = held_out.len() - 1;
    assert_eq!(best, 223);
    // Training loss falls at every epoch from the best held-out epoch to the end …
    assert!(train[best..].windows(2).all(|pair| pair[1] < pair[0]));
    // … while held-out loss rises at every epoch after its minimum,
    assert!(held_out[best..].windows(2).all(|pair| pair[1] > pair[0]));
    // ending more than twice as high.
    assert!(held_out[last] > 2.0 * held_out[best]);
    // The network ends below what the true curve scores on its training points: it fits noise.
    let split = noisy_split();
    assert!(train[last] < noise_floor(&split.train));
    assert!(held_out[last] > noise_floor(&split.test));
    assert_eq!(
        Network::new(&LARGE_LAYERS, 42)
            .expect("valid")
            .parameter_count(),
        49
    );
}

#[test]
fn after_a_brief_wobble_both_losses_fall_together_until_the_best_epoch() {
    let run = overfit_run().expect("trains");
    let best = run.best.epoch;
    assert!(run.history.train[18..=best].windows(2).all(|p| p[1] < p[0]));
    assert!(
        run.history.held_out[18..=best]
            .windows(2)
            .all(|p| p[1] < p[0])
    );
}

#[test]
fn the_overfitted_curve_flattens_the_top_and_steepens_the_sides() {
    let split = noisy_split();
    assert_eq!(split.train.ys().iter().filter(|&&y| y > 1.0).count(), 2);
    let over = overfit_run().expect("trains");
    let at = |net: &Network, x: f64| net.predict(&[x]).expect("one input")[0];
    let truth = |x: f64| ch04_training_in_practice::data::true_curve(x);
    for x in [0.25, 0.75] {
        assert!(at(&over.last, x) > truth(x) + 0.08, "x = {x}");
        assert!(
            (at(&over.best.network, x) - truth(x)).abs() < 0.06,
            "x = {x}"
        );
    }
    assert!(at(&over.last, 0.5) > 0.99);
    // The same network and training as Exercise 4.1: [1, 16, 1], learning rate 1.0, 2000 epochs.
    assert_eq!(LARGE_LAYERS, [1, 16, 1]);
    assert_eq!((LONG_RUN.learning_rate, LONG_RUN.max_epochs), (1.0, 2000));
}

#[test]
fn stopped_after_100_epochs_the_large_network_still_underfits() {
    let run = overfit_run().expect("trains");
    let best = run.best.epoch;
    assert!(run.history.train[100] > 5.0 * run.history.train[best]);
    assert!(run.history.held_out[100] > 5.0 * run.history.held_out[best]);
}

#[test]
fn the_tiny_network_underfits() {
    let under = underfit_run().expect("trains");
    let over = overfit_run().expect("trains");
    // Its training loss never gets below 0.18, ten times the large network's.
    assert!(under.history.train.iter().all(|&loss| loss > 0.18));
    let last = under.history.epochs() - 1;
    assert!(under.history.train[last] > 10.0 * over.history.train[over.best.epoch]);
    assert!(
        under
            .history
            .held_out
            .iter()
            .all(|&loss| loss > 10.0 * over.best.held_out_loss)
    );
    // It ends within 0.1% of always predicting the mean target.
    let ys = noisy_split().train.ys();
    let mean = ys.iter().sum::<f64>() / ys.len() as f64;
    let constant =
        ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / ys.len() as f64;
    assert!(close(under.history.train[last], constant, 1e-3));
    assert_eq!(
        Network::new(&TINY_LAYERS, 42)
            .expect("valid")
            .parameter_count(),
        4
    );
}

#[test]
fn early_stopping_keeps_the_best_weights() {
    let stopped = early_stopped_run().expect("trains");
    let full = overfit_run().expect("trains");
    assert_eq!(stopped.best.epoch, full.best.epoch);
    assert_eq!(stopped.history.epochs(), full.best.epoch + PATIENCE + 1);
    assert!(stopped.stopped_early(&EARLY_STOPPING));
    assert_eq!(stopped.best.network, full.best.network);
    // The kept weights score exactly the minimum of the held-out curve.
    let held_out = &noisy_split().test;
    let kept = mean_loss(&stopped.best.network, &held_out.inputs, &held_out.targets)
        .expect("valid data");
    let minimum = full
        .history
        .held_out
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min);
    assert_eq!(kept, minimum);
    let last = mean_loss(&full.last, &held_out.inputs, &held_out.targets)
        .expect("valid data");
    assert!(last > 2.0 * kept);
}

fn symptoms(run: &FailureRun) -> Vec<Symptom> {
    diagnose(&run.log)
}

#[test]
fn a_sign_error_in_backward_makes_the_loss_rise_and_fails_the_gradient_check() {
    let runs = failures().expect("runs");
    let log = &runs.wrong_sign.log;
    assert!(log[999].loss > log[0].loss);
    assert!(matches!(
        symptoms(&runs.wrong_sign)[..],
        [Symptom::LossRising { .. }]
    ));

    let data = sine_data();
    let net = Network::new(&SINE_LAYERS, 42).expect("valid");
    let (x, t) = (&data.inputs[0], &data.targets[0]);
    let buggy = check_output_gradient(&net, x, t, &MseWrongSign).expect("valid");
    let correct =
        check_output_gradient(&net, x, t, &MeanSquaredError).expect("valid");
    assert_eq!(buggy.checks.len(), 25);
    assert_eq!(buggy.failures().len(), 25);
    // Opposite signs, same size: a relative difference of 1 everywhere.
    assert!(
        buggy
            .checks
            .iter()
            .all(|c| (c.relative_difference() - 1.0).abs() < 1e-6)
    );
    assert!(
        buggy
            .checks
            .iter()
            .all(|c| close(c.analytical, -c.numerical, 1e-4))
    );
    assert!(correct.passed());
    assert_eq!(correct.checks.len(), 25);
}

#[test]
fn a_learning_rate_too_high_oscillates_or_freezes() {
    let runs = failures().expect("runs");
    let last = 999;
    assert!(symptoms(&runs.healthy).is_empty());
    // lr 20: the loss jumps up by more than 10% in at least a fifth of the epochs and ends
    // more than 50 times higher than at lr 2.
    assert!(jumps(&runs.too_high) >= 200, "{}", jumps(&runs.too_high));
    assert!(runs.too_high.log[last].loss > 50.0 * runs.healthy.log[last].loss);
    assert_eq!(
        symptoms(&runs.too_high),
        vec![Symptom::Oscillating {
            jumps: jumps(&runs.too_high),
            epochs: 1000
        }]
    );
    // Both high rates sit frozen at the same loss for the first 100 epochs.
    for run in [&runs.too_high, &runs.far_too_high] {
        let frozen = run.log[1].loss;
        assert!(
            run.log[1..=100]
                .iter()
                .all(|e| (e.loss - frozen).abs() < 1e-5)
        );
    }
    // lr 20 leaves the plateau between epochs 160 and 200.
    let frozen = runs.too_high.log[1].loss;
    assert!(
        runs.too_high.log[1..=160]
            .iter()
            .all(|e| (e.loss - frozen).abs() < 1e-4)
    );
    assert!(runs.too_high.log[200].loss < frozen - 0.05);
    // lr 50 stays frozen to the end, its gradient vanished.
    let frozen = runs.far_too_high.log[1].loss;
    assert!(
        runs.far_too_high.log[1..]
            .iter()
            .all(|e| (e.loss - frozen).abs() < 1e-5)
    );
    assert!(matches!(
        symptoms(&runs.far_too_high)[..],
        [Symptom::VanishingGradients { .. }, Symptom::FlatLoss { .. }]
    ));
    assert!(jumps(&runs.far_too_high) == 0);
}

#[test]
fn at_a_learning_rate_too_high_the_run_is_chaotic() {
    let runs = failures().expect("runs");
    let last = 999;
    let (healthy, nudged) = (
        runs.healthy.log[last].loss,
        runs.healthy_nudged.log[last].loss,
    );
    assert!((healthy - nudged).abs() < 1e-12, "{healthy} vs {nudged}");
    let (wild, nudged) = (
        runs.too_high.log[last].loss,
        runs.too_high_nudged.log[last].loss,
    );
    assert!((wild - nudged).abs() > 0.05 * wild, "{wild} vs {nudged}");
}

#[test]
fn huge_initial_weights_saturate_the_sigmoids_and_the_loss_stays_flat() {
    let runs = failures().expect("runs");
    let log = &runs.saturated.log;
    assert!(log.iter().all(|e| (e.loss - log[0].loss).abs() < 1e-6));
    assert!(log.iter().all(|e| e.gradient_norm < 1e-7));
    assert!(matches!(
        symptoms(&runs.saturated)[..],
        [Symptom::VanishingGradients { .. }, Symptom::FlatLoss { .. }]
    ));
    let mut net = with_scaled_weights(&SINE_LAYERS, 42, WEIGHT_SCALE).expect("valid");
    let output = net.forward(&[0.5]).expect("one input")[0];
    assert!(output * (1.0 - output) < 1e-8);
    let hidden = net.activations().expect("after forward")[1].to_vec();
    assert!(
        hidden.iter().filter(|&&a| a > 0.99995).count() >= 2,
        "{hidden:?}"
    );
    // The healthy run's gradient is more than a hundred thousand times longer.
    assert!(runs.healthy.log[999].gradient_norm > 1e5 * log[999].gradient_norm);
}

#[test]
fn log_of_zero_turns_the_loss_into_nan_and_clipping_keeps_it_finite() {
    let trace = nan_trace(13).expect("runs");
    assert!(trace[..11].iter().all(|step| step.loss.is_finite()));
    assert!(trace[10].loss > 100.0);
    assert_eq!(trace[11].prediction, 1.0);
    assert_eq!(trace[11].target, 1.0);
    assert!(trace[11].loss.is_nan());
    assert!(trace[12].prediction.is_nan());
    // Steps 1 to 9 (class 0): absurdly confident and right, at no cost.
    assert!(
        trace[1..10]
            .iter()
            .all(|s| s.target == 0.0 && s.prediction < 1e-100)
    );
    assert!(trace[1..10].iter().all(|s| s.loss.abs() < 1e-12));
    // After step 11 every weight is NaN.
    let data = ch04_training_in_practice::data::step_data();
    let mut net = Network::new(&CLASSIFIER_LAYERS, 42).expect("valid");
    for i in 0..12 {
        ch04_training_in_practice::debugging::logged_step(
            &mut net,
            &data.inputs[i],
            &data.targets[i],
            ch04_training_in_practice::failures::NAN_LEARNING_RATE,
            &ch04_training_in_practice::debugging::CROSS_ENTROPY_UNCLIPPED,
        )
        .expect("valid data");
    }
    assert!(net.weights().iter().flatten().all(|w| w.is_nan()));

    let runs = failures().expect("runs");
    assert_eq!(
        symptoms(&runs.unclipped),
        vec![Symptom::NotFinite { epoch: 0 }]
    );
    assert!(runs.unclipped.log.iter().all(|e| e.loss.is_nan()));
    assert!(runs.clipped.log.iter().all(|e| e.loss.is_finite()));
    let stuck = runs.clipped.log[runs.clipped.log.len() - 1].loss;
    assert!(
        runs.clipped.log[1..]
            .iter()
            .all(|e| (e.loss - stuck).abs() < 1e-4)
    );
    assert!(matches!(
        symptoms(&runs.clipped)[..],
        [Symptom::VanishingGradients { .. }, Symptom::FlatLoss { .. }]
    ));
    let fixed = &runs.clipped_slower.log;
    assert!(fixed[fixed.len() - 1].loss < 0.15 * fixed[0].loss);
    assert!(symptoms(&runs.clipped_slower).is_empty());
    assert_eq!(CLASSIFIER_LAYERS, [1, 4, 1]);
}

#[test]
fn no_run_of_the_chapter_has_exploding_gradients() {
    let runs = failures().expect("runs");
    for run in runs.all() {
        let finite = run.log.iter().filter(|e| e.gradient_norm.is_finite());
        assert!(
            finite.clone().all(|e| e.gradient_norm < EXPLODING_NORM),
            "{}",
            run.label
        );
        assert!(
            !symptoms(run)
                .iter()
                .any(|s| matches!(s, Symptom::ExplodingGradients { .. })),
            "{}",
            run.label
        );
    }
}

#[test]
fn in_exercise_4_1_the_test_loss_keeps_falling() {
    let split = ex4_1::make_data();
    let reports = ex4_1::train_and_track(&split).expect("trains");
    assert!(
        reports
            .windows(2)
            .all(|pair| pair[1].test_loss < pair[0].test_loss)
    );
    assert!(
        reports
            .windows(2)
            .all(|pair| pair[1].train_loss < pair[0].train_loss)
    );
    let last = reports[reports.len() - 1];
    let ratio = last.test_loss / last.train_loss;
    assert!((1.95..2.05).contains(&ratio), "{ratio}");
    // Train loss below what the true curve scores on the training points, test loss above.
    assert!(last.train_loss < noise_floor(&split.train));
    assert!(last.test_loss > noise_floor(&split.test));
}
