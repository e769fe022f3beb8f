"""Meta-tests that keep the conventions of docs/architecture.md true as the code grows."""

import ast
import re
from functools import cache
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


# --- Layers and services (docs/architecture.md, « Layers ») --------------------------------------------

#: The layers of santelocale/, lowest first (docs/architecture.md, « Layers »): a package may import from
#: its own layer or lower ones only. ``operations`` orchestrates across apps (init, demo) and no app
#: imports it; the project's own modules (settings, urls, cli…) sit above them all.
LAYERS = [
    "utils",
    "territories",
    "accounts",
    "indicators",
    "contracts",
    "plans",
    "observatory",
    "api",
    "operations",
]
#: Shared API schemas that every layer's router may use (errors, references, places).
SHARED_EVERYWHERE = ("santelocale.api.schemas",)


@cache
def _our_modules() -> dict[str, tuple[ast.Module, bool]]:
    """Every module of santelocale/ by dotted name (``santelocale.contracts.views``): its parsed source and
    whether it is a package (``__init__.py``)."""
    modules = {}
    for path in sorted((ROOT / "santelocale").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        modules[name] = (ast.parse(path.read_text(), filename=str(path)), is_package)
    return modules


@cache
def _packages() -> set[str]:
    """The packages directly under santelocale/ (the apps, utils, operations)."""
    return {path.parent.name for path in (ROOT / "santelocale").glob("*/__init__.py")}


def _package(module: str) -> str | None:
    """The package of santelocale/ ``module`` belongs to (``contracts``); None for the project's own
    modules (``santelocale.settings``, ``santelocale.urls``…) and for what is not ours."""
    parts = module.split(".")
    if len(parts) > 1 and parts[0] == "santelocale" and parts[1] in _packages():
        return parts[1]
    return None


def _imports(module: str):
    """``(line, imported module, name, local name)`` for every import in ``module``, inside functions too.
    ``from a import b as c`` gives ``(a.b, None, "c")`` when ``a.b`` is a module of ours, else
    ``(a, "b", "c")``; ``import a.b`` gives ``(a.b, None, None)`` (it binds ``a``); relative imports are
    resolved."""
    tree, is_package = _our_modules()[module]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None, alias.asname
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                local = alias.asname or alias.name
                if f"{base}.{alias.name}" in _our_modules():
                    yield node.lineno, f"{base}.{alias.name}", None, local
                else:
                    yield node.lineno, base, alias.name, local


def test_the_layers_cover_every_package_of_the_project():
    # A new app must take its place in the order, or the layer test below would not see it.
    assert _packages() == set(LAYERS)


def test_no_import_goes_up_the_layers():
    upward = set()
    for module in _our_modules():
        own = _package(module)
        if own is None:
            continue  # settings, urls, cli…: the project itself, above every layer
        for line, target, _name, _local in _imports(module):
            other = _package(target)
            if other is None or target.startswith(SHARED_EVERYWHERE):
                continue
            if LAYERS.index(other) > LAYERS.index(own):
                upward.add(f"{module}:{line} ({own}) imports {target} ({other})")
    assert sorted(upward) == []


def _is_view_module(module: str) -> bool:
    return any(part == "views" or part.startswith("views_") for part in module.split(".")[2:])


def test_no_view_module_imports_another_apps_view_module():
    # A page composed of several apps' parts asks the lower app's hook (e.g. contracts.plan_hooks).
    offenders = [
        f"{module}:{line} imports {target}"
        for module in _our_modules()
        if _is_view_module(module)
        for line, target, _name, _local in _imports(module)
        if _is_view_module(target) and _package(target) not in {None, _package(module)}
    ]
    assert offenders == []


def test_every_public_function_of_a_services_module_has_a_docstring():
    # What it returns and what it refuses (../shared/conventions.md, « Docstrings »).
    missing = [
        f"{module}.{node.name}"
        for module, (tree, _is_package) in _our_modules().items()
        if module.endswith(".services") or ".services." in module
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
        and not ast.get_docstring(node)
    ]
    assert missing == []


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_name_is_imported_from_another_app():
    # A helper another app needs is made public where it lives (or moved down a layer), never borrowed.
    offenders = set()
    for module, (tree, _is_package) in _our_modules().items():
        own = _package(module)
        elsewhere = {}  # local name → another app's module (``from santelocale.contracts import api``)
        for line, target, name, local in _imports(module):
            if _package(target) in {None, own}:
                continue
            if name is not None and _private(name):
                offenders.add(f"{module}:{line} imports {name} from {target}")
            elif name is None and local is not None:
                elsewhere[local] = target
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in elsewhere
                and _private(node.attr)
            ):
                offenders.add(f"{module}:{node.lineno} uses {node.attr} of {elsewhere[node.value.id]}")
    assert sorted(offenders) == []


