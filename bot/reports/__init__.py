"""Reports the committee hands upward: periods, summaries, workbooks, charts and documents."""
