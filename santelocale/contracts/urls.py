from django.urls import path

from santelocale.contracts import views
from santelocale.contracts.urls_governance import urlpatterns as governance_urlpatterns

app_name = "contracts"

urlpatterns = [
    path("contrats/", views.contract_list, name="list"),
    path("contrats/nouveau/", views.contract_edit, name="create"),
    path("contrats/socles/", views.theme_list, name="theme_list"),
    path("contrats/socles/<str:code>/", views.theme_manage, name="theme_manage"),
    path("contrats/socles/<str:code>/<int:pk>/supprimer/", views.theme_remove, name="theme_remove"),
    path("contrats/<uuid:public_id>/", views.contract_detail, name="detail"),
    path("contrats/<uuid:public_id>/modifier/", views.contract_edit, name="update"),
    path("contrats/<uuid:public_id>/statut/", views.contract_transition, name="transition"),
    path("contrats/<uuid:public_id>/signataires/", views.signatory_add, name="signatory_add"),
    path(
        "contrats/<uuid:public_id>/signataires/<int:pk>/confirmer/",
        views.signatory_confirm,
        name="signatory_confirm",
    ),
    path(
        "contrats/<uuid:public_id>/signataires/<int:pk>/supprimer/",
        views.signatory_remove,
        name="signatory_remove",
    ),
    path("contrats/<uuid:public_id>/articulations/", views.link_add, name="link_add"),
    path(
        "contrats/<uuid:public_id>/articulations/<int:pk>/supprimer/", views.link_remove, name="link_remove"
    ),
    path("contrats/<uuid:public_id>/indicateurs/", views.indicator_add, name="indicator_add"),
    path("contrats/<uuid:public_id>/renouveler/", views.contract_renew, name="renew"),
    path(
        "contrats/<uuid:public_id>/perimetre.geojson",
        views.contract_perimeter_geojson,
        name="perimeter_geojson",
    ),
] + governance_urlpatterns
