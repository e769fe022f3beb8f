"""Governance pages of a contract (bodies, members, meetings, contacts: added, changed, removed) and the
contacts directory."""

from django.urls import path

from santelocale.contracts import views_governance as views

_G = "contrats/<uuid:public_id>/gouvernance/"

urlpatterns = [
    path(_G, views.governance, name="governance"),
    path(f"{_G}instances/", views.governance_body_add, name="governance_body_add"),
    path(
        f"{_G}instances/<int:body_id>/supprimer/", views.governance_body_delete, name="governance_body_delete"
    ),
    path(f"{_G}instances/<int:body_id>/modifier/", views.governance_body_edit, name="governance_body_edit"),
    path(f"{_G}instances/<int:body_id>/membres/", views.governance_member_add, name="governance_member_add"),
    path(
        f"{_G}instances/<int:body_id>/reunions/", views.governance_meeting_add, name="governance_meeting_add"
    ),
    path(
        f"{_G}membres/<int:member_id>/modifier/",
        views.governance_member_edit,
        name="governance_member_edit",
    ),
    path(
        f"{_G}membres/<int:member_id>/supprimer/",
        views.governance_member_delete,
        name="governance_member_delete",
    ),
    path(
        f"{_G}reunions/<int:meeting_id>/modifier/",
        views.governance_meeting_edit,
        name="governance_meeting_edit",
    ),
    path(
        f"{_G}reunions/<int:meeting_id>/supprimer/",
        views.governance_meeting_delete,
        name="governance_meeting_delete",
    ),
    path(f"{_G}contacts/", views.governance_contact_add, name="governance_contact_add"),
    path(
        f"{_G}contacts/<int:contact_id>/modifier/",
        views.governance_contact_edit,
        name="governance_contact_edit",
    ),
    path(
        f"{_G}contacts/<int:contact_id>/supprimer/",
        views.governance_contact_delete,
        name="governance_contact_delete",
    ),
    path("annuaire/", views.directory, name="directory"),
    path("annuaire/contacts.csv", views.directory_csv, name="directory_csv"),
]
