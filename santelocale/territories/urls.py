from django.urls import path

from santelocale.territories import views

app_name = "territories"

urlpatterns = [
    path("territoires/", views.search, name="search"),
    path("territoires/<str:level>/<str:code>/", views.territory_detail, name="detail"),
    path("carte/", views.national_map, name="map"),
    path("sources/", views.sources, name="sources"),
    path("geo/<str:level>.geojson", views.national_geojson, name="national_geojson"),
    path("geo/territoire/<str:level>/<str:code>.geojson", views.territory_geojson, name="territory_geojson"),
    path("perimetres/", views.perimeter_list, name="perimeter_list"),
    path("perimetres/nouveau/", views.perimeter_edit, name="perimeter_create"),
    path("perimetres/selection/", views.perimeter_selection, name="perimeter_selection"),
    path("perimetres/recherche/", views.perimeter_search, name="perimeter_search"),
    path("perimetres/<uuid:public_id>/", views.perimeter_detail, name="perimeter_detail"),
    path("perimetres/<uuid:public_id>/modifier/", views.perimeter_edit, name="perimeter_update"),
    path("perimetres/<uuid:public_id>/supprimer/", views.perimeter_delete, name="perimeter_delete"),
    path("perimetres/<uuid:public_id>.geojson", views.perimeter_geojson, name="perimeter_geojson"),
]
