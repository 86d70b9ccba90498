"""API routes of the issues app, mounted under /api/v1/."""

urlpatterns: list = []
