"""Pages of the issues app (namespace ``issues``)."""

app_name = "issues"

urlpatterns: list = []
