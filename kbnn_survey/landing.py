"""Where a staff member lands after logging in: the page of their work, not the customers' home.

A `next` address (a page that asked for the login) still wins: Django's LoginView follows it
before LOGIN_REDIRECT_URL, which points here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

# (permission, page), first match wins: the survey team also sees all results, so it is asked
# about first; leadership sees results; a unit manager follows up its unit's comments.
LANDINGS = (
    ("surveys.change_campaign", "admin:surveys_campaign_changelist"),
    ("surveys.view_all_results", "dashboard:index"),
    ("followups.manage_own_unit_followups", "followups:list"),
)


@login_required
def staff_landing(request):
    user = request.user
    if user.is_superuser:
        return redirect("admin:index")
    for permission, page in LANDINGS:
        if user.has_perm(permission):
            return redirect(page)
    return redirect("surveys:home")
