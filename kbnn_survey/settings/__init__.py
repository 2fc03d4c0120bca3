"""Pick the profile from the environment alone: DEBUG=0 means production.

Tests select `kbnn_survey.settings.test` explicitly (pytest.ini).
"""

import environ

if environ.Env().bool("DEBUG", default=True):
    from .local import *  # noqa: F403
else:
    from .production import *  # noqa: F403
