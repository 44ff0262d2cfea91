//! The chapter's figures: the sine fit, train against held-out loss, three fits of the same
//! points, and the loss curves of the failure modes.

use std::fmt::Write;
use std::ops::Range;

use bookkit::plot::{self, Canvas, colors};
use bookkit::{BookResult, Figure};
use ch02_backpropagation::Network;
use plotters::prelude::*;

use crate::data::{Dataset, true_curve};
use crate::experiments::{
    self, early_stopped_run, noisy_split, overfit_run, underfit_run,
};
use crate::failures::failures;

/// How many points a learned function is drawn with.
const CURVE_POINTS: usize = 100;
/// At most this many points of a loss curve are drawn.
const MAX_CURVE_POINTS: usize = 250;

/// The network's output on `np.linspace(0, 1, 100)`.
fn learned_curve(net: &Network) -> BookResult<Vec<(f64, f64)>> {
    plot::linspace(0.0, 1.0, CURVE_POINTS)
        .into_iter()
        .map(|x| Ok((x, net.predict(&[x])?[0])))
        .collect()
}

/// The true curve on the same grid.
fn true_points() -> Vec<(f64, f64)> {
    plot::linspace(0.0, 1.0, CURVE_POINTS)
        .into_iter()
        .map(|x| (x, true_curve(x)))
        .collect()
}

/// `(epoch, loss)` pairs of a loss curve, thinned to at most [`MAX_CURVE_POINTS`] points.
fn epochs(losses: &[f64]) -> Vec<(f64, f64)> {
    let step = losses.len().div_ceil(MAX_CURVE_POINTS).max(1);
    let last = losses.len().saturating_sub(1);
    losses
        .iter()
        .enumerate()
        .filter(|&(epoch, _)| epoch % step == 0 || epoch == last)
        .map(|(epoch, &loss)| (epoch as f64, loss))
        .collect()
}

fn legend_line(color: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(3))
}

fn draw_legend<'a, 'b: 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, CT>,
    position: SeriesLabelPosition,
) -> BookResult<()> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(("sans-serif", plot::TEXT_SIZE))
        .background_style(WHITE.mix(0.9))
        .border_style(colors::GREY)
        .draw()?;
    Ok(())
}

/// One loss curve to draw: label, losses, colour, dashed or not.
struct LossSeries<'a> {
    label: String,
    losses: &'a [f64],
    color: RGBColor,
    dashed: bool,
}

/// How a loss panel looks: its title, loss range, legend position and a marked epoch.
struct LossAxes<'a> {
    title: &'a str,
    y_range: Range<f64>,
    legend: SeriesLabelPosition,
    marker: Option<(usize, String)>,
}

/// A loss-against-epoch panel with a logarithmic loss axis, and an optional marked epoch.
fn loss_panel(
    area: &Canvas<'_>,
    axes: LossAxes<'_>,
    series: &[LossSeries<'_>],
) -> BookResult<()> {
    let LossAxes {
        title,
        y_range,
        legend,
        marker,
    } = axes;
    let epochs_drawn =
        series.iter().map(|s| s.losses.len()).max().unwrap_or(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", plot::TITLE_SIZE))
        .margin(12)
        .margin_right(25)
        .x_label_area_size(45)
        .y_label_area_size(65)
        .build_cartesian_2d(
            0.0..epochs_drawn,
            plot::log_range(y_range.clone()).log_scale(),
        )?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("mean loss (log scale)")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&plot::log_tick)
        .label_style(("sans-serif", plot::TEXT_SIZE))
        .draw()?;
    if let Some((epoch, label)) = marker {
        let x = epoch as f64;
        chart
            .draw_series(DashedLineSeries::new(
                [(x, y_range.start), (x, y_range.end)],
                6,
                4,
                colors::GREY.stroke_width(2),
            ))?
            .label(label)
            .legend(legend_line(colors::GREY));
    }
    for s in series {
        let points: Vec<(f64, f64)> = epochs(s.losses)
            .into_iter()
            .map(|(e, loss)| (e, loss.clamp(y_range.start, y_range.end)))
            .collect();
        let style = s.color.stroke_width(if s.dashed { 2 } else { 3 });
        let drawn = if s.dashed {
            chart.draw_series(DashedLineSeries::new(points, 8, 5, style))?
        } else {
            chart.draw_series(LineSeries::new(points, style))?
        };
        drawn.label(s.label.clone()).legend(legend_line(s.color));
    }
    draw_legend(&mut chart, legend)?;
    Ok(())
}

/// A learned function against the true curve and the data it was trained on.
struct FunctionPanel<'a> {
    title: &'a str,
    network: &'a Network,
    train: &'a Dataset,
    held_out: Option<&'a Dataset>,
    y_range: Range<f64>,
}

