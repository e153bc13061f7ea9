"""mlkg's HTTP query surface: a FastAPI app over one GraphStore.

``api.app.create_app(settings)`` builds the app; ``api.service.GraphService`` is the
one service layer; ``api.routes`` holds thin routes; ``api.static`` the web page.
"""
