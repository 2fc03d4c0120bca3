"""Pick the profile from the environment: production unless a local profile is asked for.

`KBNN_PROFILE=local` (what `make run` sets) selects `local.py`: SQLite, tasks in-process, mail
to the console, DEBUG on, a development key. Anything else, including no variable at all,
selects `production.py`, which refuses to start without a real SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL: a server that forgets a variable does not boot insecure. Tests select
`kbnn_survey.settings.test` explicitly (pytest.ini); `DJANGO_SETTINGS_MODULE` may also name a
profile module directly.
"""

import environ

PROFILES = ("local", "production")
_profile = environ.Env()("KBNN_PROFILE", default="production")
if _profile not in PROFILES:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"KBNN_PROFILE must be one of {', '.join(PROFILES)} (got {_profile!r})."
    )

if _profile == "local":
    from .local import *  # noqa: F403
else:
    from .production import *  # noqa: F403
