"""Private test settings: the project settings plus this app, until the lead wires it in."""

from motcua.settings import *  # noqa: F403
from motcua.settings import INSTALLED_APPS

if "motcua.procedures" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "motcua.procedures"]
