//! Figure helpers on top of plotters' SVG backend: no system fonts are needed to draw,
//! because the text is written as SVG `<text>` elements that the browser lays out.

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
    fn linspace_matches_numpy() {
        assert_eq!(linspace(0.0, 1.0, 5), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(linspace(2.0, 3.0, 1), vec![2.0]);
        assert!(linspace(0.0, 1.0, 0).is_empty());
    }
}
