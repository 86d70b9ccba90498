"""API routes of the policies app, mounted under /api/v1/."""

urlpatterns: list = []
