from __future__ import annotations

from followups import services


def open_followup(campaign, unit, team, comments, deadline, title="Chờ lâu"):
    """The survey team opens a follow-up on `comments` for `unit`."""
    return services.followup_open(
        campaign=campaign,
        unit=unit,
        title=title,
        response_ids=[c.pk for c in comments],
        deadline=deadline,
        user=team,
    )
