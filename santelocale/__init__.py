"""Santé Locale: contrats locaux de santé (CLS) et conseils locaux de santé mentale (CLSM)."""
