"""The HTTP API: `app.create_app()` builds it, one router module per concern."""
