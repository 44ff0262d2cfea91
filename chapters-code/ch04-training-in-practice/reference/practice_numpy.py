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

import pathlib
import sys

import numpy as np

# Chapter 4 trains Chapter 3's network, in numpy as in Rust: the same Network class.
sys.dont_write_bytecode = True
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "ch03-training-loop" / "reference"))
from training_numpy import Network, mse_loss, show  # noqa: E402


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
