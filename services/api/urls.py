"""API routes of the services app, mounted under /api/v1/."""

urlpatterns: list = []
