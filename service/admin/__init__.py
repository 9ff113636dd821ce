"""Administration: the served model, quality gates, API keys and the audit log."""
