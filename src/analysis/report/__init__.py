"""Report stage: the tables, charts and sentences the notebooks show."""
