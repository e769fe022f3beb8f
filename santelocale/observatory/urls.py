from django.urls import path

from santelocale.observatory import views

app_name = "observatory"

urlpatterns = [
    path("observatoire/", views.registry_page, name="registry"),
    path("observatoire/registre.csv", views.registry_csv, name="registry_csv"),
    path("observatoire/registre.geojson", views.registry_geojson, name="registry_geojson"),
    path("observatoire/registre.schema.json", views.registry_schema, name="registry_schema"),
    path(
        "observatoire/contrats-de-ville.geojson", views.city_contracts_geojson, name="city_contracts_geojson"
    ),
    path("observatoire/couverture/", views.coverage_page, name="coverage"),
]
