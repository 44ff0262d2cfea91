//! The data of the book's backpropagation stepper: the hand-trace as a sequence of small steps,
//! each naming the parts of the 2→2→1 network it touches, its formula, the formula with the
//! trace's numbers, and its result.
//!
//! The listing `stepper_data` prints it as blocks of `key: value` lines separated by blank
//! lines; its snapshot is what the book's `{{#stepper …}}` directive embeds in the page, so the
//! stepper shows exactly the numbers the chapter's code computes.
//!
//! Parts of the network are named `x0`, `x1` (inputs), `h0`, `h1` (hidden neurons), `o` (the
//! output neuron), `L` (the loss) and `a-b` for the edge from `a` to `b`. A *slot* is a value
//! shown on the diagram: `<part>.<kind>`, where kind is `v` (an input's value), `b`, `z`, `a`
//! (bias, pre-activation, activation), `dLda`, `slope`, `delta`, `gradb` (the backward pass:
//! dL/da, the sigmoid's slope, the error signal, the bias gradient), `w` (an edge's weight),
//! `grad` (its gradient), `t` (the target), `new` (a weight after the update) or `newa` (the
//! prediction after the update).

use std::fmt::Write;

use bookkit::BookResult;
use bookkit::fmt::num;

use crate::hand_trace::{INPUT, LEARNING_RATE, TARGET};
use crate::listings::hand_trace_step;

/// Decimals of every computed value (as in the chapter's step listings).
const DECIMALS: usize = 4;

/// A computed value as the stepper shows it.
fn value(x: f64) -> String {
    num(x, DECIMALS)
}

/// A computed value as a factor in a product: negative values in parentheses.
fn factor(x: f64) -> String {
    if x < 0.0 {
        format!("({})", value(x))
    } else {
        value(x)
    }
}

/// One step of the stepper.
struct Step<'a> {
    phase: &'a str,
    title: &'a str,
    highlight: &'a str,
    formula: &'a str,
    numbers: String,
    name: &'a str,
    result: f64,
    slot: &'a str,
}

impl Step<'_> {
    fn write(&self, out: &mut String) -> std::fmt::Result {
        writeln!(out)?;
        writeln!(out, "phase: {}", self.phase)?;
        writeln!(out, "title: {}", self.title)?;
        writeln!(out, "highlight: {}", self.highlight)?;
        writeln!(out, "formula: {}", self.formula)?;
        writeln!(out, "numbers: {}", self.numbers)?;
        writeln!(out, "name: {}", self.name)?;
        writeln!(out, "value: {}", value(self.result))?;
        writeln!(out, "slot: {}", self.slot)
    }
}

