"""What the served model knows: its categories and agencies."""
