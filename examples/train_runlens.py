"""Fit a line by gradient descent, then log and register the fitted model, with RunLens's dependency-free helper.

Needs nothing but Python 3.8 or newer: `runlens` ships with the extension and mirrors MLflow's fluent
API, so this script is written as an MLflow script would be. Scripts launched by RunLens find the helper
on their PYTHONPATH; from a terminal, add the extension's `dist/python` folder to PYTHONPATH.

Try "Run tracked with arguments…" with `0.1 30`, then `0.01 30`, and compare the runs. Each run registers
a new version of the model "line-fit", which the Models view lists.
"""
import random
import secrets
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
    # The arguments that vary, and a short id so that two runs with the same arguments still read apart.
    run_name = f"lr={LEARNING_RATE} epochs={EPOCHS} {secrets.token_hex(2)}"
    with mlflow.start_run(run_name=run_name):
        mlflow.log_params({"learning_rate": LEARNING_RATE, "epochs": EPOCHS, "samples": len(data)})
        slope, intercept = 0.0, 0.0
        for epoch in range(EPOCHS):
            grad_slope = sum(2 * (slope * x + intercept - y) * x for x, y in data) / len(data)
            grad_intercept = sum(2 * (slope * x + intercept - y) for x, y in data) / len(data)
            slope -= LEARNING_RATE * grad_slope
            intercept -= LEARNING_RATE * grad_intercept
            mse = sum((slope * x + intercept - y) ** 2 for x, y in data) / len(data)
            mlflow.log_metric("mse", mse, step=epoch)
        mlflow.set_tag("model", "linear")
        # The model is its two coefficients: logged as JSON, and registered as a new version of "line-fit".
        model = mlflow.log_model({"slope": slope, "intercept": intercept}, name="line", registered_model_name="line-fit")
        print(f"slope={slope:.3f} intercept={intercept:.3f} mse={mse:.4f} line-fit version {model.registered_model_version}")


if __name__ == "__main__":
    main()
