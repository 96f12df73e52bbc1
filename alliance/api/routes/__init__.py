"""One module per resource; each exposes `router` (mounted under /v1 by the app)."""
