//! The chapter's figures: digits, loss curves, the two losses compared, the schedule, and
//! the digits the network gets wrong.

use std::fmt::Write;
use std::ops::Range;

use bookkit::plot::{self, Canvas, colors};
use bookkit::{BookResult, Figure};
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use crate::data::{self, SIDE};
use crate::experiments::{
    self, DEEP10, DEEP10_RATE2, DEEP10_SCHEDULE, MSE10, SOFTMAX5, SOFTMAX10,
    final_test,
};
use crate::listings::percent;
use crate::train::{GUIDE, Schedule, TrainConfig, TrainedRun};

/// Screen pixels per image pixel.
const SCALE: i32 = 3;
/// Grey levels used to draw a digit (fewer levels, fewer rectangles).
const LEVELS: u8 = 8;

/// The run of `config`, trained on first use.
fn run(config: &TrainConfig) -> BookResult<&'static TrainedRun> {
    Ok(experiments::run(config)?)
}

// ANCHOR: draw_digit
/// Draws a 28 × 28 digit with its top-left corner at `(x, y)`: dark ink on white, one
/// rectangle per horizontal run of pixels with the same (rounded) grey level.
fn draw_digit(area: &Canvas<'_>, pixels: &[u8], x: i32, y: i32) -> BookResult<()> {
    area.draw(&Rectangle::new(
        [
            (x - 1, y - 1),
            (x + SCALE * SIDE as i32 + 1, y + SCALE * SIDE as i32 + 1),
        ],
        colors::GREY.mix(0.4).stroke_width(1),
    ))?;
    for (row, line) in pixels.chunks(SIDE).enumerate() {
        let level = |p: u8| (u16::from(p) * u16::from(LEVELS) / 256) as u8;
        let mut col = 0;
        while col < SIDE {
            let shade = level(line[col]);
            let start = col;
            while col < SIDE && level(line[col]) == shade {
                col += 1;
            }
            if shade == 0 {
                continue;
            }
            let grey = 255 - (u16::from(shade) * 255 / u16::from(LEVELS - 1)) as u8;
            let (x0, y0) = (x + SCALE * start as i32, y + SCALE * row as i32);
            area.draw(&Rectangle::new(
                [(x0, y0), (x + SCALE * col as i32, y0 + SCALE)],
                RGBColor(grey, grey, grey).filled(),
            ))?;
        }
    }
    Ok(())
}
// ANCHOR_END: draw_digit

/// Draws `digits` (pixels and caption) in a grid of `columns` columns under a title, at the
/// width of the book's column.
fn digit_grid(
    title: &str,
    digits: &[(Vec<u8>, String)],
    columns: usize,
) -> BookResult<String> {
    let side = SCALE * SIDE as i32;
    let width = plot::COLUMN_WIDTH as i32;
    let cell_width = (width - 20) / columns as i32;
    let cell_height = side + 30;
    let rows = digits.len().div_ceil(columns) as i32;
    let height = rows * cell_height + 50;
    plot::svg(width as u32, height as u32, |root| {
        root.draw(&Text::new(
            title.to_string(),
            (10, 10),
            ("sans-serif", plot::TITLE_SIZE).into_font().color(&BLACK),
        ))?;
        for (index, (pixels, caption)) in digits.iter().enumerate() {
            let x =
                10 + (cell_width - side) / 2 + (index % columns) as i32 * cell_width;
            let y = 45 + (index / columns) as i32 * cell_height;
            draw_digit(root, pixels, x, y)?;
            root.draw(&Text::new(
                caption.clone(),
                (x, y + side + 5),
                ("sans-serif", plot::TEXT_SIZE).into_font().color(&BLACK),
            ))?;
        }
        Ok(())
    })
}

/// The first 16 training images with their labels.
pub fn first_digits() -> BookResult<Figure> {
    let train = &data::mnist()?.train;
    let digits: Vec<(Vec<u8>, String)> = (0..16)
        .map(|i| {
            (
                train.image(i).to_vec(),
                format!("label {}", train.labels[i]),
            )
        })
        .collect();
    let mut data = String::from("the first 16 training labels:\n");
    let labels: Vec<String> = digits
        .iter()
        .map(|(_, c)| c.replace("label ", ""))
        .collect();
    writeln!(data, "{}", labels.join(" "))?;
    let svg = digit_grid("The first 16 training images", &digits, 8)?;
    Ok(Figure { data, svg })
}

