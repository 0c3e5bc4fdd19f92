"""Panels the other apps add to the clinic's own pages: the client page and the home page.

`clinic` imports neither `intake` nor `notes`. Each of them offers, on its AppConfig, a method that gathers what
its panel shows (`client_panels(request, client)`, `home_panels(request)`), as `seed_demo` offers its demo data.
The clinic's view calls `gather`, so every query and audit entry of a panel runs in the view, counted where it runs;
the page's template only renders each panel's template with its context (`{% render_panel %}`)."""

from dataclasses import dataclass, field

from django.apps import apps


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: dict = field(default_factory=dict)


def gather(hook: str, request, **objects) -> list[Panel]:
    """Every installed app's panels for one page, in the order of INSTALLED_APPS."""
    panels: list[Panel] = []
    for config in apps.get_app_configs():
        offer = getattr(config, hook, None)
        if offer is not None:
            panels += offer(request, **objects)
    return panels
