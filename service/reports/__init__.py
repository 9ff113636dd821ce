"""Triaged reports and the suggestions the models made for them."""