fn function_panel(area: &Canvas<'_>, panel: &FunctionPanel<'_>) -> BookResult<()> {
    let mut chart = ChartBuilder::on(area)
        .caption(panel.title, ("sans-serif", plot::TITLE_SIZE))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(55)
        .build_cartesian_2d(0.0..1.0, panel.y_range.clone())?;
    chart
        .configure_mesh()
        .x_desc("x")
        .y_desc("y")
        .label_style(("sans-serif", plot::TEXT_SIZE))
        .draw()?;
    if let Some(held_out) = panel.held_out {
        let points = held_out.xs().into_iter().zip(held_out.ys());
        chart
            .draw_series(
                points.map(|p| Circle::new(p, 3, colors::GREY.mix(0.5).filled())),
            )?
            .label("held-out points")
            .legend(|(x, y)| {
                Circle::new((x + 10, y), 3, colors::GREY.mix(0.5).filled())
            });
    }
    chart
        .draw_series(LineSeries::new(true_points(), colors::BLUE.stroke_width(3)))?
        .label("sin(πx)")
        .legend(legend_line(colors::BLUE));
    chart
        .draw_series(DashedLineSeries::new(
            learned_curve(panel.network)?,
            10,
            5,
            colors::RED.stroke_width(3),
        ))?
        .label("network")
        .legend(legend_line(colors::RED));
    let points = panel.train.xs().into_iter().zip(panel.train.ys());
    chart
        .draw_series(points.map(|p| Circle::new(p, 5, colors::BLUE.filled())))?
        .label("training points")
        .legend(|(x, y)| Circle::new((x + 10, y), 5, colors::BLUE.filled()));
    draw_legend(&mut chart, SeriesLabelPosition::LowerMiddle)?;
    Ok(())
}

/// Network output against the true curve at a few grid points, for a figure's data summary.
fn sample_predictions(net: &Network, data: &mut String) -> BookResult<()> {
    writeln!(data, "       x   sin(pi x)   network")?;
    let grid = plot::linspace(0.0, 1.0, CURVE_POINTS);
    for index in [0, 25, 50, 75, 99] {
        let x = grid[index];
        let y = net.predict(&[x])?[0];
        writeln!(data, "  {x:.4}     {:.4}    {y:.4}", true_curve(x))?;
    }
    Ok(())
}

