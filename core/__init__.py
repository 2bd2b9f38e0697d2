"""Models and services shared by the bot channels and the admin module."""
