"""Pages of the policies app (namespace ``policies``)."""

app_name = "policies"

urlpatterns: list = []