/// The sine fit: the loss curve (top, logarithmic), and the learned function against the true
/// sine (bottom).
pub fn sine_fit() -> BookResult<Figure> {
    let fit = experiments::sine_fit()?;
    let mut data = String::from("loss curve\n");
    for epoch in [0, 10, 20, 50, 100, 500, 999] {
        writeln!(data, "  epoch {epoch:>4}: {:.6}", fit.losses[epoch])?;
    }
    writeln!(data, "learned function")?;
    sample_predictions(&fit.network, &mut data)?;
    let losses: Vec<(f64, f64)> = epochs(&fit.losses);
    let svg = plot::svg(plot::COLUMN_WIDTH, 2 * 380, |root| {
        let panels = root.split_evenly((2, 1));
        let mut chart = ChartBuilder::on(&panels[0])
            .caption("Training loss curve", ("sans-serif", plot::TITLE_SIZE))
            .margin(12)
            .margin_right(25)
            .x_label_area_size(45)
            .y_label_area_size(65)
            .build_cartesian_2d(
                0.0..fit.losses.len() as f64,
                plot::log_range(1e-3..1.0).log_scale(),
            )?;
        chart
            .configure_mesh()
            .x_desc("epoch")
            .y_desc("mean loss (log scale)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&plot::log_tick)
            .label_style(("sans-serif", plot::TEXT_SIZE))
            .draw()?;
        chart.draw_series(LineSeries::new(losses, colors::BLUE.stroke_width(3)))?;
        function_panel(
            &panels[1],
            &FunctionPanel {
                title: "Learned function",
                network: &fit.network,
                train: &fit.data,
                held_out: None,
                y_range: -0.05..1.1,
            },
        )?;
        Ok(())
    })?;
    Ok(Figure { data, svg })
}

/// Train and held-out loss of the large network (which overfits) and the tiny one (which
/// underfits), with the epoch of the lowest held-out loss marked.
pub fn train_vs_held_out() -> BookResult<Figure> {
    let over = overfit_run()?;
    let under = underfit_run()?;
    let best = over.best.epoch;
    let last = over.history.epochs() - 1;
    let mut data =
        String::from("epoch   [1,16,1] train  held-out   [1,1,1] train  held-out\n");
    for epoch in [0, 100, best, 500, 1000, last] {
        writeln!(
            data,
            "{epoch:>5}   {:>14.6}  {:>8.6}   {:>13.6}  {:>8.6}",
            over.history.train[epoch],
            over.history.held_out[epoch],
            under.history.train[epoch],
            under.history.held_out[epoch]
        )?;
    }
    writeln!(
        data,
        "marked: epoch {best}, lowest held-out loss of [1,16,1]"
    )?;
    let series = [
        LossSeries {
            label: "[1,16,1] train".into(),
            losses: &over.history.train,
            color: colors::BLUE,
            dashed: false,
        },
        LossSeries {
            label: "[1,16,1] held-out".into(),
            losses: &over.history.held_out,
            color: colors::RED,
            dashed: false,
        },
        LossSeries {
            label: "[1,1,1] train".into(),
            losses: &under.history.train,
            color: colors::GREEN,
            dashed: true,
        },
        LossSeries {
            label: "[1,1,1] held-out".into(),
            losses: &under.history.held_out,
            color: colors::PURPLE,
            dashed: true,
        },
    ];
    let svg = plot::svg(plot::COLUMN_WIDTH, 480, |root| {
        let axes = LossAxes {
            title: "Train vs held-out loss",
            y_range: 1e-4..1.0,
            legend: SeriesLabelPosition::LowerLeft,
            marker: Some((best, format!("lowest held-out loss (epoch {best})"))),
        };
        loss_panel(root, axes, &series)
    })?;
    Ok(Figure { data, svg })
}

/// The same six points fitted three ways: too simple, stopped at the best epoch, overfitted.
pub fn three_fits() -> BookResult<Figure> {
    let split = noisy_split();
    let under = underfit_run()?;
    let stopped = early_stopped_run()?;
    let over = overfit_run()?;
    let last = over.history.epochs() - 1;
    let best_title = format!("[1,16,1], best epoch ({})", stopped.best.epoch);
    let last_title = format!("[1,16,1], epoch {last}");
    let panels_spec = [
        ("[1,1,1], epoch 1999 (underfit)", &under.last),
        (best_title.as_str(), &stopped.best.network),
        (last_title.as_str(), &over.last),
    ];
    let mut data = String::new();
    for (title, network) in panels_spec {
        writeln!(data, "{title}")?;
        sample_predictions(network, &mut data)?;
    }
    let svg = plot::svg(plot::COLUMN_WIDTH, 3 * 340, |root| {
        let areas = root.split_evenly((3, 1));
        for (area, (title, network)) in areas.iter().zip(panels_spec) {
            function_panel(
                area,
                &FunctionPanel {
                    title,
                    network,
                    train: &split.train,
                    held_out: Some(&split.test),
                    y_range: -0.3..1.3,
                },
            )?;
        }
        Ok(())
    })?;
    Ok(Figure { data, svg })
}

/// Loss curves of the failure modes: learning rates, and runs that do not learn.
pub fn debugging_curves() -> BookResult<Figure> {
    let runs = failures()?;
    let mut data =
        String::from("epoch    lr 2    lr 20   lr 50   sign error   huge weights\n");
    for epoch in [0, 1, 100, 200, 500, 999] {
        writeln!(
            data,
            "{epoch:>5}   {:.4}  {:.4}  {:.4}  {:>10.4}   {:>12.4}",
            runs.healthy.log[epoch].loss,
            runs.too_high.log[epoch].loss,
            runs.far_too_high.log[epoch].loss,
            runs.wrong_sign.log[epoch].loss,
            runs.saturated.log[epoch].loss
        )?;
    }
    let losses = |run: &crate::failures::FailureRun| -> Vec<f64> {
        run.log.iter().map(|entry| entry.loss).collect()
    };
    let (healthy, too_high, far_too_high) = (
        losses(&runs.healthy),
        losses(&runs.too_high),
        losses(&runs.far_too_high),
    );
    let (wrong_sign, saturated) = (losses(&runs.wrong_sign), losses(&runs.saturated));
    let series = |label: &str, losses, color, dashed| LossSeries {
        label: label.to_string(),
        losses,
        color,
        dashed,
    };
    let rates = [
        series("learning rate 2", &healthy, colors::BLUE, false),
        series("learning rate 20", &too_high, colors::ORANGE, false),
        series("learning rate 50", &far_too_high, colors::RED, true),
    ];
    let stuck = [
        series("healthy", &healthy, colors::BLUE, false),
        series("sign error in backward", &wrong_sign, colors::RED, false),
        series("initial weights x10", &saturated, colors::PURPLE, true),
    ];
    let svg = plot::svg(plot::COLUMN_WIDTH, 2 * 400, |root| {
        let panels = root.split_evenly((2, 1));
        let axes = |title| LossAxes {
            title,
            y_range: 1e-3..1.0,
            legend: SeriesLabelPosition::MiddleRight,
            marker: None,
        };
        loss_panel(&panels[0], axes("Learning rate too high"), &rates)?;
        loss_panel(&panels[1], axes("Loss not decreasing"), &stuck)?;
        Ok(())
    })?;
    Ok(Figure { data, svg })
}