// ANCHOR: stepper_data
/// The stepper's data: the given values, then every step of the forward pass, the loss, the
/// backward pass and one update, each with its formula and numbers.
pub fn stepper_data() -> BookResult<String> {
    let step = hand_trace_step()?;
    let (net, t) = (&step.before, &step.trace);
    let (f, o, h) = (&t.forward, &t.output, &t.hidden);
    let (x, target) = (INPUT, TARGET[0]);
    let mut out = String::new();

    // What the learner is given: the input, the parameters, the target, the learning rate.
    writeln!(out, "phase: given")?;
    for (i, v) in x.iter().enumerate() {
        writeln!(out, "x{i}.v: {v}")?;
    }
    for i in 0..2 {
        for j in 0..2 {
            writeln!(out, "x{j}-h{i}.w: {}", net.w1[[i, j]])?;
        }
        writeln!(out, "h{i}.b: {}", net.b1[i])?;
    }
    for j in 0..2 {
        writeln!(out, "h{j}-o.w: {}", net.w2[[0, j]])?;
    }
    writeln!(out, "o.b: {}", net.b2[0])?;
    writeln!(out, "L.t: {target}")?;
    writeln!(out, "learning_rate: {LEARNING_RATE}")?;

    let mut steps: Vec<Step> = Vec::new();
    // Step 1: forward.
    for i in 0..2 {
        steps.push(Step {
            phase: "forward",
            title: [
                "Hidden neuron 0 adds up its weighted inputs",
                "Hidden neuron 1 adds up its weighted inputs",
            ][i],
            highlight: ["x0 x1 h0 x0-h0 x1-h0", "x0 x1 h1 x0-h1 x1-h1"][i],
            formula: [
                "z1[0] = W1[0,0]·x[0] + W1[0,1]·x[1] + b1[0]",
                "z1[1] = W1[1,0]·x[0] + W1[1,1]·x[1] + b1[1]",
            ][i],
            numbers: format!(
                "{}·{} + {}·{} + {}",
                net.w1[[i, 0]],
                x[0],
                net.w1[[i, 1]],
                x[1],
                net.b1[i]
            ),
            name: ["z1[0]", "z1[1]"][i],
            result: f.z1[i],
            slot: ["h0.z", "h1.z"][i],
        });
    }
    for i in 0..2 {
        steps.push(Step {
            phase: "forward",
            title: ["Hidden neuron 0 squashes it", "Hidden neuron 1 squashes it"][i],
            highlight: ["h0", "h1"][i],
            formula: ["a1[0] = σ(z1[0])", "a1[1] = σ(z1[1])"][i],
            numbers: format!("σ({})", value(f.z1[i])),
            name: ["a1[0]", "a1[1]"][i],
            result: f.a1[i],
            slot: ["h0.a", "h1.a"][i],
        });
    }
    steps.push(Step {
        phase: "forward",
        title: "The output neuron adds up the hidden activations",
        highlight: "h0 h1 o h0-o h1-o",
        formula: "z2 = W2[0,0]·a1[0] + W2[0,1]·a1[1] + b2",
        numbers: format!(
            "{}·{} + {}·{} + {}",
            net.w2[[0, 0]],
            value(f.a1[0]),
            net.w2[[0, 1]],
            value(f.a1[1]),
            net.b2[0]
        ),
        name: "z2",
        result: f.z2[0],
        slot: "o.z",
    });
    steps.push(Step {
        phase: "forward",
        title: "The output neuron squashes it: the prediction",
        highlight: "o",
        formula: "a2 = σ(z2)",
        numbers: format!("σ({})", value(f.z2[0])),
        name: "a2",
        result: f.a2[0],
        slot: "o.a",
    });
    // Step 2: the loss.
    steps.push(Step {
        phase: "loss",
        title: "The loss: how wrong the prediction is",
        highlight: "o L o-L",
        formula: "L = (a2 - t)²",
        numbers: format!("({} - {target})²", value(f.a2[0])),
        name: "L",
        result: t.loss,
        slot: "L.v",
    });
    // Step 3: backward through the output layer.
    steps.push(Step {
        phase: "backward",
        title: "How the loss changes with the prediction",
        highlight: "o L o-L",
        formula: "dL/da2 = 2(a2 - t) / n, with n = 1 output",
        numbers: format!("2·({} - {target}) / 1", value(f.a2[0])),
        name: "dL/da2",
        result: o.dl_da2[0],
        slot: "o.dLda",
    });
    steps.push(Step {
        phase: "backward",
        title: "The output sigmoid's slope",
        highlight: "o",
        formula: "da2/dz2 = a2·(1 - a2)",
        numbers: format!("{}·{}", value(f.a2[0]), value(1.0 - f.a2[0])),
        name: "da2/dz2",
        result: o.da2_dz2[0],
        slot: "o.slope",
    });
    steps.push(Step {
        phase: "backward",
        title: "The output layer's error signal",
        highlight: "o",
        formula: "delta2 = dL/da2 · da2/dz2",
        numbers: format!("{}·{}", factor(o.dl_da2[0]), value(o.da2_dz2[0])),
        name: "delta2",
        result: o.delta2[0],
        slot: "o.delta",
    });
    for j in 0..2 {
        steps.push(Step {
            phase: "backward",
            title: [
                "The gradient of the weight from hidden neuron 0",
                "The gradient of the weight from hidden neuron 1",
            ][j],
            highlight: ["h0 o h0-o", "h1 o h1-o"][j],
            formula: ["dL/dW2[0,0] = delta2·a1[0]", "dL/dW2[0,1] = delta2·a1[1]"][j],
            numbers: format!("{}·{}", factor(o.delta2[0]), value(f.a1[j])),
            name: ["dL/dW2[0,0]", "dL/dW2[0,1]"][j],
            result: o.dl_dw2[[0, j]],
            slot: ["h0-o.grad", "h1-o.grad"][j],
        });
    }
    steps.push(Step {
        phase: "backward",
        title: "The gradient of the output bias",
        highlight: "o",
        formula: "dL/db2 = delta2",
        numbers: factor(o.delta2[0]),
        name: "dL/db2",
        result: o.dl_db2[0],
        slot: "o.gradb",
    });
    // Step 4: backward through the hidden layer.
    for j in 0..2 {
        steps.push(Step {
            phase: "backward",
            title: [
                "The error signal crosses W2 to hidden neuron 0",
                "The error signal crosses W2 to hidden neuron 1",
            ][j],
            highlight: ["o h0 h0-o", "o h1 h1-o"][j],
            formula: ["dL/da1[0] = W2[0,0]·delta2", "dL/da1[1] = W2[0,1]·delta2"][j],
            numbers: format!("{}·{}", net.w2[[0, j]], factor(o.delta2[0])),
            name: ["dL/da1[0]", "dL/da1[1]"][j],
            result: h.dl_da1[j],
            slot: ["h0.dLda", "h1.dLda"][j],
        });
    }
    for j in 0..2 {
        steps.push(Step {
            phase: "backward",
            title: [
                "Hidden neuron 0's sigmoid slope",
                "Hidden neuron 1's sigmoid slope",
            ][j],
            highlight: ["h0", "h1"][j],
            formula: [
                "da1/dz1[0] = a1[0]·(1 - a1[0])",
                "da1/dz1[1] = a1[1]·(1 - a1[1])",
            ][j],
            numbers: format!("{}·{}", value(f.a1[j]), value(1.0 - f.a1[j])),
            name: ["da1/dz1[0]", "da1/dz1[1]"][j],
            result: h.da1_dz1[j],
            slot: ["h0.slope", "h1.slope"][j],
        });
    }
    for j in 0..2 {
        steps.push(Step {
            phase: "backward",
            title: [
                "Hidden neuron 0's error signal (and its bias gradient)",
                "Hidden neuron 1's error signal (and its bias gradient)",
            ][j],
            highlight: ["h0", "h1"][j],
            formula: [
                "delta1[0] = dL/da1[0] · da1/dz1[0] = dL/db1[0]",
                "delta1[1] = dL/da1[1] · da1/dz1[1] = dL/db1[1]",
            ][j],
            numbers: format!("{}·{}", factor(h.dl_da1[j]), value(h.da1_dz1[j])),
            name: ["delta1[0]", "delta1[1]"][j],
            result: h.delta1[j],
            slot: ["h0.delta", "h1.delta"][j],
        });
    }
    let names = [
        ["dL/dW1[0,0]", "dL/dW1[0,1]"],
        ["dL/dW1[1,0]", "dL/dW1[1,1]"],
    ];
    let formulas = [
        [
            "dL/dW1[0,0] = delta1[0]·x[0]",
            "dL/dW1[0,1] = delta1[0]·x[1]",
        ],
        [
            "dL/dW1[1,0] = delta1[1]·x[0]",
            "dL/dW1[1,1] = delta1[1]·x[1]",
        ],
    ];
    let edges = [
        ["x0 h0 x0-h0", "x1 h0 x1-h0"],
        ["x0 h1 x0-h1", "x1 h1 x1-h1"],
    ];
    let slots = [["x0-h0.grad", "x1-h0.grad"], ["x0-h1.grad", "x1-h1.grad"]];
    for i in 0..2 {
        for j in 0..2 {
            steps.push(Step {
                phase: "backward",
                title: "The gradient of a hidden weight: its neuron's error signal times its input",
                highlight: edges[i][j],
                formula: formulas[i][j],
                numbers: format!("{}·{}", factor(h.delta1[i]), x[j]),
                name: names[i][j],
                result: h.dl_dw1[[i, j]],
                slot: slots[i][j],
            });
        }
    }
    // Step 5: one update, and what it did.
    steps.push(Step {
        phase: "update",
        title: "Update: a weight steps against its gradient (all nine do the same)",
        highlight: "h0 o h0-o",
        formula: "W2[0,0] ← W2[0,0] - η·dL/dW2[0,0]",
        numbers: format!(
            "{} - {LEARNING_RATE}·{}",
            net.w2[[0, 0]],
            factor(o.dl_dw2[[0, 0]])
        ),
        name: "new W2[0,0]",
        result: step.after.w2[[0, 0]],
        slot: "h0-o.new",
    });
    steps.push(Step {
        phase: "update",
        title: "After updating all nine parameters, the prediction moves towards the target",
        highlight: "x0 x1 h0 h1 o x0-h0 x1-h0 x0-h1 x1-h1 h0-o h1-o",
        formula: "new a2 = the forward pass with the updated weights",
        numbers: format!("was {}, target {target}", value(f.a2[0])),
        name: "new a2",
        result: step.new_prediction,
        slot: "o.newa",
    });

    for s in &steps {
        s.write(&mut out)?;
    }
    Ok(out)
}
// ANCHOR_END: stepper_data

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_has_every_field_and_a_number() {
        let text = stepper_data().unwrap();
        let blocks: Vec<&str> = text.split("\n\n").collect();
        assert!(blocks[0].starts_with("phase: given"));
        assert!(blocks.len() > 20, "{} blocks", blocks.len());
        for block in &blocks[1..] {
            for key in [
                "phase",
                "title",
                "highlight",
                "formula",
                "numbers",
                "name",
                "value",
                "slot",
            ] {
                assert!(
                    block.lines().any(|l| l.starts_with(&format!("{key}: "))),
                    "no {key} in {block}"
                );
            }
            let value = block
                .lines()
                .find_map(|l| l.strip_prefix("value: "))
                .unwrap();
            assert!(value.parse::<f64>().is_ok(), "{value}");
        }
    }
}
