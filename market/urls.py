"""Pages of the market app (namespace ``market``)."""

from django.urls import path

from market import views

app_name = "market"

urlpatterns = [
    path("facilities/", views.FacilityListView.as_view(), name="facilities"),
    path("bookings/", views.BookingListView.as_view(), name="bookings"),
    path("bookings/<int:pk>/<slug:move>/", views.BookingMoveView.as_view(), name="booking_move"),
    path("intermediaries/", views.IntermediaryListView.as_view(), name="intermediaries"),
    path("purchases/", views.PurchaseListView.as_view(), name="purchases"),
    path("purchases/<int:pk>/", views.PurchaseDetailView.as_view(), name="purchase_detail"),
    path("purchases/<int:pk>/<slug:move>/", views.PurchaseMoveView.as_view(), name="purchase_move"),
]
