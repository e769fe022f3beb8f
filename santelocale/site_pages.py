"""The pages the State's design system requires in every footer: « Mentions légales » and the accessibility
declaration. Text only; the publisher comes from the settings (``PUBLISHER``), read at each request."""

from django.conf import settings
from django.views.generic import TemplateView


class SitePage(TemplateView):
    """A page of the site itself, given the installation's declared publisher."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"publisher": settings.PUBLISHER}