/// The test digits the guide's final model gets wrong.
pub fn misclassified() -> BookResult<Figure> {
    let evaluation = final_test(&GUIDE)?;
    let test = &data::project(5)?.test;
    let wrong: Vec<usize> = evaluation
        .predictions
        .iter()
        .zip(&test.labels)
        .enumerate()
        .filter(|(_, (predicted, truth))| predicted != truth)
        .map(|(index, _)| index)
        .collect();
    let shown: Vec<(Vec<u8>, String)> = wrong
        .iter()
        .take(24)
        .map(|&i| {
            let caption =
                format!("{} read as {}", test.labels[i], evaluation.predictions[i]);
            (test.image(i).to_vec(), caption)
        })
        .collect();
    let mut data = format!(
        "{} of {} test digits misclassified; the first {} (true digit, prediction):\n",
        wrong.len(),
        test.len(),
        shown.len()
    );
    for chunk in shown.chunks(8) {
        let cells: Vec<String> = chunk
            .iter()
            .map(|(_, c)| c.replace(" read as ", "->"))
            .collect();
        writeln!(data, "{}", cells.join("  "))?;
    }
    let svg = digit_grid(
        "Test digits the guide's network gets wrong (true digit, read as)",
        &shown,
        8,
    )?;
    Ok(Figure { data, svg })
}

/// One line of a per-epoch chart.
struct Curve {
    label: String,
    color: RGBColor,
    points: Vec<(f64, f64)>,
    dashed: bool,
}

/// Draws `curves` against the epoch on `area`.
fn epoch_chart(
    area: &Canvas<'_>,
    title: &str,
    y_label: &str,
    y_range: Range<f64>,
    curves: &[Curve],
    legend: SeriesLabelPosition,
) -> BookResult<()> {
    let epochs = curves.iter().map(|c| c.points.len()).max().unwrap_or(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", plot::TITLE_SIZE))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d(0.5..epochs + 0.5, y_range)?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc(y_label)
        .x_label_formatter(&|epoch| format!("{epoch:.0}"))
        .label_style(("sans-serif", plot::TEXT_SIZE))
        .draw()?;
    for curve in curves {
        let style = curve.color.stroke_width(3);
        if curve.dashed {
            chart
                .draw_series(DashedLineSeries::new(
                    curve.points.clone(),
                    8,
                    5,
                    style,
                ))?
                .label(curve.label.clone())
                .legend(move |(x, y)| {
                    DashedPathElement::new([(x, y), (x + 24, y)], 6, 4, style)
                });
        } else {
            chart
                .draw_series(LineSeries::new(curve.points.clone(), style))?
                .label(curve.label.clone())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 24, y)], style));
        }
    }
    chart
        .configure_series_labels()
        .position(legend)
        .label_font(("sans-serif", plot::TEXT_SIZE))
        .background_style(WHITE.mix(0.9))
        .border_style(colors::GREY)
        .draw()?;
    Ok(())
}

/// `(epoch, value)` for every epoch of `run`.
fn per_epoch(
    run: &TrainedRun,
    value: impl Fn(&crate::train::EpochStats) -> f64,
) -> Vec<(f64, f64)> {
    run.history
        .iter()
        .enumerate()
        .map(|(e, stats)| ((e + 1) as f64, value(stats)))
        .collect()
}

/// A y range from the values of `curves`, with a little room.
fn range_of(curves: &[Curve]) -> Range<f64> {
    let values = curves.iter().flat_map(|c| c.points.iter().map(|p| p.1));
    let (low, high) =
        values.fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(v), h.max(v)));
    let pad = (high - low) * 0.08;
    (low - pad)..(high + pad)
}

