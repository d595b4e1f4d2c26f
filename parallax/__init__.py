"""Parallax: one story, every angle."""

__version__ = "0.1.0"
