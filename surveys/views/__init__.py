from .posters import campaign_posters, unit_poster
from .public import home, unit_picker
from .survey import invitation_survey, unit_survey
from .thanks import thanks

__all__ = [
    "campaign_posters",
    "home",
    "invitation_survey",
    "thanks",
    "unit_picker",
    "unit_poster",
    "unit_survey",
]
