"""The bot's own web server (aiohttp): Telegram's webhook, /healthz, and the dashboard Mini
App."""
