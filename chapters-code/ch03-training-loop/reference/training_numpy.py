#!/usr/bin/env python3
"""Chapter 3's runs in numpy: the oracle the chapter's tests and its "numpy prints" fact use.

Usage: python3 training_numpy.py > numpy-output.txt

The guide's Network (He-scaled randn weights after np.random.seed(seed), zero biases, sigmoid
layers, MSE with dL/da = 2(a - t), one update per example), run as the guide's code runs it:

- train_step: the guide's single-example demo ([2, 4, 1], seed 42, input [1, 2], target [1],
  learning rate 1.0): the loss of step 0 and the prediction after it;
- ex3_1: Exercise 3.1 (XOR, [2, 4, 1], seed 42, learning rate 2.0, 2000 passes): the mean
  loss of passes 0, 500, 1000, 1500 and 1999, and the final predictions for the four inputs;
- ex3_2_lr<rate>: Exercise 3.2: the final mean loss after 2000 passes at each learning rate.

Prints one line per quantity: name, then the values (repr(), the shortest round-trip form).
ex3_2_lr10.0 is chaotic: its last digits depend on the numpy build and the CPU (the run
amplifies last-bit differences; numpy 2.4 prints 0.000021 to 0.000023 on different machines),
so .ci/numpy-check compares it loosely. The committed value is what numpy printed here.

Chapter 4's practice_numpy.py imports this file's Network (the runs only run as a script).
"""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_derivative(a):
    return a * (1 - a)


def mse_loss(p, t):
    return np.mean((p - t) ** 2)


class Network:
    def __init__(self, layer_sizes, seed=42):
        np.random.seed(seed)
        self.weights, self.biases = [], []
        for i in range(len(layer_sizes) - 1):
            n_in, n_out = layer_sizes[i], layer_sizes[i + 1]
            self.weights.append(np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in))
            self.biases.append(np.zeros(n_out))

    def forward(self, x):
        self.activations = [x]
        a = x
        for W, b in zip(self.weights, self.biases):
            a = sigmoid(W @ a + b)
            self.activations.append(a)
        return a

    def backward(self, target):
        n = len(self.weights)
        wg, bg = [None] * n, [None] * n
        delta = 2 * (self.activations[-1] - target) * sigmoid_derivative(self.activations[-1])
        for i in range(n - 1, -1, -1):
            wg[i] = delta.reshape(-1, 1) @ self.activations[i].reshape(1, -1)
            bg[i] = delta.copy()
            if i > 0:
                delta = (self.weights[i].T @ delta).flatten() * sigmoid_derivative(
                    self.activations[i]
                )
        return wg, bg

    def train_step(self, x, target, lr):
        self.forward(x)
        loss = mse_loss(self.activations[-1], target)
        wg, bg = self.backward(target)
        for i in range(len(self.weights)):
            self.weights[i] -= lr * wg[i]
            self.biases[i] -= lr * bg[i]
        return loss


def show(name, *values):
    print(name, " ".join(repr(float(v)) for v in values))


def main():
    """Chapter 3's runs, one line each."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)

    net = Network([2, 4, 1], seed=42)
    x, target = np.array([1.0, 2.0]), np.array([1.0])
    loss = net.train_step(x, target, 1.0)
    show("train_step_loss", loss)
    show("train_step_prediction", net.forward(x)[0])

    net = Network([2, 4, 1], seed=42)
    losses = []
    for step in range(2000):
        losses.append(sum(net.train_step(xi, yi, 2.0) for xi, yi in zip(X, y)) / len(X))
    show("ex3_1_losses", *(losses[p] for p in [0, 500, 1000, 1500, 1999]))
    show("ex3_1_predictions", *(net.forward(xi)[0] for xi in X))

    for lr in [0.1, 0.5, 2.0, 10.0]:
        net = Network([2, 4, 1], seed=42)
        for step in range(2000):
            for xi, yi in zip(X, y):
                net.train_step(xi, yi, lr)
        final = sum(mse_loss(net.forward(xi), yi) for xi, yi in zip(X, y)) / len(X)
        show(f"ex3_2_lr{lr}", final)


if __name__ == "__main__":
    main()
