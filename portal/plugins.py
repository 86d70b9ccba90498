"""How a feature app plugs into the portal (DESIGN.md, Layout): its ``AppConfig`` declares what it brings
to the whole, and the core iterates over the installed apps instead of naming them, so the core imports
no feature app and an app left out of ``INSTALLED_APPS`` simply disappears from the menus, the workbench,
the demo data and the schedules.

An app's ``AppConfig`` may declare, each one optional:

``seed_demo(*, rng, context, stdout)``
    Its demo data, through its actions (``manage.py seed_demo``; ``context`` is what the core's demo
    returned: regions, departments, enterprises, accounts). Called in ``INSTALLED_APPS`` order, each
    app in its own transaction.
``schedules()``
    Its periodic django-q2 tasks (``manage.py setup_schedules``): ``[{"name", "func",
    "schedule_type", "minutes"…}]``.
``nav_template``
    A template of ``<li>`` entries for the main navigation (``partials/nav.html``).
``workbench_template``
    A template of cards for the staff workbench (``portal/workbench.html``).
``enterprise_actions_template``
    What a clerk can start for one enterprise of the staff's enterprise list (``enterprise``).
``urls``
    ``(prefix, "<app>.urls")``: its pages, mounted under the prefix by the root URLconf.
``api_urls``
    ``"<app>.api.urls"``: its API routes, mounted under ``/api/v1/``.
"""

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from django.apps import AppConfig, apps
from django.urls import include, path


@runtime_checkable
class DemoProvider(Protocol):
    def seed_demo(self, *, rng, context: dict, stdout) -> None: ...


@runtime_checkable
class ScheduleProvider(Protocol):
    def schedules(self) -> list[dict]: ...


def demo_providers() -> Iterator[AppConfig]:
    """The apps that bring demo data, in ``INSTALLED_APPS`` order."""
    return (config for config in apps.get_app_configs() if isinstance(config, DemoProvider))


def schedule_providers() -> Iterator[AppConfig]:
    """The apps (the core included) that bring periodic tasks, in ``INSTALLED_APPS`` order."""
    return (config for config in apps.get_app_configs() if isinstance(config, ScheduleProvider))


def _declared(attribute: str) -> tuple:
    return tuple(value for config in apps.get_app_configs() if (value := getattr(config, attribute, None)) is not None)


def nav_templates() -> tuple[str, ...]:
    """The navigation entries the installed apps declare, in ``INSTALLED_APPS`` order."""
    return _declared("nav_template")


def workbench_templates() -> tuple[str, ...]:
    """The workbench panels the installed apps declare, in ``INSTALLED_APPS`` order."""
    return _declared("workbench_template")


def declared_templates(kind: str) -> tuple[str, ...]:
    """The templates of one kind ("nav", "workbench", "enterprise_actions") the installed apps declare."""
    return _declared(f"{kind}_template")


def page_urls() -> list:
    """The pages of the installed apps, each app's ``urls = (prefix, "<app>.urls")`` under its prefix."""
    return [path(prefix, include(module)) for prefix, module in _declared("urls")]


def api_urls() -> list:
    """The API routes of the installed apps (``api_urls = "<app>.api.urls"``), mounted under /api/v1/."""
    return [path("", include(module)) for module in _declared("api_urls")]
