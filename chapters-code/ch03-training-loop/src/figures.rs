//! The chapter's figures: loss curves for four learning rates, loss curves for three batch
//! sizes, and the decision boundary of the trained XOR network.

use std::fmt::Write;

use bookkit::fmt::{num, vector};
use bookkit::plot::{self, colors};
use bookkit::{BookResult, Figure};
use ch02_backpropagation::Network;
use plotters::prelude::*;

use crate::data::{XOR_INPUTS, XOR_TARGETS};
use crate::runs::{self, LearningRateRun, rises};

/// Passes whose loss the learning-rate figure's data lists.
const SAMPLE_PASSES: [usize; 7] = [0, 1, 2, 10, 50, 100, 499];

/// The loss axis of the learning-rate figure (logarithmic): the runs end four orders of
/// magnitude apart.
const LEARNING_RATE_LOSSES: std::ops::Range<f64> = 1e-4..1.0;

fn curve_panel(area: &plot::Canvas<'_>, run: &LearningRateRun) -> BookResult<()> {
    let passes = run.losses.len() as f64;
    let y_range = LEARNING_RATE_LOSSES;
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("LR = {:?}", run.learning_rate),
            ("sans-serif", plot::TITLE_SIZE),
        )
        .margin(10)
        .margin_right(22)
        .x_label_area_size(40)
        .y_label_area_size(65)
        .build_cartesian_2d(
            0.0..passes,
            plot::log_range(y_range.clone()).log_scale(),
        )?;
    chart
        .configure_mesh()
        .x_desc("pass")
        .y_desc("mean loss (log)")
        .x_labels(6)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&plot::log_tick)
        .label_style(("sans-serif", plot::TEXT_SIZE))
        .draw()?;
    let points =
        run.losses.iter().enumerate().map(|(pass, &loss)| {
            (pass as f64, loss.clamp(y_range.start, y_range.end))
        });
    chart.draw_series(LineSeries::new(points, colors::BLUE.stroke_width(2)))?;
    Ok(())
}

/// The loss of every pass for each learning rate, two panels to a row, on a logarithmic scale.
pub fn learning_rate_curves() -> BookResult<Figure> {
    let runs = runs::learning_rates()?;
    let mut data =
        String::from("mean loss of each pass over XOR ([2, 4, 1], seed 42)\n");
    write!(data, "{:>5}", "LR")?;
    for pass in SAMPLE_PASSES {
        write!(data, "  {:>6}", format!("p{pass}"))?;
    }
    writeln!(data, "  {:>5}  {:>10}", "rises", "final loss")?;
    for run in runs {
        write!(data, "{:>5}", format!("{:?}", run.learning_rate))?;
        for pass in SAMPLE_PASSES {
            write!(data, "  {:>6.4}", run.losses[pass])?;
        }
        writeln!(
            data,
            "  {:>5}  {:>10.4}",
            rises(&run.losses),
            run.final_loss
        )?;
    }
    let rows = runs.len().div_ceil(2);
    let svg = plot::svg(plot::COLUMN_WIDTH, 300 * rows as u32, |root| {
        let panels = root.split_evenly((rows, 2));
        for (panel, run) in panels.iter().zip(runs) {
            curve_panel(panel, run)?;
        }
        Ok(())
    })?;
    Ok(Figure { data, svg })
}

/// The loss after every epoch for batch size 1, 32 and the full data set.
pub fn batch_size_curves() -> BookResult<Figure> {
    let runs = runs::batch_sizes()?;
    let epochs = runs::BATCH_EPOCHS;
    let mut data = format!(
        "mean loss over the noisy XOR data after each epoch (learning rate {:?})\n",
        runs::BATCH_LEARNING_RATE
    );
    writeln!(
        data,
        "{:>10}  {:>7}  {:>6}  {:>6}  {:>6}  {:>6}  {:>5}",
        "batch size", "updates", "e1", "e10", "e50", "e100", "rises"
    )?;
    for run in runs {
        let l = &run.epoch_losses;
        writeln!(
            data,
            "{:>10}  {:>7}  {:>6.4}  {:>6.4}  {:>6.4}  {:>6.4}  {:>5}",
            run.batch_size,
            run.updates_per_epoch,
            l[0],
            l[9],
            l[49],
            l[epochs - 1],
            rises(l)
        )?;
    }
    let palette = [colors::RED, colors::BLUE, colors::GREEN];
    let svg = plot::svg(720, 420, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption("Loss after each epoch, by batch size", ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(1.0..epochs as f64, 0.0..0.3)?;
        chart
            .configure_mesh()
            .x_desc("epoch")
            .y_desc("mean loss over all points")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .label_style(("sans-serif", 15))
            .draw()?;
        for (run, color) in runs.iter().zip(palette) {
            let points = run
                .epoch_losses
                .iter()
                .enumerate()
                .map(|(epoch, &loss)| ((epoch + 1) as f64, loss));
            let label = match run.batch_size {
                1 => "batch size 1 (stochastic)".to_string(),
                size if size == runs::BATCH_SIZES[2] => {
                    format!("batch size {size} (full batch)")
                }
                size => format!("batch size {size} (mini-batch)"),
            };
            chart
                .draw_series(LineSeries::new(points, color.stroke_width(2)))?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 20, y)], color.stroke_width(3))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::MiddleRight)
            .label_font(("sans-serif", 15))
            .background_style(WHITE.mix(0.9))
            .border_style(colors::GREY)
            .draw()?;
        Ok(())
    })?;
    Ok(Figure { data, svg })
}

