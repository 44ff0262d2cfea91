//! The chapter's figures: both losses and their gradients against the prediction, and the
//! loss surfaces of a one-neuron model.

use std::fmt::Write;

use bookkit::fmt::num;
use bookkit::plot::{self, colors};
use bookkit::{BookResult, Figure};
use plotters::prelude::*;

use crate::loss::{
    bce_grad_logit, bce_grad_prediction, binary_cross_entropy, mse, mse_grad_logit,
    mse_grad_prediction, sigmoid,
};

/// Predictions from 0.01 to 0.99, where both losses are finite.
fn predictions() -> Vec<f64> {
    plot::linspace(0.01, 0.99, 99)
}

/// Rows printed in a figure's data summary.
const SAMPLE_PREDICTIONS: [f64; 5] = [0.01, 0.1, 0.5, 0.9, 0.99];

fn is_sample(p: f64) -> bool {
    SAMPLE_PREDICTIONS.iter().any(|s| (s - p).abs() < 1e-9)
}

/// MSE and cross-entropy against the prediction, target 1.
pub fn loss_vs_prediction() -> BookResult<Figure> {
    let mut mse_curve = Vec::new();
    let mut ce_curve = Vec::new();
    let mut data = String::from("target 1\n  pred     MSE      CE\n");
    for p in predictions() {
        let m = mse(&[p], &[1.0])?;
        let c = binary_cross_entropy(&[p], &[1.0])?;
        mse_curve.push((p, m));
        ce_curve.push((p, c));
        if is_sample(p) {
            writeln!(data, "{p:>6.2}  {m:>6.4}  {c:>6.4}")?;
        }
    }
    let svg = plot::svg(640, 400, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption("Loss for target 1", ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(55)
            .build_cartesian_2d(0.0..1.0, 0.0..5.0)?;
        chart
            .configure_mesh()
            .x_desc("prediction")
            .y_desc("loss")
            .label_style(("sans-serif", 15))
            .draw()?;
        chart
            .draw_series(LineSeries::new(mse_curve, colors::BLUE.stroke_width(3)))?
            .label("MSE (p - 1)²")
            .legend(|(x, y)| {
                PathElement::new([(x, y), (x + 20, y)], colors::BLUE.stroke_width(3))
            });
        chart
            .draw_series(LineSeries::new(ce_curve, colors::RED.stroke_width(3)))?
            .label("cross-entropy -ln p")
            .legend(|(x, y)| {
                PathElement::new([(x, y), (x + 20, y)], colors::RED.stroke_width(3))
            });
        chart
            .configure_series_labels()
            .label_font(("sans-serif", 16))
            .background_style(WHITE.mix(0.9))
            .border_style(colors::GREY)
            .draw()?;
        Ok(())
    })?;
    Ok(Figure { data, svg })
}

type GradientFn = fn(f64, f64) -> f64;

fn gradient_panel(
    area: &plot::Canvas<'_>,
    title: &str,
    y_range: std::ops::Range<f64>,
    mse_gradient: GradientFn,
    ce_gradient: GradientFn,
) -> BookResult<()> {
    let low = y_range.start;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", plot::TITLE_SIZE))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(55)
        .build_cartesian_2d(0.0..1.0, y_range)?;
    chart
        .configure_mesh()
        .x_desc("prediction")
        .y_desc("gradient")
        .label_style(("sans-serif", plot::TEXT_SIZE))
        .draw()?;
    let curve = |f: GradientFn| -> Vec<(f64, f64)> {
        predictions()
            .into_iter()
            .map(|p| (p, f(p, 1.0)))
            .filter(|&(_, g)| g >= low)
            .collect()
    };
    chart
        .draw_series(LineSeries::new(
            curve(mse_gradient),
            colors::BLUE.stroke_width(3),
        ))?
        .label("MSE")
        .legend(|(x, y)| {
            PathElement::new([(x, y), (x + 20, y)], colors::BLUE.stroke_width(3))
        });
    chart
        .draw_series(LineSeries::new(
            curve(ce_gradient),
            colors::RED.stroke_width(3),
        ))?
        .label("cross-entropy")
        .legend(|(x, y)| {
            PathElement::new([(x, y), (x + 20, y)], colors::RED.stroke_width(3))
        });
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(("sans-serif", plot::TEXT_SIZE))
        .background_style(WHITE.mix(0.9))
        .border_style(colors::GREY)
        .draw()?;
    Ok(())
}

