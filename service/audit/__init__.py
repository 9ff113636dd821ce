"""The append-only audit log of every change."""
