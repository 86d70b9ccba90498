"""Pages of the voice app (namespace ``voice``)."""

app_name = "voice"
urlpatterns = []
