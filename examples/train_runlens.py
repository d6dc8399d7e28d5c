"""Fit a line by gradient descent and log it with RunLens's dependency-free helper.

No packages needed: `runlens` ships with the extension and mirrors MLflow's fluent API, so this
script is written as an MLflow script would be. Scripts launched by RunLens find the helper on
their PYTHONPATH; from a terminal, add the extension's `dist/python` folder to PYTHONPATH.
"""
import random
import sys

import runlens as mlflow

LEARNING_RATE = float(sys.argv[1]) if len(sys.argv) > 1 else 0.05
EPOCHS = int(sys.argv[2]) if len(sys.argv) > 2 else 50


def make_data(n: int, seed: int = 7):
    rng = random.Random(seed)
    xs = [rng.uniform(-1, 1) for _ in range(n)]
    return [(x, 3.0 * x + 0.5 + rng.gauss(0, 0.1)) for x in xs]


def main() -> None:
    data = make_data(200)
    mlflow.set_experiment("line-fit")
    with mlflow.start_run(run_name=f"lr={LEARNING_RATE}"):
        mlflow.log_params({"learning_rate": LEARNING_RATE, "epochs": EPOCHS, "samples": len(data)})
        slope, intercept = 0.0, 0.0
        for epoch in range(EPOCHS):
            grad_slope = sum(2 * (slope * x + intercept - y) * x for x, y in data) / len(data)
            grad_intercept = sum(2 * (slope * x + intercept - y) for x, y in data) / len(data)
            slope -= LEARNING_RATE * grad_slope
            intercept -= LEARNING_RATE * grad_intercept
            mse = sum((slope * x + intercept - y) ** 2 for x, y in data) / len(data)
            mlflow.log_metric("mse", mse, step=epoch)
        mlflow.log_dict({"slope": slope, "intercept": intercept}, "model/coefficients.json")
        mlflow.set_tag("model", "linear")
        print(f"slope={slope:.3f} intercept={intercept:.3f} mse={mse:.4f}")


if __name__ == "__main__":
    main()
