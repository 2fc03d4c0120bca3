"""No English string left where a Vietnamese user looks: the admin index, every admin list, add
and change page of our models (and django-celery-beat's), the campaign change page, and every
staff page as each role, rendered in Vietnamese; the visible text (tags, scripts and styles
stripped; title, placeholder, aria-label, alt and button values included) is scanned for the
English msgids of our catalogues and Django's (and django-celery-beat's) that Vietnamese
translates differently or not at all. The admin's script strings are checked in its JavaScript
catalogue the same way."""

from __future__ import annotations

import contextlib
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import django
import django_celery_beat
import pytest
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
DJANGO = Path(django.__file__).parent
OUR_APPS = {"surveys", "reports", "fieldwork", "followups", "dashboard", "organisation", "kiosk"}
ADMIN_APPS = OUR_APPS | {"django_celery_beat"}

# Codes, proper names and words that are the same in Vietnamese text (with why).
ALLOWED = {
    "Email",  # written so in Vietnamese administration
    "email",
    "e-mail",
    "English",  # the language switch names the language it switches to
    "Kiosk",  # the counter tablet's name in Vietnamese too
    "kiosk",
    "Excel",
    "Word",  # the written report's format
    "Celery",
    "Redis",
    "Django",
    "JSON",
    "UTC",
    "Sun",  # a chart's short words are not shown; kept out for the calendar's day names
    "Microsoft",
}

# English catalogues: our apps', the root's, Django's (core, admin, auth, contenttypes) and
# django-celery-beat's (it has no Vietnamese catalogue; the French one carries its msgids).
CATALOGUES = [
    *sorted(ROOT.glob("*/locale/vi/LC_MESSAGES/django.po")),
    ROOT / "locale/vi/LC_MESSAGES/django.po",
    DJANGO / "conf/locale/en/LC_MESSAGES/django.po",
    *(DJANGO / f"contrib/{app}/locale/en/LC_MESSAGES/django.po" for app in ("admin", "auth")),
    DJANGO / "contrib/contenttypes/locale/en/LC_MESSAGES/django.po",
    Path(django_celery_beat.__file__).parent / "locale/fr/LC_MESSAGES/django.po",
]
JS_CATALOGUE = DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdrf]|%[sdrf]|\{[^}]*\}|<[^>]+>|&[a-z]+;")
WORDY = re.compile(r"[A-Za-z]{3,}")


def _messages(path: Path):
    with path.open("rb") as f:
        for message in read_po(f):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            yield message.context, ids


def _translated(context, msgid: str) -> str:
    return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


def _fragments(msgid: str) -> list[str]:
    """The literal pieces of a msgid, placeholders and markup cut out, that a page could show."""
    pieces = [p.strip(" .,:;!?()“”\"'…-–\n") for p in PLACEHOLDER.split(msgid)]
    return [p for p in pieces if len(p) >= 3 and WORDY.search(p) and p not in ALLOWED]


@cache
def english_phrases() -> frozenset[str]:
    """Fragments of every msgid that Vietnamese renders differently, or does not translate."""
    phrases = set()
    with translation.override("vi"):
        for path in CATALOGUES:
            for context, ids in _messages(path):
                for msgid in ids:
                    if _translated(context, msgid) == msgid and msgid in ALLOWED:
                        continue
                    phrases.update(_fragments(msgid))
    return frozenset(phrases)


def _pattern(phrases) -> re.Pattern:
    variants = {p for phrase in phrases for p in (phrase, phrase[0].upper() + phrase[1:])}
    alternatives = "|".join(re.escape(p) for p in sorted(variants, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w])")


class VisibleText(HTMLParser):
    # Scripts are not text; a textarea holds data being edited (the English wording of a
    # question is data the survey team keeps, not a label of the portal).
    SKIP = {"script", "style", "template", "noscript", "textarea"}
    ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        values = dict(attrs)
        for name in self.ATTRIBUTES & values.keys():
            self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(" ".join(part.split()) for part in parser.parts if part.strip())


# Time-zone names in the schedule's drop-down ("America/New York") are proper names.
TIME_ZONE_NAME = re.compile(r"[A-Z][A-Za-z_-]+(/[A-Z][A-Za-z_ -]+)+")


# A line in no catalogue can still be English (a help text never marked for translation, a
# label built in code): three or more words, no Vietnamese letter, an English function word.
FUNCTION_WORDS = {"the", "and", "of", "is", "are", "for", "with", "this", "that", "not", "your"}
FUNCTION_WORDS |= {"you", "has", "have", "will", "from", "be", "was", "were", "been"}


def _english_sentence(line: str) -> bool:
    words = re.findall(r"[^\W\d_]+", line)
    return (
        len(words) >= 3
        and all(word.isascii() for word in words)
        and bool(FUNCTION_WORDS & {word.lower() for word in words})
    )


def english_left(html: str, data: set[str] = frozenset()) -> list[str]:
    found = []
    for line in visible_text(html).splitlines():
        if TIME_ZONE_NAME.fullmatch(line) or line in data:
            continue
        if _english_sentence(line):
            found.append(line)
        found += [m.group(0) for m in _pattern(english_phrases()).finditer(line)]
    return found


