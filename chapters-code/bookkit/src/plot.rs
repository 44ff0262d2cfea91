//! Figure helpers on top of plotters' SVG backend: no system fonts are needed to draw,
//! because the text is written as SVG `<text>` elements that the browser lays out.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::listing::BookResult;

/// The drawing area a figure function draws on.
pub type Canvas<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Colours used across the book's figures (colour-blind friendly, Okabe–Ito).
pub mod colors {
    use plotters::style::RGBColor;
    /// Blue.
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    /// Vermillion.
    pub const RED: RGBColor = RGBColor(213, 94, 0);
    /// Bluish green.
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    /// Reddish purple.
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
    /// Orange.
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    /// Dark grey for text and reference lines.
    pub const GREY: RGBColor = RGBColor(90, 90, 90);
}

/// The width of the book's content column on a 1280-px window, in CSS pixels. A figure drawn
/// this wide is shown at its natural size, so its text keeps the size it is drawn at; a wider
/// figure is scaled down with its text. Draw multi-panel figures stacked (or 2 × 2) at this
/// width rather than side by side.
pub const COLUMN_WIDTH: u32 = 750;

/// Font size (plotters' units) of the smallest text of a figure: tick labels, axis names,
/// legends, captions under images. plotters writes `font-size` as size / 1.24, so this is
/// 12.1 px in the SVG, at least 11 px on screen when drawn at [`COLUMN_WIDTH`].
pub const TEXT_SIZE: f64 = 15.0;

/// Font size of a panel's title.
pub const TITLE_SIZE: f64 = 20.0;

/// Draws a `width` × `height` SVG with `draw` and returns the SVG document.
pub fn svg(
    width: u32,
    height: u32,
    draw: impl FnOnce(&Canvas<'_>) -> BookResult<()>,
) -> BookResult<String> {
    let mut document = String::new();
    {
        let root = SVGBackend::with_string(&mut document, (width, height)).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root)?;
        root.present()?;
    }
    Ok(document)
}

/// Evenly spaced values from `start` to `end` inclusive, like `np.linspace`.
pub fn linspace(start: f64, end: f64, count: usize) -> Vec<f64> {
    match count {
        0 => Vec::new(),
        1 => vec![start],
        _ => {
            let step = (end - start) / (count - 1) as f64;
            (0..count).map(|i| start + step * i as f64).collect()
        }
    }
}

/// A tick label of a logarithmic axis: 1, 0.1, 0.01, … (as many decimals as the power of ten
/// needs).
pub fn log_tick(value: &f64) -> String {
    let decimals = (-value.log10()).round().max(0.0) as usize;
    format!("{value:.decimals$}")
}

/// `range` for a logarithmic axis (`log_range(1e-3..1.0).log_scale()`): a hair wider at the
/// bottom, so that the lowest power of ten gets its tick. plotters puts the first tick at
/// 10^ceil(log10(start)), and log10(0.001) computes as -2.9999…, which would skip 0.001.
pub fn log_range(range: Range<f64>) -> Range<f64> {
    range.start * (1.0 - 1e-9)..range.end
}

/// A colour from dark blue (`fraction` 0) through green to yellow (1), after viridis.
pub fn viridis(fraction: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let scaled = fraction.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let index = (scaled.floor() as usize).min(STOPS.len() - 2);
    let t = scaled - index as f64;
    let (a, b) = (STOPS[index], STOPS[index + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Width of the strip [`color_bar`] draws in, to keep free to the right of a heat map.
pub const COLOR_BAR_WIDTH: u32 = 115;

/// Draws a colour scale (legend bar) on `area`, a strip [`COLOR_BAR_WIDTH`] wide to the right of
/// a heat map: `color(fraction)` for the values of `range`, lowest at the bottom, with tick
/// labels and `label` on its right. `rows` are the backend pixel rows the bar spans: those of
/// the heat map's plotting area (`chart.plotting_area().get_pixel_range().1`), so that the two
/// line up.
pub fn color_bar(
    area: &Canvas<'_>,
    rows: Range<i32>,
    range: Range<f64>,
    color: impl Fn(f64) -> RGBColor,
    label: &str,
) -> BookResult<()> {
    const STEPS: usize = 64;
    let (width, _) = area.dim_in_pixel();
    let top = rows.start - area.get_base_pixel().1;
    let height = (rows.end - rows.start).max(1);
    let strip = area.clone().shrink((0, top), (width, height));
    let mut chart = ChartBuilder::on(&strip)
        .margin_left(15)
        .right_y_label_area_size(width.saturating_sub(45))
        .build_cartesian_2d(0.0..1.0, range.clone())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(6)
        .y_desc(label)
        .label_style(("sans-serif", TEXT_SIZE))
        .draw()?;
    let span = range.end - range.start;
    chart.draw_series((0..STEPS).map(|step| {
        let low = range.start + span * step as f64 / STEPS as f64;
        let high = range.start + span * (step + 1) as f64 / STEPS as f64;
        let middle = (step as f64 + 0.5) / STEPS as f64;
        Rectangle::new([(0.0, low), (1.0, high)], color(middle).filled())
    }))?;
    chart.draw_series([Rectangle::new(
        [(0.0, range.start), (1.0, range.end)],
        colors::GREY.stroke_width(1),
    )])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_text_without_system_fonts() {
        let document = svg(200, 100, |root| {
            let mut chart = ChartBuilder::on(root)
                .caption("A title", ("sans-serif", 16))
                .x_label_area_size(20)
                .y_label_area_size(30)
                .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
            chart.configure_mesh().x_desc("x").draw()?;
            chart.draw_series(LineSeries::new([(0.0, 0.0), (1.0, 1.0)], colors::BLUE))?;
            Ok(())
        })
        .expect("an SVG figure draws without fonts");
        assert!(document.starts_with("<svg"));
        assert!(document.contains("A title\n</text>"));
    }

    #[test]
    fn log_ticks_show_their_power_of_ten() {
        assert_eq!(log_tick(&1.0), "1");
        assert_eq!(log_tick(&0.01), "0.01");
        assert_eq!(log_tick(&0.0001), "0.0001");
    }

    #[test]
    fn log_range_keeps_the_lowest_tick() {
        let document = svg(200, 300, |root| {
            let mut chart = ChartBuilder::on(root)
                .y_label_area_size(60)
                .build_cartesian_2d(0.0..1.0, log_range(1e-3..1.0).log_scale())?;
            chart.configure_mesh().y_label_formatter(&log_tick).draw()?;
            Ok(())
        })
        .expect("a log axis draws");
        assert!(document.contains(">\n0.001\n</text>"), "{document}");
    }

    #[test]
    fn viridis_runs_from_dark_blue_to_yellow() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(2.0), viridis(1.0));
    }

    #[test]
    fn color_bar_labels_its_scale() {
        let document = svg(300, 300, |root| {
            let (_, strip) = root.split_horizontally(300 - COLOR_BAR_WIDTH);
            color_bar(&strip, 20..280, 0.0..1.0, viridis, "loss")
        })
        .expect("a colour bar draws");
        assert!(document.contains("loss\n</text>"));
        assert!(document.contains(">\n0.6\n</text>"), "{document}");
    }

    #[test]
    fn linspace_matches_numpy() {
        assert_eq!(linspace(0.0, 1.0, 5), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(linspace(2.0, 3.0, 1), vec![2.0]);
        assert!(linspace(0.0, 1.0, 0).is_empty());
    }
}
