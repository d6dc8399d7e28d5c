"""Train a random forest on the diabetes data set and log it with MLflow.

The classic MLflow example, unchanged: run it with RunLens's "Run tracked" CodeLens (or from a
terminal after "RunLens: Copy MLflow Tracking Environment") and it logs into this workspace.
Needs: pip install mlflow scikit-learn
"""
import mlflow
import mlflow.sklearn
from sklearn.datasets import load_diabetes
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import train_test_split

N_ESTIMATORS = 100
MAX_DEPTH = 6


def main() -> None:
    mlflow.set_experiment("diabetes-random-forest")
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)

    with mlflow.start_run():
        mlflow.log_param("n_estimators", N_ESTIMATORS)
        mlflow.log_param("max_depth", MAX_DEPTH)
        model = RandomForestRegressor(n_estimators=N_ESTIMATORS, max_depth=MAX_DEPTH, random_state=42)
        model.fit(X_train, y_train)

        predictions = model.predict(X_test)
        mse = mean_squared_error(y_test, predictions)
        mlflow.log_metric("mse", mse)
        mlflow.log_metric("rmse", mse ** 0.5)
        mlflow.log_metric("mae", mean_absolute_error(y_test, predictions))
        mlflow.log_metric("r2", r2_score(y_test, predictions))
        mlflow.sklearn.log_model(model, name="random_forest_model", input_example=X_train[:5])
        print(f"mse={mse:.2f}")


if __name__ == "__main__":
    main()
