"""Duplicate reports: the index of stored reports, fed by the sentence embedder, persisted beside the database."""
