"""Understanding: language identification, intent classification, training data."""
