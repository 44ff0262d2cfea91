//! The chapter's hand-trace: one forward and one backward pass through a 2→2→1 sigmoid network,
//! written out step by step so that every factor of the chain rule has a name and a value.
//!
//! [`Network::backward`](crate::Network::backward) does the same work in a loop; the tests check
//! that both give the same gradients.

use ch01_loss_functions::loss::{LossError, mse};
use ndarray::{Array1, Array2, array};

use crate::network::{Gradients, outer, sigmoid, sigmoid_derivative};

// ANCHOR: setup
/// The weights and biases of a network with 2 inputs, 2 hidden neurons and 1 output
/// neuron.
#[derive(Debug, Clone, PartialEq)]
pub struct TwoLayer {
    /// Hidden layer weights, one row per hidden neuron: shape (2, 2).
    pub w1: Array2<f64>,
    /// Hidden layer biases: shape (2,).
    pub b1: Array1<f64>,
    /// Output layer weights, one row per output neuron: shape (1, 2).
    pub w2: Array2<f64>,
    /// Output layer bias: shape (1,).
    pub b2: Array1<f64>,
}

impl TwoLayer {
    /// The network the chapter traces by hand.
    pub fn hand_trace() -> Self {
        Self {
            w1: array![[0.1, 0.3], [0.2, 0.4]],
            b1: array![0.01, 0.02],
            w2: array![[0.5, 0.6]],
            b2: array![0.03],
        }
    }
}

/// The input of the hand-trace.
pub const INPUT: [f64; 2] = [1.0, 2.0];
/// What the network should output for it.
pub const TARGET: [f64; 1] = [1.0];
/// The step size of the gradient descent update in step 5.
pub const LEARNING_RATE: f64 = 0.5;
// ANCHOR_END: setup

/// Everything the forward pass computes (and the backward pass needs).
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardPass {
    /// Hidden layer pre-activations `W1·x + b1`.
    pub z1: Array1<f64>,
    /// Hidden layer activations `sigmoid(z1)`.
    pub a1: Array1<f64>,
    /// Output pre-activation `W2·a1 + b2`.
    pub z2: Array1<f64>,
    /// Output (the prediction) `sigmoid(z2)`.
    pub a2: Array1<f64>,
}

// ANCHOR: forward
/// Step 1: the forward pass, keeping every intermediate value.
pub fn forward(net: &TwoLayer, x: &Array1<f64>) -> ForwardPass {
    let z1 = net.w1.dot(x) + &net.b1; // z1 = W1·x + b1
    let a1 = z1.mapv(sigmoid); // a1 = sigmoid(z1)
    let z2 = net.w2.dot(&a1) + &net.b2; // z2 = W2·a1 + b2
    let a2 = z2.mapv(sigmoid); // a2 = sigmoid(z2), the prediction
    ForwardPass { z1, a1, z2, a2 }
}
// ANCHOR_END: forward

// ANCHOR: loss
/// Step 2: the mean squared error of the prediction (Chapter 1's `mse`).
///
/// # Errors
/// [`LossError`] when the prediction and the target differ in length.
pub fn loss(forward: &ForwardPass, target: &Array1<f64>) -> Result<f64, LossError> {
    mse(&forward.a2.to_vec(), &target.to_vec())
}
// ANCHOR_END: loss

/// The backward pass through the output layer.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputLayerGradients {
    /// How the loss changes with the prediction.
    pub dl_da2: Array1<f64>,
    /// How the prediction changes with `z2`: the sigmoid's slope.
    pub da2_dz2: Array1<f64>,
    /// The output layer's error signal `dL/dz2`.
    pub delta2: Array1<f64>,
    /// The gradient of the output weights.
    pub dl_dw2: Array2<f64>,
    /// The gradient of the output bias.
    pub dl_db2: Array1<f64>,
}

// ANCHOR: output_layer
/// Step 3: from the loss back to the output layer's weights and bias.
pub fn output_layer(
    forward: &ForwardPass,
    target: &Array1<f64>,
) -> OutputLayerGradients {
    // L = mean((a2 - t)²) over the n outputs (n = 1 here), so dL/da2 = 2(a2 - t) / n.
    let n = target.len() as f64;
    let dl_da2 = (&forward.a2 - target).mapv(|difference| 2.0 * difference / n);
    let da2_dz2 = forward.a2.mapv(sigmoid_derivative); // a2(1 - a2)
    let delta2 = &dl_da2 * &da2_dz2; // dL/dz2 = dL/da2 · da2/dz2
    let dl_dw2 = outer(&delta2, &forward.a1); // dz2/dW2[i, j] = a1[j]
    let dl_db2 = delta2.clone(); // dz2/db2 = 1
    OutputLayerGradients {
        dl_da2,
        da2_dz2,
        delta2,
        dl_dw2,
        dl_db2,
    }
}
// ANCHOR_END: output_layer

