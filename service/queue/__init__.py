"""The manual-review queue: items, claims and reviewers' decisions."""