def test_today_is_the_local_date_of_the_platform_never_the_hosts():
    """``timezone.localdate()`` (Europe/Paris), not ``date.today()`` / ``datetime.now()``, which follow the
    host's clock: on a UTC server they give yesterday between midnight and 1–2 a.m."""
    naive = re.compile(r"\b(?:date\.today|datetime\.now|datetime\.today)\(\)")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "santelocale").rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if naive.search(line)
    ]
    assert offenders == []


# --- The design system: icons that exist, buttons that keep their text ----------------------------------

DSFR_DIST = Path(__import__("dsfr").__file__).parent / "static" / "dsfr" / "dist"
FRONT_END = [
    *(ROOT / "santelocale" / "templates").rglob("*.html"),
    *(ROOT / "santelocale" / "static").glob("[!v]*/*.js"),  # ours, not vendor/
]


def test_every_dsfr_icon_used_exists_in_the_vendored_design_system():
    # An icon class the DSFR does not define renders as a solid square (issue 11: history, file-copy).
    defined = set(
        re.findall(r"\.(fr-icon-[a-z0-9-]+)", (DSFR_DIST / "utility" / "utility.min.css").read_text())
    )
    defined |= set(re.findall(r"\.(fr-icon-[a-z0-9-]+)", (DSFR_DIST / "dsfr.min.css").read_text()))
    unknown = {
        f"{path.relative_to(ROOT)}: {icon}"
        for path in FRONT_END
        for icon in re.findall(r"fr-icon-[a-z0-9-]+(?<!-)", path.read_text())
        if icon not in defined
    }
    assert len(defined) > 500 and unknown == set()


def test_a_group_of_buttons_with_icons_keeps_their_text():
    # Inside `fr-btns-group`, the DSFR draws a button with an icon as the icon alone — the text is hidden —
    # unless the group says on which side the icons go (issue 11: « Créer un contrat » was a lone « + »).
    # The e2e test tests/e2e/test_product_e2e.py checks the drawn result on the main pages.
    wrong = []
    for path in (ROOT / "santelocale" / "templates").rglob("*.html"):
        text = path.read_text()
        for group in re.finditer(r'<ul class="(fr-btns-group[^"]*)"(.*?)</ul>', text, re.S):
            classes, body = group.group(1), group.group(2)
            if text[: group.start()].rstrip().endswith('<div class="fr-header__tools-links">'):
                continue  # the header's tool links: the DSFR puts their icons on the left itself
            if re.search(r'class="fr-btn[^"]*fr-icon-', body) and "--icon-" not in classes:
                wrong.append(f"{path.relative_to(ROOT)}: {classes}")
    assert wrong == []


def test_every_disclosure_is_drawn_as_a_dsfr_link():
    # A bare <summary> shows the browser's own triangle, foreign to the design system (issue 11:
    # « Saisir une valeur »); the project's disclosures draw their summary as a DSFR link with an icon.
    bare = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "santelocale" / "templates").rglob("*.html")
        if re.search(r"<summary(?![^>]*\bfr-link\b)[^>]*>", path.read_text())
    ]
    assert bare == []


def test_every_refusal_takes_the_focus_so_the_user_sees_it():
    # A refused form is re-rendered with its French alert; on a long page that alert was 2,500 px below
    # where the user looked (issue 11, point 3). Each error alert takes the focus (so the browser scrolls
    # to it and a screen reader reads it) — the first one on the page, as the browser does with autofocus.
    missing = [
        f"{path.relative_to(ROOT)}: {tag}"
        for path in (ROOT / "santelocale" / "templates").rglob("*.html")
        for tag in re.findall(r'<div class="fr-alert fr-alert--error[^>]*>', path.read_text())
        if 'tabindex="-1"' not in tag or "autofocus" not in tag
    ]
    assert missing == []
