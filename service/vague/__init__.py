"""Vague reports: whether a report says enough to act on, and what to ask the reporter for."""
