"""Geometry helpers (shapely), model-free."""

import shapely

#: Holes and parts smaller than this (square degrees, about 0.4 km²) are gaps between commune contours
#: (the IGN 2018 simplified contours do not tile exactly), not territory: the maps leave them out.
SLIVER_AREA = 5e-5


def without_slivers(shape):
    """Return ``shape`` without its sliver holes and sliver parts (its largest part is always kept)."""
    parts = list(getattr(shape, "geoms", [shape]))
    if not parts or shape.geom_type not in {"Polygon", "MultiPolygon"}:
        return shape
    largest = max(parts, key=lambda part: part.area)
    kept = [
        shapely.Polygon(
            part.exterior, [ring for ring in part.interiors if shapely.Polygon(ring).area >= SLIVER_AREA]
        )
        for part in parts
        if part is largest or part.area >= SLIVER_AREA
    ]
    return kept[0] if len(kept) == 1 else shapely.MultiPolygon(kept)
