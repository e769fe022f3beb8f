from django.contrib import admin
from django.urls import include, path

from santelocale.api.api import api
from santelocale.territories import views as territory_views

admin.site.site_header = "Santé Locale — administration"
admin.site.site_title = "Santé Locale"

urlpatterns = [
    path("", territory_views.home, name="home"),
    path("", include("santelocale.territories.urls")),
    path("", include("santelocale.contracts.urls")),
    path("", include("santelocale.plans.urls")),
    path("", include("santelocale.observatory.urls")),
    path("comptes/", include("santelocale.accounts.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
