"""The reminder pipeline: plan rows in SQLite, dispatch them when due, record every outcome."""
