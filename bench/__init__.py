"""Benchmarks of the reminder pipeline (run ``python bench/reminders.py``; not part of tests)."""
