"""The aiohttp web side: public pages, open data, Open311, health, metrics and webhooks."""
