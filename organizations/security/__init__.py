"""Cross-cutting protections: login throttling, the HQ second factor, response
headers, scrubbing personal numbers from logs, and start-up checks."""
