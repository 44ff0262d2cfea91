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

The training images are split as the chapter splits them: np.random.RandomState(0)
.permutation(n) of the n training images of the digits kept; the first 5,000 (digits 0-4) or
10,000 (all ten) positions, sorted, are validation images, the rest (sorted) are trained on.
The loss is Chapter 2's mean squared error, 2(a - t)/n (the guide's "0.5 on the summed
squared error" is rate 2.5 here), or softmax with cross-entropy.

Prints one line per epoch: name, epoch, mean training loss (MSE for sigmoid outputs,
cross-entropy for softmax ones) and validation accuracy; then, for the chapter's final
models, one line "name test accuracy" for the weights of the best validation epoch.
Needs only numpy; reads the IDX files that `cargo mnist-fetch` writes.

With `--time` as the first argument after DATA_DIR, it also prints the seconds each epoch's
training took (not the validation after it), for the benchmark
(`cargo run --release -p ch05-mnist --example bench`) to compare with. The benchmark's
variants change one setting of the named run: `--batch N` (examples per mini-batch),
`--hidden N` (the width of the hidden layer of a one-hidden-layer network) and `--epochs N`.
"""

import time

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
    x, y = x[keep] / 255.0, y[keep].astype(int)
    order = np.random.RandomState(0).permutation(len(x))
    held_out = 5000 if classes <= 5 else 10000
    valid, train = np.sort(order[:held_out]), np.sort(order[held_out:])
    return x[train], y[train], x[valid], y[valid], xt[keep_test] / 255.0, yt[keep_test].astype(int)


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


TIMES = []


def train(name, data_dir, layers, classes, loss, rate, halve_every=None, final=False, epochs=15, batch=32, seed=42):
    x, y, xv, yv, xt, yt = load(data_dir, classes)
    targets = np.eye(classes)[y]
    np.random.seed(seed)
    weights = [np.random.randn(n_out, n_in) * np.sqrt(2.0 / n_in) for n_in, n_out in zip(layers, layers[1:])]
    biases = [np.zeros(n_out) for n_out in layers[1:]]
    softmax = loss == "cross-entropy"
    best = (-1.0, None)
    for epoch in range(epochs):
        lr = rate * 0.5 ** (epoch // halve_every) if halve_every else rate
        order = np.random.permutation(len(x))
        started = time.perf_counter()
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
                delta = 2 * (a - t) / classes * (a * (1 - a))
            for i in range(len(weights) - 1, -1, -1):
                grad_w, grad_b = delta.T @ acts[i], delta.sum(axis=0)
                if i > 0:
                    delta = (delta @ weights[i]) * acts[i] * (1 - acts[i])
                weights[i] -= lr * (grad_w / len(idx))
                biases[i] -= lr * (grad_b / len(idx))
        TIMES.append(time.perf_counter() - started)
        accuracy = (forward(weights, biases, xv, softmax)[-1].argmax(axis=1) == yv).mean()
        if accuracy > best[0]:
            best = (accuracy, ([w.copy() for w in weights], [b.copy() for b in biases]))
        print(f"{name} {epoch + 1} {total / len(x):.6f} {100 * accuracy:.2f}%", flush=True)
    if final:
        predicted = forward(*best[1], xt, softmax)[-1].argmax(axis=1)
        print(f"{name} test {100 * (predicted == yt).mean():.2f}%", flush=True)


RUNS = {
    "guide": dict(layers=[784, 64, 5], classes=5, loss="mean", rate=2.5, final=True),
    "guide-rate-0.5": dict(layers=[784, 64, 5], classes=5, loss="mean", rate=0.5),
    "softmax5": dict(layers=[784, 64, 5], classes=5, loss="cross-entropy", rate=0.5),
    "mse10": dict(layers=[784, 64, 10], classes=10, loss="mean", rate=5.0),
    "softmax10": dict(layers=[784, 64, 10], classes=10, loss="cross-entropy", rate=0.5),
    "small10": dict(layers=[784, 32, 10], classes=10, loss="cross-entropy", rate=0.5),
    "deep10": dict(layers=[784, 128, 64, 10], classes=10, loss="cross-entropy", rate=0.5),
    "deep10-rate2": dict(layers=[784, 128, 64, 10], classes=10, loss="cross-entropy", rate=2.0),
    "deep10-schedule": dict(layers=[784, 128, 64, 10], classes=10, loss="cross-entropy", rate=2.0, halve_every=5, final=True),
    "deep5-schedule": dict(layers=[784, 128, 64, 5], classes=5, loss="cross-entropy", rate=2.0, halve_every=5, final=True),
}

if __name__ == "__main__":
    data_dir, names = sys.argv[1], sys.argv[2:]
    timing = names[:1] == ["--time"]
    names = names[1:] if timing else names
    changes = {}
    while len(names) >= 2 and names[-2] in ("--batch", "--hidden", "--epochs"):
        changes[names[-2][2:]] = int(names[-1])
        names = names[:-2]
    for run_name in names or list(RUNS):
        settings = dict(RUNS[run_name])
        for key, value in changes.items():
            if key == "hidden":
                settings["layers"] = [settings["layers"][0], value, settings["layers"][-1]]
            else:
                settings[key] = value
        train(run_name, data_dir, **settings)
    if timing:
        print("epoch seconds:", " ".join(f"{t:.4f}" for t in TIMES))