/// The guide's loss curve and validation accuracy per epoch.
pub fn loss_curve() -> BookResult<Figure> {
    let run = run(&GUIDE)?;
    let mut data = String::from("epoch  loss (MSE)  validation accuracy\n");
    for (epoch, stats) in run.history.iter().enumerate() {
        writeln!(
            data,
            "{:>5}  {:>10.6}  {:>19}",
            epoch + 1,
            stats.train_loss,
            percent(stats.validation.accuracy())
        )?;
    }
    let loss = [Curve {
        label: "training loss".into(),
        color: colors::BLUE,
        points: per_epoch(run, |s| s.train_loss),
        dashed: false,
    }];
    let accuracy = [Curve {
        label: "validation accuracy".into(),
        color: colors::RED,
        points: per_epoch(run, |s| 100.0 * s.validation.accuracy()),
        dashed: false,
    }];
    let svg = plot::svg(750, 760, |root| {
        let panels = root.split_evenly((2, 1));
        epoch_chart(
            &panels[0],
            "Training loss (MSE), digits 0-4",
            "loss",
            range_of(&loss),
            &loss,
            SeriesLabelPosition::UpperRight,
        )?;
        epoch_chart(
            &panels[1],
            "Validation accuracy",
            "accuracy (%)",
            range_of(&accuracy),
            &accuracy,
            SeriesLabelPosition::LowerRight,
        )?;
        Ok(())
    })?;
    Ok(Figure { data, svg })
}

/// Sigmoid + MSE against softmax + cross-entropy, on 5 and on 10 digits.
pub fn mse_vs_softmax() -> BookResult<Figure> {
    let runs = [
        (run(&GUIDE)?, "0-4, sigmoid + MSE", colors::BLUE, false),
        (
            run(&SOFTMAX5)?,
            "0-4, softmax + cross-entropy",
            colors::RED,
            false,
        ),
        (run(&MSE10)?, "0-9, sigmoid + MSE", colors::BLUE, true),
        (
            run(&SOFTMAX10)?,
            "0-9, softmax + cross-entropy",
            colors::RED,
            true,
        ),
    ];
    let accuracy: Vec<Curve> = runs
        .iter()
        .map(|&(run, label, color, dashed)| Curve {
            label: label.to_string(),
            color,
            points: per_epoch(run, |s| 100.0 * s.validation.accuracy()),
            dashed,
        })
        .collect();
    let mut data = String::from("validation accuracy per epoch\nepoch");
    for (run, ..) in &runs {
        write!(data, "  {:>12}", run.config.name)?;
    }
    writeln!(data)?;
    for epoch in 0..GUIDE.epochs {
        write!(data, "{:>5}", epoch + 1)?;
        for (run, ..) in &runs {
            let accuracy = run.history[epoch].validation.accuracy();
            write!(data, "  {:>12}", percent(accuracy))?;
        }
        writeln!(data)?;
    }
    let svg = plot::svg(750, 480, |root| {
        epoch_chart(
            root,
            "Validation accuracy",
            "accuracy (%)",
            range_of(&accuracy),
            &accuracy,
            SeriesLabelPosition::LowerRight,
        )
    })?;
    Ok(Figure { data, svg })
}

/// Validation accuracy per epoch of the deeper network with three learning-rate plans.
pub fn schedule() -> BookResult<Figure> {
    let plans = [
        (&DEEP10, "constant 0.5", colors::BLUE),
        (&DEEP10_RATE2, "constant 2.0", colors::ORANGE),
        (
            &DEEP10_SCHEDULE,
            "2.0, halved every 5 epochs",
            colors::GREEN,
        ),
    ];
    let mut curves = Vec::new();
    let mut data = String::from(
        "validation accuracy per epoch, network [784, 128, 64, 10]\nepoch",
    );
    for (config, label, color) in plans {
        let run = run(config)?;
        write!(data, "  {label:>26}")?;
        curves.push(Curve {
            label: label.to_string(),
            color,
            points: per_epoch(run, |s| 100.0 * s.validation.accuracy()),
            // Dashed, so that the identical first five epochs of the two 2.0 runs both show.
            dashed: config.schedule != Schedule::Constant,
        });
    }
    writeln!(data)?;
    for epoch in 0..DEEP10.epochs {
        write!(data, "{:>5}", epoch + 1)?;
        for curve in &curves {
            write!(data, "  {:>26}", format!("{:.2}%", curve.points[epoch].1))?;
        }
        writeln!(data)?;
    }
    let svg = plot::svg(750, 480, |root| {
        epoch_chart(
            root,
            "Learning-rate plans, all ten digits",
            "validation accuracy (%)",
            range_of(&curves),
            &curves,
            SeriesLabelPosition::LowerRight,
        )
    })?;
    Ok(Figure { data, svg })
}
