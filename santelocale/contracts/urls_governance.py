"""Governance pages of a contract (bodies, members, meetings) and the contacts directory."""

urlpatterns = []
