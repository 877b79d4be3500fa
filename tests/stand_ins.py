"""Stand-ins for the bot's collaborators, shared by the tests that drive leadership by hand."""

from __future__ import annotations


class HandDrivenScheduler:
    """Leadership's scheduler when the test calls its polls itself: nothing is scheduled."""

    def call_later(self, name, delay, callback) -> None:
        raise AssertionError("not used")

    def repeat(self, name, interval, callback) -> None:
        """The poll the test drives instead."""