/// The gradients of both losses, with respect to the prediction (top) and to the sigmoid's
/// input (bottom).
pub fn gradient_vs_prediction() -> BookResult<Figure> {
    let mut data =
        String::from("target 1\n  pred   dMSE/dp     dCE/dp   dMSE/dz    dCE/dz\n");
    for p in SAMPLE_PREDICTIONS {
        writeln!(
            data,
            "{p:>6.2}  {:>8}  {:>9}  {:>8}  {:>8}",
            num(mse_grad_prediction(p, 1.0), 4),
            num(bce_grad_prediction(p, 1.0), 4),
            num(mse_grad_logit(p, 1.0), 4),
            num(bce_grad_logit(p, 1.0), 4)
        )?;
    }
    let svg = plot::svg(plot::COLUMN_WIDTH, 2 * 360, |root| {
        let panels = root.split_evenly((2, 1));
        gradient_panel(
            &panels[0],
            "dL/d(prediction)",
            -10.0..0.5,
            mse_grad_prediction,
            bce_grad_prediction,
        )?;
        gradient_panel(
            &panels[1],
            "dL/dz through the sigmoid",
            -1.1..0.1,
            mse_grad_logit,
            bce_grad_logit,
        )?;
        Ok(())
    })?;
    Ok(Figure { data, svg })
}

/// Inputs of the one-neuron model whose loss surfaces are drawn.
pub const SURFACE_INPUTS: [f64; 4] = [-1.5, -0.5, 0.5, 1.5];
/// Their targets.
pub const SURFACE_TARGETS: [f64; 4] = [0.0, 0.0, 1.0, 1.0];

/// Mean loss of the model `sigmoid(w·x + b)` over the surface data set.
fn surface_losses(weight: f64, bias: f64) -> BookResult<(f64, f64)> {
    let predictions: Vec<f64> = SURFACE_INPUTS
        .iter()
        .map(|x| sigmoid(weight * x + bias))
        .collect();
    Ok((
        mse(&predictions, &SURFACE_TARGETS)?,
        binary_cross_entropy(&predictions, &SURFACE_TARGETS)?,
    ))
}

/// The gradient of both losses at one confidently wrong point of the surface.
#[derive(Debug, Clone, Copy)]
pub struct SurfaceGradients {
    /// The weight of the point.
    pub weight: f64,
    /// The bias of the point.
    pub bias: f64,
    /// Length of the MSE gradient (d/dw, d/db) there.
    pub mse_gradient_norm: f64,
    /// Length of the cross-entropy gradient there.
    pub ce_gradient_norm: f64,
}

/// The gradients `(d/dw, d/db)` of the mean MSE and of the mean cross-entropy over the surface
/// data set, at `(weight, bias)`: the chain rule through the sigmoid, with the chapter's
/// [`mse_grad_logit`] and [`bce_grad_logit`].
fn surface_gradient(weight: f64, bias: f64) -> ([f64; 2], [f64; 2]) {
    let n = SURFACE_INPUTS.len() as f64;
    let (mut mse_w, mut mse_b, mut ce_w, mut ce_b) = (0.0, 0.0, 0.0, 0.0);
    for (&x, &t) in SURFACE_INPUTS.iter().zip(&SURFACE_TARGETS) {
        let a = sigmoid(weight * x + bias);
        mse_w += mse_grad_logit(a, t) * x / n;
        mse_b += mse_grad_logit(a, t) / n;
        ce_w += bce_grad_logit(a, t) * x / n;
        ce_b += bce_grad_logit(a, t) / n;
    }
    ([mse_w, mse_b], [ce_w, ce_b])
}