def test_the_scan_finds_english_and_passes_vietnamese():
    html = (
        '<p>Tìm kiếm</p><button title="Show counts">x</button>'
        "<script>var s = 'Delete';</script><p>Xem báo cáo</p>"
    )
    assert english_left(html) == ["Show counts"]
    assert "The file is ready for you" in english_left("<p>The file is ready for you</p>")
    assert english_left("<p>Đợt I năm 2026 · KBNN Hải Châu</p>") == []


# --- the pages


def _admin_pages() -> list[str]:
    pages = [reverse("admin:index")]
    for model in apps.get_models():
        if model._meta.app_label not in ADMIN_APPS:
            continue
        try:
            admin.site.get_model_admin(model)
        except NotRegistered:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        with contextlib.suppress(NoReverseMatch):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return pages


def _staff_pages() -> list[str]:
    from fieldwork.models import KeyingBatch
    from followups.models import FollowUp
    from reports.models import ReportRun
    from surveys.models import Campaign, Response

    campaign = Campaign.objects.get(slug="demo")
    pages = [
        reverse(name)
        for name in (
            "dashboard:index",
            "dashboard:quota",
            "followups:list",
            "followups:comments",
            "fieldwork:batches",
            "fieldwork:responses_upload",
            "fieldwork:invitations",
            "fieldwork:personal_data",
            "organisation:units_upload",
            "organisation:reorganise",
            "reports:list",
        )
    ]
    pages.append(reverse("surveys:campaign_posters", args=[campaign.slug]))
    for model, name in (
        (FollowUp, "followups:detail"),
        (KeyingBatch, "fieldwork:keying"),
        (KeyingBatch, "fieldwork:settle"),
        (ReportRun, "reports:detail"),
    ):
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(reverse(name, args=[first.pk]))
    paper = Response.objects.filter(channel="paper").order_by("pk").first()
    if paper is not None:
        pages.append(reverse("fieldwork:response_correction", args=[paper.pk]))
    return pages


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--responses", "20")


def english_data() -> set[str]:
    """The English wording of questions, aspects and groups: data the survey team keeps for
    the English survey, shown as such in the admin."""
    from surveys.models import Aspect, Question, Questionnaire, RespondentGroup

    values = set()
    for model in (Aspect, Question, Questionnaire, RespondentGroup):
        for field in model._meta.get_fields():
            if field.name.endswith("_en"):
                values.update(model.objects.values_list(field.name, flat=True))
    return {" ".join(value.split()) for value in values if value}


LABEL = re.compile(r"<label[^>]*>([^<]+)</label>")


def _scan(client: Client, pages: list[str]) -> dict[str, list[str]]:
    data = english_data()
    problems = {}
    for page in pages:
        response = client.get(page)
        if response.status_code != 200:
            continue  # this role may not open it; another role does
        html = response.content.decode()
        left = english_left(html, data)
        # A form label starts with a capital, like the ones Django derives from the model.
        left += [f"label: {t.strip()}" for t in LABEL.findall(html) if t.strip()[:1].islower()]
        if left:
            problems[page] = sorted(set(left))
    return problems


def test_no_english_on_admin_and_staff_pages_as_each_role(demo):
    from demo.seeding import DEMO_USERS

    admin_pages = _admin_pages()
    staff_pages = _staff_pages()
    problems = {}
    opened = set()
    for username, *_ in DEMO_USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        pages = staff_pages + (admin_pages if username == "admin" else [reverse("admin:index")])
        for page, left in _scan(client, pages).items():
            problems[f"{username} {page}"] = left
        opened.update(p for p in pages if client.get(p).status_code == 200)
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
    # The scan looked at the pages it claims to: every staff page opened for some role.
    assert set(staff_pages) <= opened, set(staff_pages) - opened
    assert len(admin_pages) > 20


def test_admin_script_strings_are_vietnamese(client, db):
    """The selection widget's help ("Choose … by selecting them…"), its counters and the
    calendar come from the admin's JavaScript catalogue."""
    client.force_login(User.objects.create_superuser("root", password="x"))
    catalogue = client.get(reverse("admin:jsi18n")).content.decode()
    untranslated = []
    with translation.override("vi"):
        for context, ids in _messages(JS_CATALOGUE):
            key = f"{context}\x04{ids[0]}" if context else ids[0]
            if json.dumps(key)[1:-1] not in catalogue:
                untranslated.append(ids[0])
    assert not untranslated, untranslated


def test_our_wording_wins_over_any_other_catalogue():
    """Each msgid of our catalogues reads, in the running portal, as its own catalogue says:
    no other app's and no Django's translation of the same English replaces it (the reports
    list's "Open" is "Xem", a follow-up's "History" is "Lịch sử xử lý")."""
    ours = [*sorted(ROOT.glob("*/locale/vi/LC_MESSAGES/django.po"))]
    ours.append(ROOT / "locale/vi/LC_MESSAGES/django.po")
    replaced = []
    with translation.override("vi"):
        for path in ours:
            with path.open("rb") as f:
                catalogue = read_po(f)
            for message in catalogue:
                if not message.id or not message.string or isinstance(message.id, tuple):
                    continue
                if _translated(message.context, message.id) != message.string:
                    replaced.append((str(path.relative_to(ROOT)), message.id))
        assert translation.pgettext("report run link", "Open") == "Xem"
        assert translation.pgettext("follow-up", "History") == "Lịch sử xử lý"
    assert not replaced, replaced
