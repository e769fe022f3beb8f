from django.contrib import admin
from django.urls import include, path

from santelocale.accounts import views as account_views
from santelocale.api.api import api
from santelocale.site_pages import SitePage
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
    path("donnees-personnelles/", account_views.personal_data, name="personal_data"),
    # The pages the State's design system requires in every footer (their text only: no logic).
    path(
        "mentions-legales/",
        SitePage.as_view(template_name="site/legal_notice.html"),
        name="legal_notice",
    ),
    path(
        "accessibilite/",
        SitePage.as_view(template_name="site/accessibility.html"),
        name="accessibility",
    ),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

# French error pages (santelocale/errors.py); the CSRF failure page is CSRF_FAILURE_VIEW in settings.
handler400 = "santelocale.errors.bad_request"
handler403 = "santelocale.errors.permission_denied"
handler404 = "santelocale.errors.page_not_found"
handler500 = "santelocale.errors.server_error"