/// Gradients at `w = -4, b = 0`, where the neuron is confident and wrong on every example.
pub fn surface_gradients() -> SurfaceGradients {
    let (weight, bias) = (-4.0, 0.0);
    let ([mse_w, mse_b], [ce_w, ce_b]) = surface_gradient(weight, bias);
    SurfaceGradients {
        weight,
        bias,
        mse_gradient_norm: mse_w.hypot(mse_b),
        ce_gradient_norm: ce_w.hypot(ce_b),
    }
}

/// Learning rate of the gradient descent drawn on the loss surfaces.
pub const DESCENT_RATE: f64 = 1.0;
/// Number of gradient-descent steps drawn on the loss surfaces.
pub const DESCENT_STEPS: usize = 20;

/// Which loss a descent path follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurfaceLoss {
    /// Mean squared error.
    Mse,
    /// Binary cross-entropy.
    CrossEntropy,
}

/// The `(w, b)` of gradient descent on `loss` over the surface data set, from the point of
/// [`surface_gradients`], with [`DESCENT_RATE`]: the start and then one point per step, for
/// [`DESCENT_STEPS`] steps.
pub fn descent_path(loss: SurfaceLoss) -> Vec<(f64, f64)> {
    let start = surface_gradients();
    let (mut weight, mut bias) = (start.weight, start.bias);
    let mut path = vec![(weight, bias)];
    for _ in 0..DESCENT_STEPS {
        let (mse, ce) = surface_gradient(weight, bias);
        let [dw, db] = match loss {
            SurfaceLoss::Mse => mse,
            SurfaceLoss::CrossEntropy => ce,
        };
        weight -= DESCENT_RATE * dw;
        bias -= DESCENT_RATE * db;
        path.push((weight, bias));
    }
    path
}

const GRID: usize = 32;
const SPAN: f64 = 6.0;
/// Height of one loss-surface panel.
const SURFACE_PANEL_HEIGHT: u32 = 520;

/// One heat map of the loss surface: its title, the loss on the grid, the descent path.
struct SurfacePanel<'a> {
    title: &'a str,
    loss_name: &'a str,
    grid: &'a [Vec<f64>],
    path: &'a [(f64, f64)],
}

fn surface_panel(
    area: &plot::Canvas<'_>,
    panel: &SurfacePanel<'_>,
) -> BookResult<()> {
    let grid = panel.grid;
    let max = grid.iter().flatten().copied().fold(f64::MIN, f64::max);
    let min = grid.iter().flatten().copied().fold(f64::MAX, f64::min);
    let (map_area, bar_area) =
        area.split_horizontally(plot::COLUMN_WIDTH - plot::COLOR_BAR_WIDTH);
    let mut chart = ChartBuilder::on(&map_area)
        .caption(panel.title, ("sans-serif", plot::TITLE_SIZE))
        .margin(12)
        .margin_left(40)
        .x_label_area_size(45)
        .y_label_area_size(50)
        .build_cartesian_2d(-SPAN..SPAN, -SPAN..SPAN)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("weight w")
        .y_desc("bias b")
        .label_style(("sans-serif", plot::TEXT_SIZE))
        .draw()?;
    let cell = 2.0 * SPAN / GRID as f64;
    chart.draw_series(grid.iter().enumerate().flat_map(|(row, values)| {
        values.iter().enumerate().map(move |(col, &loss)| {
            let w = -SPAN + col as f64 * cell;
            let b = -SPAN + row as f64 * cell;
            Rectangle::new(
                [(w, b), (w + cell, b + cell)],
                plot::viridis((loss - min) / (max - min)).filled(),
            )
        })
    }))?;
    chart.draw_series(LineSeries::new(
        panel.path.iter().copied(),
        WHITE.stroke_width(2),
    ))?;
    chart.draw_series(
        panel
            .path
            .iter()
            .skip(1)
            .map(|&point| Circle::new(point, 3, WHITE.filled())),
    )?;
    let point = surface_gradients();
    chart.draw_series([Circle::new(
        (point.weight, point.bias),
        6,
        WHITE.stroke_width(3),
    )])?;
    let rows = chart.plotting_area().get_pixel_range().1;
    plot::color_bar(&bar_area, rows, min..max, plot::viridis, panel.loss_name)
}

