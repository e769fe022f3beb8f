from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from santelocale.territories.models import (
    CityContract,
    Commune,
    DataRelease,
    Dataset,
    Department,
    Epci,
    Perimeter,
    PriorityNeighbourhood,
    Region,
)


class ReadOnlyGeographyAdmin(admin.ModelAdmin):
    """The geography comes from the data bundle: it is read here, and changed only by `santelocale init`."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyGeographyAdmin):
    list_display = ["code", "name", "zone", "population"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyGeographyAdmin):
    list_display = ["code", "name", "region", "population"]
    search_fields = ["code", "name"]


@admin.register(Epci)
class EpciAdmin(ReadOnlyGeographyAdmin):
    list_display = ["siren", "name", "kind", "population"]
    list_filter = ["kind"]
    search_fields = ["siren", "name"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyGeographyAdmin):
    list_display = ["code", "name", "department", "epci", "population"]
    search_fields = ["code", "name", "postcodes"]
    list_select_related = ["department", "epci"]


@admin.register(PriorityNeighbourhood)
class PriorityNeighbourhoodAdmin(ReadOnlyGeographyAdmin):
    list_display = ["code", "name", "generation", "department", "population"]
    search_fields = ["code", "name"]


@admin.register(CityContract)
class CityContractAdmin(ReadOnlyGeographyAdmin):
    list_display = ["code", "generation", "name", "epci_siren"]
    list_filter = ["generation"]
    search_fields = ["code", "name"]


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyGeographyAdmin):
    list_display = ["title", "producer", "year", "licence"]


@admin.register(DataRelease)
class DataReleaseAdmin(ReadOnlyGeographyAdmin):
    list_display = ["bundle_version", "loaded_at"]


@admin.register(Perimeter)
class PerimeterAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "population", "commune_count", "updated_at"]
    search_fields = ["name"]
    readonly_fields = ["public_id", "components", "population", "commune_count", "geometry", "bbox"]
    exclude = ["communes"]
