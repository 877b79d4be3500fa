"""Committee Assistant: the application core (settings, services, i18n, wiring)."""
