"""pcibot: Lạng Sơn business feedback chatbot."""
