"""Builds and evaluates models from data and logs every run to MLflow."""
