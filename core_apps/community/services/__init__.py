"""Writes of the community app, split by concern."""
