#!/usr/bin/env python3
"""Chapter 4's runs in numpy: the oracle the chapter's tests compare with.

Usage: python3 practice_numpy.py > numpy-output.txt

The guide's Network (He-scaled randn weights after np.random.seed(seed), zero biases, sigmoid
layers, MSE with dL/da = 2(a - t), one update per example), run as the guide's code runs it:

- sine: the loss curve section (50 points x = uniform(0, pi) after np.random.seed(42),
  y = sin(x), inputs x / pi; [1, 8, 1], seed 42, learning rate 2.0, 1000 epochs): the mean
  loss of epochs 0, 10, 20, 50, 100, 500 and 999 (the losses before each update, as the
  guide's train_step returns them), and the predictions at np.linspace(0, 1, 100)[i] for
  i = 0, 25, 50, 75 and 99;
- ex4_1: Exercise 4.1's solution (30 noisy sine points, 20 to train and 10 to test;
  [1, 16, 1], seed 42, learning rate 1.0, 2000 epochs): the training and test losses after
  epochs 0, 500, 1000, 1500 and 1999.

Prints one line per quantity: name, then the values (repr(), the shortest round-trip form).
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


# The loss curve section.
np.random.seed(42)
n_points = 50
X_data = np.random.uniform(0, np.pi, n_points).reshape(-1, 1)
y_data = np.sin(X_data)
X_norm, y_norm = X_data / np.pi, y_data
net = Network([1, 8, 1], seed=42)
losses = []
for epoch in range(1000):
    epoch_loss = 0
    for xi, yi in zip(X_norm, y_norm):
        epoch_loss += net.train_step(xi.flatten(), yi.flatten(), lr=2.0)
    losses.append(epoch_loss / n_points)
show("sine_losses", *(losses[e] for e in [0, 10, 20, 50, 100, 500, 999]))
x_test = np.linspace(0, 1, 100).reshape(-1, 1)
show("sine_predictions", *(net.forward(x_test[i].flatten())[0] for i in [0, 25, 50, 75, 99]))

# Exercise 4.1.
np.random.seed(42)
X_all = np.random.uniform(0, 1, 30).reshape(-1, 1)
y_all = np.sin(X_all * np.pi) + np.random.normal(0, 0.1, X_all.shape)
X_train, y_train = X_all[:20], y_all[:20]
X_test, y_test = X_all[20:], y_all[20:]
net = Network([1, 16, 1], seed=42)
train_losses, test_losses = [], []
for epoch in range(2000):
    for xi, yi in zip(X_train, y_train):
        net.train_step(xi.flatten(), yi.flatten(), lr=1.0)
    if epoch % 500 == 0 or epoch == 1999:
        train_losses.append(
            sum(mse_loss(net.forward(xi.flatten()), yi.flatten()) for xi, yi in zip(X_train, y_train))
            / len(X_train)
        )
        test_losses.append(
            sum(mse_loss(net.forward(xi.flatten()), yi.flatten()) for xi, yi in zip(X_test, y_test))
            / len(X_test)
        )
show("ex4_1_train_losses", *train_losses)
show("ex4_1_test_losses", *test_losses)
