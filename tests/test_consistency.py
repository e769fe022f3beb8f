"""Meta-tests that keep the conventions of docs/architecture.md true as the code grows."""

import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]
OUR_APPS = [config for config in apps.get_app_configs() if config.name.startswith("santelocale.")]


def _our_models():
    for config in OUR_APPS:
        for model in config.get_models():
            if not model.__name__.startswith("Historical"):
                yield model


def test_every_model_has_a_docstring_defining_the_domain_concept():
    missing = [
        m.__name__
        for m in _our_models()
        if not (m.__doc__ or "").strip() or m.__doc__.startswith(m.__name__ + "(")
    ]
    assert missing == []


def test_verbose_names_are_lowercase_french():
    bad = [
        f"{m.__name__}.{f.name}"
        for m in _our_models()
        for f in m._meta.get_fields()
        if hasattr(f, "verbose_name")
        and isinstance(f.verbose_name, str)
        and f.verbose_name[:1].isupper()
        and not f.verbose_name[:4].isupper()  # acronyms: SIREN, EPCI, QPV
    ]
    assert bad == []


def test_every_template_is_used_somewhere():
    templates = ROOT / "santelocale" / "templates"
    sources = "\n".join(
        p.read_text() for p in (ROOT / "santelocale").rglob("*") if p.suffix in {".py", ".html"}
    )
    unused = []
    for path in templates.rglob("*.html"):
        name = str(path.relative_to(templates))
        if name in {"404.html", "403.html", "500.html", "base.html"}:
            continue  # used by Django itself or by `extends`
        if not re.search(re.escape(name), sources.replace(str(path.read_text()), "")):
            unused.append(name)
    assert unused == []


def test_no_cdn_or_remote_asset_in_templates():
    remote = re.compile(r"""(src|href)=["']https?://(?!www\.etalab|[^"']*legifrance)[^"']*\.(js|css)""")
    offenders = [
        str(p) for p in (ROOT / "santelocale" / "templates").rglob("*.html") if remote.search(p.read_text())
    ]
    assert offenders == []
