"""Types record apps use to offer entries and facts upward (see sources/chronology.py)."""