/// The backward pass through the hidden layer.
#[derive(Debug, Clone, PartialEq)]
pub struct HiddenLayerGradients {
    /// How the loss changes with each hidden activation.
    pub dl_da1: Array1<f64>,
    /// How each hidden activation changes with its `z1`.
    pub da1_dz1: Array1<f64>,
    /// The hidden layer's error signal `dL/dz1`.
    pub delta1: Array1<f64>,
    /// The gradient of the hidden weights.
    pub dl_dw1: Array2<f64>,
    /// The gradient of the hidden biases.
    pub dl_db1: Array1<f64>,
}

// ANCHOR: hidden_layer
/// Step 4: the error signal flows back through `W2` into the hidden layer.
pub fn hidden_layer(
    net: &TwoLayer,
    x: &Array1<f64>,
    forward: &ForwardPass,
    output: &OutputLayerGradients,
) -> HiddenLayerGradients {
    let dl_da1 = net.w2.t().dot(&output.delta2); // dz2/da1 = W2: dL/da1 = W2ᵀ·delta2
    let da1_dz1 = forward.a1.mapv(sigmoid_derivative); // a1(1 - a1)
    let delta1 = &dl_da1 * &da1_dz1; // dL/dz1
    let dl_dw1 = outer(&delta1, x); // dz1/dW1[i, j] = x[j]
    let dl_db1 = delta1.clone(); // dz1/db1 = 1
    HiddenLayerGradients {
        dl_da1,
        da1_dz1,
        delta1,
        dl_dw1,
        dl_db1,
    }
}
// ANCHOR_END: hidden_layer

// ANCHOR: update
/// Step 5: move every parameter a small step against its gradient.
pub fn update(
    net: &TwoLayer,
    output: &OutputLayerGradients,
    hidden: &HiddenLayerGradients,
    learning_rate: f64,
) -> TwoLayer {
    TwoLayer {
        w1: &net.w1 - &(&hidden.dl_dw1 * learning_rate),
        b1: &net.b1 - &(&hidden.dl_db1 * learning_rate),
        w2: &net.w2 - &(&output.dl_dw2 * learning_rate),
        b2: &net.b2 - &(&output.dl_db2 * learning_rate),
    }
}
// ANCHOR_END: update

/// Every value of one hand-traced forward and backward pass.
#[derive(Debug, Clone, PartialEq)]
pub struct HandTrace {
    /// Step 1.
    pub forward: ForwardPass,
    /// Step 2.
    pub loss: f64,
    /// Step 3.
    pub output: OutputLayerGradients,
    /// Step 4.
    pub hidden: HiddenLayerGradients,
}

impl HandTrace {
    /// Runs steps 1 to 4 for `net` on one input and its target.
    ///
    /// # Errors
    /// [`LossError`] when the target does not have one value per output.
    pub fn run(
        net: &TwoLayer,
        x: &Array1<f64>,
        target: &Array1<f64>,
    ) -> Result<Self, LossError> {
        let forward = forward(net, x);
        let loss = loss(&forward, target)?;
        let output = output_layer(&forward, target);
        let hidden = hidden_layer(net, x, &forward, &output);
        Ok(Self {
            forward,
            loss,
            output,
            hidden,
        })
    }

    /// The chapter's trace: [`TwoLayer::hand_trace`] on [`INPUT`] with [`TARGET`].
    ///
    /// # Errors
    /// Never in practice (the shapes are fixed); see [`run`](Self::run).
    pub fn chapter() -> Result<Self, LossError> {
        Self::run(
            &TwoLayer::hand_trace(),
            &Array1::from(INPUT.to_vec()),
            &Array1::from(TARGET.to_vec()),
        )
    }

    /// The weight and bias gradients, in the layout [`Network::backward`](crate::Network::backward)
    /// returns.
    pub fn gradients(&self) -> Gradients {
        Gradients {
            weights: vec![self.hidden.dl_dw1.clone(), self.output.dl_dw2.clone()],
            biases: vec![self.hidden.dl_db1.clone(), self.output.dl_db2.clone()],
        }
    }
}

impl TwoLayer {
    /// The same weights as a [`Network`](crate::Network), for `backward()` and gradient checks.
    ///
    /// # Errors
    /// [`NetworkError`](crate::NetworkError) when the shapes do not chain.
    pub fn to_network(&self) -> Result<crate::Network, crate::NetworkError> {
        crate::Network::from_parameters(
            vec![self.w1.clone(), self.w2.clone()],
            vec![self.b1.clone(), self.b2.clone()],
        )
    }
}
