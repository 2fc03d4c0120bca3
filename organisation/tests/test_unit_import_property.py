"""Any sheet contents: the import refuses with named rows and changes nothing, or writes
exactly the sheet; either way no crash, and the same sheet again changes nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fieldwork.sheets import SheetRefused
from organisation.services.unit_import import units_import
from surveys.models import Unit
from surveys.tests.factories import make_campaign, make_unit

from .sheets import unit_sheet

CODES = ["A", "B", "C", "D", "a", "LOADED", "E/1", "x" * 40, ""]
KINDS = ["Phòng Giao dịch", "KBNN khu vực", "phòng nghiệp vụ", "district", "Xã", "", None]
DATES = [
    None,
    "",
    "01/01/2025",
    "14/03/2025",
    "15/03/2025",
    "31/02/2025",
    "2025-06-30",
    datetime.datetime(2025, 3, 15),
    "hôm qua",
    45000,
]
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12
) | st.sampled_from(["Phòng Giao dịch số 1", "", "   ", "x" * 250])
chaotic_row = st.tuples(
    st.sampled_from(CODES),
    names,
    st.sampled_from(KINDS),
    st.sampled_from(CODES),
    st.sampled_from(DATES),
    st.sampled_from(DATES),
    st.sampled_from(CODES),
).map(list)


@st.composite
def plausible_rows(draw) -> list[list[object]]:
    """Rows that often import: distinct codes, known kinds, references among themselves
    (parents mostly earlier in the sheet, successors mostly only for units that end)."""
    codes = draw(st.lists(st.sampled_from(["A", "B", "C", "D", "E"]), min_size=1, unique=True))
    out = []
    for number, code in enumerate(codes):
        earlier = codes[:number] if draw(st.integers(0, 9)) else codes
        valid_to = draw(st.sampled_from([None, None, "14/03/2025", "31/12/2026"]))
        successors = [*codes, "LOADED"] if valid_to or not draw(st.integers(0, 9)) else []
        out.append(
            [
                code,
                draw(st.sampled_from(["Phòng Giao dịch số 1", "KBNN khu vực I", "Văn phòng"])),
                draw(st.sampled_from(KINDS[:4])),
                draw(st.sampled_from(["", "", "LOADED", *earlier])),
                draw(st.sampled_from([None, "01/01/2025", datetime.datetime(2025, 3, 15)])),
                valid_to,
                draw(st.sampled_from(["", "", *successors])),
            ]
        )
    return out


rows = (
    plausible_rows()
    | st.lists(chaotic_row, min_size=1, max_size=8)
    | st.tuples(plausible_rows(), chaotic_row).map(lambda t: [*t[0], t[1]])
)


def snapshot() -> list[tuple]:
    return list(
        Unit.objects.order_by("code").values_list(
            "code", "name", "kind", "parent_id", "successor_id", "valid_from", "valid_to"
        )
    )


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=rows)
def test_any_sheet_is_all_or_nothing(db, rows):
    with transaction.atomic():
        loaded = make_unit("LOADED", valid_from=datetime.date(2025, 1, 1))
        make_campaign(
            [loaded], opens_on=datetime.date(2026, 1, 1), closes_on=datetime.date(2026, 6, 30)
        )
        before = snapshot()
        data = unit_sheet(rows)
        try:
            result = units_import(data=data, filename="x.xlsx")
        except SheetRefused as refused:
            event("refused")
            assert refused.errors and all(str(error) for error in refused.errors)
            assert snapshot() == before
        else:
            event("imported")
            units = {u.code.casefold(): u for u in Unit.objects.select_related("parent")}
            for code, name, _kind, parent, valid_from, valid_to, _successor in rows:
                unit = units[str(code).casefold()]
                assert unit.name == " ".join(str(name).split())
                assert (unit.parent.code.casefold() if unit.parent else "") == parent.casefold()
                for value, stored in ((valid_from, unit.valid_from), (valid_to, unit.valid_to)):
                    assert (stored is None) == (value in (None, ""))
            after = snapshot()
            again = units_import(data=data, filename="x.xlsx")
            assert again.log is None and again.unchanged == len(rows)
            assert snapshot() == after
            assert len(result.created) + len(result.updated) + result.unchanged == len(rows)
        transaction.set_rollback(True)
