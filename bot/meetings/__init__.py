"""Meetings: scheduling (one-off and recurring around holidays), RSVP, attendance, calendars."""
