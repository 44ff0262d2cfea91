//! The chapter's figure: the hand-traced 2→2→1 network, once with the values of the forward pass
//! and once with the gradients of the backward pass, drawn from the same [`HandTrace`] the
//! listings print.

use std::fmt::Write;

use bookkit::fmt::num;
use bookkit::plot::{self, Canvas, colors};
use bookkit::{BookResult, Figure};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::hand_trace::{HandTrace, INPUT, TARGET, TwoLayer};

/// The figure is drawn at the width of the book's column, so that its text is shown at the size
/// it is drawn.
const WIDTH: u32 = plot::COLUMN_WIDTH;
const PANEL_HEIGHT: u32 = 400;
const RADIUS: i32 = 38;
const INPUT_X: i32 = 60;
const HIDDEN_X: i32 = 300;
const OUTPUT_X: i32 = 515;
const LOSS_X: i32 = 672;
/// Half the width of the loss box.
const LOSS_HALF_WIDTH: i32 = 68;
const TOP_Y: i32 = 140;
const BOTTOM_Y: i32 = 300;
const MIDDLE_Y: i32 = (TOP_Y + BOTTOM_Y) / 2;

/// A neuron (or input) drawn as a circle, with text inside and a caption below.
struct Node {
    centre: (i32, i32),
    inside: String,
    caption: String,
}

/// A connection, labelled with a weight (forward) or a weight gradient (backward).
struct Edge {
    from: (i32, i32),
    to: (i32, i32),
    label: String,
    /// Where along the edge the label sits (0 = at `from`, 1 = at `to`).
    at: f64,
    /// Vertical shift of the label, so that it does not sit on the line.
    shift: i32,
}

/// One panel: a title, the nodes, the edges and the loss box.
struct Panel {
    title: String,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    loss_lines: [String; 2],
    colour: RGBColor,
    backward: bool,
}

fn input_nodes() -> [(i32, i32); 2] {
    [(INPUT_X, TOP_Y), (INPUT_X, BOTTOM_Y)]
}

fn hidden_nodes() -> [(i32, i32); 2] {
    [(HIDDEN_X, TOP_Y), (HIDDEN_X, BOTTOM_Y)]
}

const OUTPUT_NODE: (i32, i32) = (OUTPUT_X, MIDDLE_Y);

/// The six edges with `label(layer, row, col)` on each: layer 1 `W1[row, col]` joins input
/// `col` to hidden neuron `row`; layer 2 `W2[0, col]` joins hidden neuron `col` to the output.
fn edges(label: impl Fn(usize, usize, usize) -> String) -> Vec<Edge> {
    let mut edges = Vec::new();
    for (row, &to) in hidden_nodes().iter().enumerate() {
        for (col, &from) in input_nodes().iter().enumerate() {
            let straight = row == col;
            edges.push(Edge {
                from,
                to,
                label: label(1, row, col),
                at: if straight { 0.5 } else { 0.27 },
                shift: if straight { -14 } else { 0 },
            });
        }
    }
    for (col, &from) in hidden_nodes().iter().enumerate() {
        edges.push(Edge {
            from,
            to: OUTPUT_NODE,
            label: label(2, 0, col),
            at: 0.5,
            shift: if col == 0 { -18 } else { 18 },
        });
    }
    edges
}

fn forward_panel(net: &TwoLayer, trace: &HandTrace) -> Panel {
    let f = &trace.forward;
    let mut nodes = Vec::new();
    for (i, centre) in input_nodes().into_iter().enumerate() {
        nodes.push(Node {
            centre,
            inside: num(INPUT[i], 1),
            caption: format!("x[{i}]"),
        });
    }
    for (i, centre) in hidden_nodes().into_iter().enumerate() {
        nodes.push(Node {
            centre,
            inside: num(f.a1[i], 4),
            caption: format!(
                "z1[{i}] = {}, b1 = {}",
                num(f.z1[i], 4),
                num(net.b1[i], 2)
            ),
        });
    }
    nodes.push(Node {
        centre: OUTPUT_NODE,
        inside: num(f.a2[0], 4),
        caption: format!("z2 = {}, b2 = {}", num(f.z2[0], 4), num(net.b2[0], 2)),
    });
    Panel {
        title: "Forward pass: activations on the nodes, weights on the edges"
            .to_string(),
        nodes,
        edges: edges(|layer, row, col| {
            let w = if layer == 1 { &net.w1 } else { &net.w2 };
            format!("w = {}", num(w[[row, col]], 1))
        }),
        loss_lines: [
            format!("L = {}", num(trace.loss, 4)),
            format!("target {}", num(TARGET[0], 1)),
        ],
        colour: colors::BLUE,
        backward: false,
    }
}

