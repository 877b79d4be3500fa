"""The dashboard Mini App: an aiohttp application in the bot's own process, whose every API
call is authenticated by Telegram's initData and answered by the same services as the
commands (web -> bot services -> storage)."""
