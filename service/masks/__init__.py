"""Reviewers mask personal data the redactor missed: the stored text is masked at once, the span kept for training."""
