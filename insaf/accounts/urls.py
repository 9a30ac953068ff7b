from django.urls import path

from insaf.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("preferences/", views.preferences_view, name="preferences"),
]
