from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .security import SignInForm

handler403 = "telcrm.views.errors.permission_denied"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("audit/", views.AuditLogView.as_view(), name="audit_log"),
    path("sales/", include("sales.urls")),
    path("contracts/", include("contracts.urls")),
    path("cmdb/", include("cmdb.urls")),
    path("orders/", include("orders.urls")),
    path("fulfillment/", include("fulfillment.urls")),
    path("admin/", admin.site.urls),
]
