"""The HTTP API: the FastAPI app, its routes, errors and request guards."""
