#!/usr/bin/env python3
"""The chapter's training runs in numpy: the oracle the Rust runs are compared with.

Usage: python3 mnist_numpy.py DATA_DIR [name ...] > numpy-runs.txt

This is the guide's Practice Project solution (its Network: He-scaled randn weights after
np.random.seed(seed), zero biases, sigmoid layers; its train_epoch: one np.random.permutation
per epoch from the same global generator, mini-batches of 32, gradients averaged over the
batch), with the per-example loop replaced by the same arithmetic on whole batches as matrices
(checked against the guide's per-example code to 1e-15 on two epochs). Options the guide does
not have are added the obvious way: a softmax output with cross-entropy (output error a - t),
Chapter 2's mean-over-outputs gradient 2(a - t)/n, and a learning rate halved every 5 epochs.

Prints one line per epoch: name, epoch, mean training loss (MSE for sigmoid outputs,
cross-entropy for softmax ones, as the guide reports it) and test accuracy.
Needs only numpy; reads the IDX files that `cargo mnist-fetch` writes.
"""

import struct
import sys

import numpy as np


def read_idx(path):
    data = open(path, "rb").read()
    if struct.unpack(">I", data[:4])[0] == 0x803:
        n, rows, cols = struct.unpack(">III", data[4:16])
        return np.frombuffer(data[16:], np.uint8).reshape(n, rows * cols)
    return np.frombuffer(data[8:], np.uint8)


def load(data_dir, classes):
    x = read_idx(f"{data_dir}/train-images-idx3-ubyte")
    y = read_idx(f"{data_dir}/train-labels-idx1-ubyte")
    xt = read_idx(f"{data_dir}/t10k-images-idx3-ubyte")
    yt = read_idx(f"{data_dir}/t10k-labels-idx1-ubyte")
    keep, keep_test = y < classes, yt < classes
    return x[keep] / 255.0, y[keep].astype(int), xt[keep_test] / 255.0, yt[keep_test].astype(int)


def sigmoid(z):
    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))


def forward(weights, biases, x, softmax):
    activations = [x]
    for i, (w, b) in enumerate(zip(weights, biases)):
        z = activations[-1] @ w.T + b
        if softmax and i == len(weights) - 1:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            activations.append(e / e.sum(axis=1, keepdims=True))
        else:
            activations.append(sigmoid(z))
    return activations


def train(name, data_dir, layers, classes, loss, rate, halve_every=None, epochs=15, batch=32, seed=42):
    x, y, xt, yt = load(data_dir, classes)
    targets = np.eye(classes)[y]
    np.random.seed(seed)
    weights = [np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in) for n_in, n_out in zip(layers, layers[1:])]
    biases = [np.zeros(n_out) for n_out in layers[1:]]
    softmax = loss == "cross-entropy"
    for epoch in range(epochs):
        lr = rate * 0.5 ** (epoch // halve_every) if halve_every else rate
        order = np.random.permutation(len(x))
        total = 0.0
        for start in range(0, len(x), batch):
            idx = order[start:start + batch]
            acts = forward(weights, biases, x[idx], softmax)
            a, t = acts[-1], targets[idx]
            if softmax:
                total += -np.sum(t * np.log(np.clip(a, 1e-15, 1)))
                delta = a - t
            else:
                total += np.sum(np.mean((a - t) ** 2, axis=1))
                grad = 2 * (a - t) if loss == "squared" else 2 * (a - t) / classes
                delta = grad * a * (1 - a)
            for i in range(len(weights) - 1, -1, -1):
                grad_w, grad_b = delta.T @ acts[i], delta.sum(axis=0)
                if i > 0:
                    delta = (delta @ weights[i]) * acts[i] * (1 - acts[i])
                weights[i] -= lr * grad_w / len(idx)
                biases[i] -= lr * grad_b / len(idx)
        predicted = forward(weights, biases, xt, softmax)[-1].argmax(axis=1)
        print(f"{name} {epoch + 1} {total / len(x):.6f} {100 * (predicted == yt).mean():.2f}%", flush=True)


RUNS = {
    "guide": dict(layers=[784, 64, 5], classes=5, loss="squared", rate=0.5),
    "guide-mean": dict(layers=[784, 64, 5], classes=5, loss="mean", rate=0.5),
    "softmax5": dict(layers=[784, 64, 5], classes=5, loss="cross-entropy", rate=0.5),
    "mse10": dict(layers=[784, 64, 10], classes=10, loss="squared", rate=0.5),
    "softmax10": dict(layers=[784, 64, 10], classes=10, loss="cross-entropy", rate=0.5),
    "small10": dict(layers=[784, 32, 10], classes=10, loss="cross-entropy", rate=0.5),
    "deep10": dict(layers=[784, 128, 64, 10], classes=10, loss="cross-entropy", rate=0.5),
    "deep10-rate2": dict(layers=[784, 128, 64, 10], classes=10, loss="cross-entropy", rate=2.0),
    "deep10-schedule": dict(layers=[784, 128, 64, 10], classes=10, loss="cross-entropy", rate=2.0, halve_every=5),
    "deep5-schedule": dict(layers=[784, 128, 64, 5], classes=5, loss="cross-entropy", rate=2.0, halve_every=5),
}

if __name__ == "__main__":
    data_dir, names = sys.argv[1], sys.argv[2:] or list(RUNS)
    for run_name in names:
        train(run_name, data_dir, **RUNS[run_name])
