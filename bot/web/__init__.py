"""The bot's own web server (aiohttp): Telegram's webhook, /healthz, and later the dashboard."""
