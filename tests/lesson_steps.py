"""Every page's lesson steps, by page prefix: each topic's UI (``components.ui.<module>``) exports ``STEPS``."""

from importlib import import_module

from components.ui.pages import PAGES

STEPS = {p.i18n: import_module(f"components.ui.{p.module}").STEPS for p in PAGES if p.url_path}
