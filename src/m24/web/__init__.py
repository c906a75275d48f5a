"""The server-rendered web UI (Korean first)."""
