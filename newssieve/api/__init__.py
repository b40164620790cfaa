"""The HTTP face: `app.create_app()` builds the FastAPI app, one router module per concern.

Routers parse and validate the request, call the read side (`newssieve.feeds`) or
operations (`newssieve.ops`, `newssieve.store`), and render: JSON through the models of
`schemas`, HTML through `page_render` and `status_render` (which escape every value).
Access (the optional token, and the token changes always need) is `auth`'s.
"""
