"""The change feed: an append-only log of every change to a report's category, agency, kelurahan or duplicate group."""
