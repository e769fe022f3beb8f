from django.urls import path

from santelocale.contracts import views
from santelocale.contracts.urls_governance import urlpatterns as governance_urlpatterns

app_name = "contracts"

urlpatterns = [
    path("contrats/", views.contract_list, name="list"),
    path("contrats/<uuid:public_id>/", views.contract_detail, name="detail"),
] + governance_urlpatterns