/// Loss over (weight, bias) of a one-neuron sigmoid model, for MSE and for cross-entropy, with
/// the path gradient descent takes on each from the same confidently wrong start.
pub fn loss_surface() -> BookResult<Figure> {
    let cell = 2.0 * SPAN / GRID as f64;
    let mut mse_grid = vec![vec![0.0; GRID]; GRID];
    let mut ce_grid = vec![vec![0.0; GRID]; GRID];
    for row in 0..GRID {
        for col in 0..GRID {
            let w = -SPAN + (col as f64 + 0.5) * cell;
            let b = -SPAN + (row as f64 + 0.5) * cell;
            (mse_grid[row][col], ce_grid[row][col]) = surface_losses(w, b)?;
        }
    }
    let mut data = String::from(
        "model sigmoid(w*x + b), x = [-1.5, -0.5, 0.5, 1.5], t = [0, 0, 1, 1]\n",
    );
    writeln!(data, "     w      b     MSE      CE")?;
    for (w, b) in [(-5.0, 0.0), (-2.0, 0.0), (0.0, 0.0), (2.0, 0.0), (5.0, 0.0)] {
        let (m, c) = surface_losses(w, b)?;
        writeln!(data, "{:>6}  {:>5}  {m:.4}  {c:.4}", num(w, 1), num(b, 1))?;
    }
    let point = surface_gradients();
    writeln!(
        data,
        "gradient length at w = {}, b = {}: MSE {:.4}, CE {:.4}",
        num(point.weight, 1),
        num(point.bias, 1),
        point.mse_gradient_norm,
        point.ce_gradient_norm
    )?;
    let mse_path = descent_path(SurfaceLoss::Mse);
    let ce_path = descent_path(SurfaceLoss::CrossEntropy);
    writeln!(
        data,
        "gradient descent from there, learning rate {}, each on its own loss:",
        num(DESCENT_RATE, 1)
    )?;
    writeln!(
        data,
        "step  MSE path w       b     MSE  CE path w       b      CE"
    )?;
    for step in [0, 1, 2, 5, 10, DESCENT_STEPS] {
        let (mw, mb) = mse_path[step];
        let (cw, cb) = ce_path[step];
        writeln!(
            data,
            "{step:>4}  {:>10}  {:>6}  {:.4}  {:>9}  {:>6}  {:.4}",
            num(mw, 4),
            num(mb, 4),
            surface_losses(mw, mb)?.0,
            num(cw, 4),
            num(cb, 4),
            surface_losses(cw, cb)?.1
        )?;
    }
    let svg = plot::svg(plot::COLUMN_WIDTH, 2 * SURFACE_PANEL_HEIGHT, |root| {
        let panels = root.split_evenly((2, 1));
        surface_panel(
            &panels[0],
            &SurfacePanel {
                title: "MSE: flat where it is most wrong",
                loss_name: "MSE",
                grid: &mse_grid,
                path: &mse_path,
            },
        )?;
        surface_panel(
            &panels[1],
            &SurfacePanel {
                title: "Cross-entropy: steep where it is most wrong",
                loss_name: "cross-entropy",
                grid: &ce_grid,
                path: &ce_path,
            },
        )?;
        Ok(())
    })?;
    Ok(Figure { data, svg })
}
