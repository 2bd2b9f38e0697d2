"""The dialogue engine and the channels (Telegram, web chat, terminal) that feed it."""
