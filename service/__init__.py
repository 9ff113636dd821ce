"""Serves the champion model over HTTP and keeps the review queue."""
