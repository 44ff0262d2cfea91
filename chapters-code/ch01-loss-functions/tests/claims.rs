//! Every claim Chapter 1's prose makes about its numbers, asserted on the chapter's own code.

use ch01_loss_functions::figures::{SurfaceLoss, descent_path, surface_gradients};
use ch01_loss_functions::listings::{CONFIDENT_RIGHT, CONFIDENT_WRONG, TARGETS};
use ch01_loss_functions::loss::{
    EPSILON, bce_grad_logit, binary_cross_entropy, binary_cross_entropy_unclipped,
    mse, mse_grad_logit, sigmoid,
};

#[test]
fn being_confidently_wrong_costs_far_more_under_cross_entropy() {
    let right =
        binary_cross_entropy(&CONFIDENT_RIGHT, &TARGETS).expect("same lengths");
    let wrong =
        binary_cross_entropy(&CONFIDENT_WRONG, &TARGETS).expect("same lengths");
    assert!(wrong > 30.0 * right, "{wrong} vs {right}");
}

#[test]
fn mse_never_exceeds_one_and_cross_entropy_grows_without_bound() {
    for p in (0..=100).map(|i| f64::from(i) / 100.0) {
        assert!(mse(&[p], &[1.0]).expect("one pair") <= 1.0);
    }
    let near_zero = binary_cross_entropy(&[1e-12], &[1.0]).expect("one pair");
    let nearer = binary_cross_entropy(&[1e-14], &[1.0]).expect("one pair");
    assert!(
        nearer > near_zero && near_zero > 20.0,
        "{near_zero}, {nearer}"
    );
}

#[test]
fn clipping_keeps_a_certain_mistake_finite_and_unclipped_it_is_infinite() {
    let clipped = binary_cross_entropy(&[0.0], &[1.0]).expect("one pair");
    assert!(clipped.is_finite() && clipped > 30.0, "{clipped}");
    assert_eq!(clipped, -(EPSILON.ln()));
    assert!(binary_cross_entropy_unclipped(0.0, 1.0).is_infinite());
    // Outside the clip the clamped loss is flat, but the logit gradient p - t stays finite and
    // useful however close the prediction gets to 0.
    assert!((bce_grad_logit(1e-300, 1.0) + 1.0).abs() < 1e-12);
}

#[test]
fn a_saturated_sigmoid_silences_mse_but_not_cross_entropy() {
    // Confidently wrong: target 1, prediction 0.01.
    let p = 0.01;
    let mse_push = mse_grad_logit(p, 1.0);
    let ce_push = bce_grad_logit(p, 1.0);
    assert!(
        ce_push.abs() > 40.0 * mse_push.abs(),
        "{ce_push} vs {mse_push}"
    );
    // The MSE push is largest in between and vanishes at both ends of the sigmoid.
    let pushes: Vec<f64> = [-6.0, -2.0, 0.0]
        .map(|z| mse_grad_logit(sigmoid(z), 1.0).abs())
        .to_vec();
    assert!(pushes[0] < pushes[1], "{pushes:?}");
}

#[test]
fn the_mse_surface_is_a_plateau_where_cross_entropy_is_steep() {
    let at_ring = surface_gradients();
    assert!(at_ring.ce_gradient_norm > 10.0 * at_ring.mse_gradient_norm);
    // Gradient descent crawls on the plateau and walks out on cross-entropy.
    let mse_path = descent_path(SurfaceLoss::Mse);
    let ce_path = descent_path(SurfaceLoss::CrossEntropy);
    let (mse_end, ce_end) =
        (mse_path[mse_path.len() - 1], ce_path[ce_path.len() - 1]);
    assert!(mse_end.0 < 0.0, "MSE ends at w = {}", mse_end.0);
    assert!(ce_end.0 > 0.0, "cross-entropy ends at w = {}", ce_end.0);
}
