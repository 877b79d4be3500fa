"""Local test double of the Telegram Bot API (HTTP, aiohttp) for end-to-end bot tests."""

from .double import BotApiDouble
from .errors import ApiError

__all__ = ["ApiError", "BotApiDouble"]
