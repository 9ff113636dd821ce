"""What predicts: pure, importable estimators and text functions (no HTTP, no database)."""