/// From blue (output 0) through white (0.5) to orange-red (output 1).
fn diverging(output: f64) -> RGBColor {
    let (low, mid, high) = (
        (0.0, 114.0, 178.0),
        (247.0, 247.0, 247.0),
        (213.0, 94.0, 0.0),
    );
    let t = output.clamp(0.0, 1.0);
    let (from, to, s) = if t < 0.5 {
        (low, mid, t * 2.0)
    } else {
        (mid, high, t * 2.0 - 1.0)
    };
    let mix = |a: f64, b: f64| (a + (b - a) * s).round() as u8;
    RGBColor(mix(from.0, to.0), mix(from.1, to.1), mix(from.2, to.2))
}

/// Heat-map cells per side.
const CELLS: usize = 60;
/// The map covers `[-MARGIN, 1 + MARGIN]` on both axes.
const MARGIN: f64 = 0.1;

/// The output of the trained XOR network (Exercise 3.1) in the middle of the square.
pub fn boundary_centre() -> BookResult<f64> {
    Ok(runs::exercise_3_1()?.network.predict(&[0.5, 0.5])?[0])
}

/// The trained network's output on a `count` × `count` grid over `[low, high]²`, row by row
/// from the bottom (`x2 = low`).
pub fn output_grid(
    net: &Network,
    low: f64,
    high: f64,
    count: usize,
) -> BookResult<Vec<Vec<f64>>> {
    let axis = plot::linspace(low, high, count);
    let mut grid = Vec::with_capacity(count);
    for &x2 in &axis {
        let mut row = Vec::with_capacity(count);
        for &x1 in &axis {
            row.push(net.predict(&[x1, x2])?[0]);
        }
        grid.push(row);
    }
    Ok(grid)
}

/// The trained XOR network's output over the unit square, with the four training points.
pub fn xor_decision_boundary() -> BookResult<Figure> {
    let net = &runs::exercise_3_1()?.network;
    let mut data = String::from(
        "output of the XOR network of Exercise 3.1 (lr 2.0, 2000 passes)\nx2 \\ x1",
    );
    let coarse = plot::linspace(0.0, 1.0, 5);
    for x1 in &coarse {
        write!(data, "  {:>5}", num(*x1, 2))?;
    }
    writeln!(data)?;
    let grid = output_grid(net, 0.0, 1.0, coarse.len())?;
    for (x2, row) in coarse.iter().zip(&grid).rev() {
        writeln!(
            data,
            "{:>7}  {}",
            num(*x2, 2),
            row.iter()
                .map(|v| format!("{v:>5.2}"))
                .collect::<Vec<_>>()
                .join("  ")
        )?;
    }
    let (low, high) = (-MARGIN, 1.0 + MARGIN);
    let cell = (high - low) / CELLS as f64;
    let centres = output_grid(net, low + cell / 2.0, high - cell / 2.0, CELLS)?;
    let svg = plot::svg(560, 520, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption("Output of the trained XOR network", ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(50)
            .build_cartesian_2d(low..high, low..high)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("input x1")
            .y_desc("input x2")
            .label_style(("sans-serif", 15))
            .draw()?;
        chart.draw_series(centres.iter().enumerate().flat_map(|(row, values)| {
            values.iter().enumerate().map(move |(col, &output)| {
                let x = low + col as f64 * cell;
                let y = low + row as f64 * cell;
                Rectangle::new(
                    [(x, y), (x + cell, y + cell)],
                    diverging(output).filled(),
                )
            })
        }))?;
        for (input, target) in XOR_INPUTS.iter().zip(XOR_TARGETS) {
            let (x, y) = (input[0], input[1]);
            chart.draw_series([
                Circle::new((x, y), 10, diverging(target).filled()),
                Circle::new((x, y), 10, WHITE.stroke_width(3)),
            ])?;
            let label = format!("{} → {}", vector(input, 0), num(target, 0));
            let anchor = (x + 0.04 - 0.28 * x, y + 0.09 - 0.2 * y);
            chart.draw_series([Text::new(
                label,
                anchor,
                ("sans-serif", 16).into_font().color(&BLACK),
            )])?;
        }
        Ok(())
    })?;
    writeln!(
        data,
        "training points (target): {}",
        XOR_INPUTS
            .iter()
            .zip(XOR_TARGETS)
            .map(|(i, t)| format!("{} ({})", vector(i, 0), num(t, 0)))
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    Ok(Figure { data, svg })
}
