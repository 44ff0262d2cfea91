#!/usr/bin/env python3
"""The hand-trace of Chapter 2 in numpy, at full precision: the oracle tests/claims.rs checks.

Usage: python3 handtrace_numpy.py > numpy-output.txt

This is the guide's hand-trace code (steps 1 to 5: the 2 -> 2 -> 1 sigmoid network with the
weights W1 = [[0.1, 0.3], [0.2, 0.4]], b1 = [0.01, 0.02], W2 = [[0.5, 0.6]], b2 = [0.03], the
input [1, 2], the target [1], MSE, one update at learning rate 0.5), printing its values with
repr() (shortest round-trip form) instead of rounded to four decimals.

Prints one line per quantity: name, then its values.
"""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


W1 = np.array([[0.1, 0.3], [0.2, 0.4]])
b1 = np.array([0.01, 0.02])
W2 = np.array([[0.5, 0.6]])
b2 = np.array([0.03])
x = np.array([1.0, 2.0])
target = np.array([1.0])

# Step 1: forward
z1 = W1 @ x + b1
a1 = sigmoid(z1)
z2 = W2 @ a1 + b2
a2 = sigmoid(z2)
# Step 2: loss
loss = np.mean((a2 - target) ** 2)
# Step 3: output layer
dL_da2 = 2 * (a2 - target)
da2_dz2 = a2 * (1 - a2)
delta2 = dL_da2 * da2_dz2
dL_dW2 = delta2.reshape(-1, 1) @ a1.reshape(1, -1)
dL_db2 = delta2.copy()
# Step 4: hidden layer
dL_da1 = W2.T @ delta2
da1_dz1 = a1 * (1 - a1)
delta1 = dL_da1.flatten() * da1_dz1
dL_dW1 = delta1.reshape(-1, 1) @ x.reshape(1, -1)
dL_db1 = delta1.copy()
# Step 5: update, then forward again
learning_rate = 0.5
W2_new = W2 - learning_rate * dL_dW2
b2_new = b2 - learning_rate * dL_db2
W1_new = W1 - learning_rate * dL_dW1
b1_new = b1 - learning_rate * dL_db1
a2_new = sigmoid(W2_new @ sigmoid(W1_new @ x + b1_new) + b2_new)
new_loss = np.mean((a2_new - target) ** 2)


def show(name, values):
    print(name, " ".join(repr(float(v)) for v in np.ravel(values)))


show("a1", a1)
show("a2", a2)
show("loss", loss)
show("delta2", delta2)
show("delta1", delta1)
show("new_prediction", a2_new)
show("new_loss", new_loss)
