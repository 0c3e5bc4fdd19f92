"""The app's URLs plus the floor view the benchmark compares every page with."""

from django.shortcuts import render
from django.urls import include, path

from clinic.models import Client


def floor(request):
    """An authenticated page that renders the base template and runs one indexed query."""
    client = Client.objects.order_by("pk").only("pk", "first_name", "last_name").first()
    return render(request, "base.html", {"floor_client": client})


urlpatterns = [path("bench/floor/", floor), path("", include("clinic.urls"))]
