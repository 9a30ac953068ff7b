from django.urls import path

from insaf.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
]
