"""Settings for the benchmark server only: the project's settings plus the bare baseline view.

Never used in production: the baseline view exists only in ``bench.urls``, which only this module
names as the URLconf.
"""

from kpo_advisor.settings import *  # noqa: F403
from kpo_advisor.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [BASE_DIR / "templates", BASE_DIR / "bench" / "templates"]

# The API phases make hundreds of calls a minute with one key: the limiter still counts each call (its upsert
# is part of the measured cost), but never refuses one here.
API_RATE_PER_MINUTE = 1_000_000
# The same for answer saves: each autosave still takes from its member's bucket, none is refused.
ANSWER_SAVES_PER_MINUTE = 1_000_000
# Each run makes five API keys in the organisation the bench database keeps from run to run: past the product's
# limit of active keys, a later run's keys were refused (400) and the request phase stopped.
API_KEYS_PER_ORGANISATION = 1_000_000
