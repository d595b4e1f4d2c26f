"""The web UI and JSON API (`parallax serve`)."""
