"""Shared helpers with no models."""
