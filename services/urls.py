"""Pages of the services app (namespace ``services``)."""

app_name = "services"

urlpatterns: list = []
