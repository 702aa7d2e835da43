"""A small real training run for `reprov record`: logistic regression with NumPy on
examples/data/blobs.csv, trained by gradient descent with a seeded generator.

    npx reprov record --seed numpy=0 --param lr=0.5 --param epochs=200 \
        --input examples/data/blobs.csv --produces runs/py/model.npy -o runs/py \
        -- python3 examples/train_numpy.py --lr 0.5 --epochs 200 --seed 0 --out runs/py/model.npy
"""
import argparse

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--data", default="examples/data/blobs.csv")
parser.add_argument("--lr", type=float, default=0.5)
parser.add_argument("--epochs", type=int, default=200)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--out", default="model.npy")
args = parser.parse_args()

rng = np.random.default_rng(args.seed)
data = np.loadtxt(args.data, delimiter=",", skiprows=1)
rng.shuffle(data)
x = np.hstack([np.ones((len(data), 1)), data[:, :2]])
y = data[:, 2]
split = int(len(data) * 0.8)

w = rng.normal(scale=0.1, size=3)
for epoch in range(args.epochs):
    p = 1 / (1 + np.exp(-x[:split] @ w))
    w -= args.lr * x[:split].T @ (p - y[:split]) / split

accuracy = np.mean(((1 / (1 + np.exp(-x[split:] @ w))) >= 0.5) == y[split:])
np.save(args.out, w)
print(f"validation accuracy {accuracy:.3f}")