fn backward_panel(trace: &HandTrace) -> Panel {
    let (o, h) = (&trace.output, &trace.hidden);
    let mut nodes = Vec::new();
    for (i, centre) in input_nodes().into_iter().enumerate() {
        nodes.push(Node {
            centre,
            inside: num(INPUT[i], 1),
            caption: format!("x[{i}]"),
        });
    }
    for (i, centre) in hidden_nodes().into_iter().enumerate() {
        nodes.push(Node {
            centre,
            inside: num(h.delta1[i], 4),
            caption: format!("dL/da1 = {}, dL/db1 = δ", num(h.dl_da1[i], 4)),
        });
    }
    nodes.push(Node {
        centre: OUTPUT_NODE,
        inside: num(o.delta2[0], 4),
        caption: "dL/db2 = δ2".to_string(),
    });
    Panel {
        title: "Backward pass: δ = dL/dz on the nodes, dL/dW on the edges"
            .to_string(),
        nodes,
        edges: edges(|layer, row, col| {
            let g = if layer == 1 { &h.dl_dw1 } else { &o.dl_dw2 };
            num(g[[row, col]], 4)
        }),
        loss_lines: [
            format!("dL/da2 = {}", num(o.dl_da2[0], 4)),
            format!("da2/dz2 = {}", num(o.da2_dz2[0], 4)),
        ],
        colour: colors::RED,
        backward: true,
    }
}

fn text(
    area: &Canvas<'_>,
    s: &str,
    at: (i32, i32),
    size: f64,
    colour: RGBColor,
) -> BookResult<()> {
    let style = TextStyle::from(("sans-serif", size).into_font())
        .color(&colour)
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(s.to_string(), at, style))?;
    Ok(())
}

/// A line from `tail` to `head`, stopping `gaps` short of each end (the radius of a circle
/// drawn there), with an arrowhead at `head`'s end.
fn arrow(
    area: &Canvas<'_>,
    (tail, head): ((i32, i32), (i32, i32)),
    (tail_gap, head_gap): (f64, f64),
    colour: RGBColor,
) -> BookResult<()> {
    let (dx, dy) = ((head.0 - tail.0) as f64, (head.1 - tail.1) as f64);
    let length = dx.hypot(dy);
    let (ux, uy) = (dx / length, dy / length);
    let point = |from: (i32, i32), along: f64, across: f64| {
        (
            (from.0 as f64 + ux * along - uy * across).round() as i32,
            (from.1 as f64 + uy * along + ux * across).round() as i32,
        )
    };
    let start = point(tail, tail_gap, 0.0);
    let end = point(head, -head_gap, 0.0);
    area.draw(&PathElement::new(vec![start, end], colour.stroke_width(2)))?;
    let base = |across| point(end, -12.0, across);
    area.draw(&Polygon::new(
        vec![end, base(5.0), base(-5.0)],
        colour.filled(),
    ))?;
    Ok(())
}

fn label(area: &Canvas<'_>, edge: &Edge, colour: RGBColor) -> BookResult<()> {
    let x = edge.from.0 as f64 + (edge.to.0 - edge.from.0) as f64 * edge.at;
    let y = edge.from.1 as f64 + (edge.to.1 - edge.from.1) as f64 * edge.at;
    let centre = (x.round() as i32, y.round() as i32 + edge.shift);
    let half_width = (edge.label.chars().count() as f64 * 4.6) as i32 + 5;
    area.draw(&Rectangle::new(
        [
            (centre.0 - half_width, centre.1 - 11),
            (centre.0 + half_width, centre.1 + 11),
        ],
        WHITE.filled(),
    ))?;
    text(area, &edge.label, centre, 16.0, colour)
}

