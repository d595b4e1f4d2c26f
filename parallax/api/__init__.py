"""View functions: each returns a JSON-ready dict that the JSON API returns as is and the HTML
pages render (Datasette's pattern). Keys may be added, never renamed."""
