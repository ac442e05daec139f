"""Settings for the benchmark server only: the project's settings plus the bare baseline view.

Never used in production: the baseline view exists only in ``bench.urls``, which only this module
names as the URLconf.
"""

from kpo_advisor.settings import *  # noqa: F403
from kpo_advisor.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [BASE_DIR / "templates", BASE_DIR / "bench" / "templates"]