fn draw_panel(area: &Canvas<'_>, panel: &Panel) -> BookResult<()> {
    text(
        area,
        &panel.title,
        (WIDTH as i32 / 2, 28),
        21.0,
        colors::GREY,
    )?;
    let loss_box = (LOSS_X, MIDDLE_Y);
    let gap = f64::from(RADIUS) + 3.0;
    for edge in &panel.edges {
        let (tail, head) = if panel.backward {
            (edge.to, edge.from)
        } else {
            (edge.from, edge.to)
        };
        arrow(area, (tail, head), (gap, gap), panel.colour)?;
    }
    let box_edge = (loss_box.0 - LOSS_HALF_WIDTH, loss_box.1);
    if panel.backward {
        arrow(area, (box_edge, OUTPUT_NODE), (0.0, gap), panel.colour)?;
    } else {
        arrow(area, (OUTPUT_NODE, box_edge), (gap, 0.0), panel.colour)?;
    }
    for edge in &panel.edges {
        label(area, edge, panel.colour)?;
    }
    for node in &panel.nodes {
        area.draw(&Circle::new(node.centre, RADIUS, WHITE.filled()))?;
        area.draw(&Circle::new(
            node.centre,
            RADIUS,
            colors::GREY.stroke_width(2),
        ))?;
        text(area, &node.inside, node.centre, 18.0, BLACK)?;
        let below = (node.centre.0, node.centre.1 + RADIUS + 16);
        text(area, &node.caption, below, plot::TEXT_SIZE, colors::GREY)?;
    }
    area.draw(&Rectangle::new(
        [
            (loss_box.0 - LOSS_HALF_WIDTH, loss_box.1 - 34),
            (loss_box.0 + LOSS_HALF_WIDTH, loss_box.1 + 34),
        ],
        colors::GREY.stroke_width(2),
    ))?;
    text(
        area,
        &panel.loss_lines[0],
        (loss_box.0, loss_box.1 - 12),
        16.0,
        BLACK,
    )?;
    text(
        area,
        &panel.loss_lines[1],
        (loss_box.0, loss_box.1 + 12),
        plot::TEXT_SIZE,
        colors::GREY,
    )?;
    Ok(())
}

fn data_summary(panels: &[Panel]) -> BookResult<String> {
    let mut data = String::from(
        "2 -> 2 -> 1 sigmoid network, x = [1.0, 2.0], target 1.0, MSE loss\n\
         nodes: inputs x[0], x[1]; hidden 0, 1; output.\n\
         edges: W1[r,c]: x[c] -> hidden r; W2[0,c]: hidden c -> output\n",
    );
    let edge_names = [
        "W1[0,0]", "W1[0,1]", "W1[1,0]", "W1[1,1]", "W2[0,0]", "W2[0,1]",
    ];
    let node_names = ["x[0]", "x[1]", "hidden 0", "hidden 1", "output"];
    for panel in panels {
        writeln!(data)?;
        writeln!(data, "{}", panel.title)?;
        for (name, node) in node_names.iter().zip(&panel.nodes) {
            writeln!(data, "  {name:<9} {:>8}   {}", node.inside, node.caption)?;
        }
        for (name, edge) in edge_names.iter().zip(&panel.edges) {
            writeln!(data, "  {name:<9} {:>8}", edge.label)?;
        }
        writeln!(
            data,
            "  loss box  {} | {}",
            panel.loss_lines[0], panel.loss_lines[1]
        )?;
    }
    Ok(data)
}

/// The hand-trace network: forward values and weights on top, gradients flowing back below.
pub fn backprop_trace() -> BookResult<Figure> {
    let net = TwoLayer::hand_trace();
    let trace = HandTrace::chapter()?;
    let panels = [forward_panel(&net, &trace), backward_panel(&trace)];
    let data = data_summary(&panels)?;
    let svg = plot::svg(WIDTH, 2 * PANEL_HEIGHT, |root| {
        let areas = root.split_evenly((2, 1));
        for (area, panel) in areas.iter().zip(&panels) {
            draw_panel(area, panel)?;
        }
        Ok(())
    })?;
    Ok(Figure { data, svg })
}
