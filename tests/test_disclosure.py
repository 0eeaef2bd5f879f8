"""Small-cell suppression: primary (small counts) and what would let them be recovered."""

from __future__ import annotations

import polars as pl

from publish.disclosure import SMALL, SUPPRESSED, DisclosureRules, Part, Partition, suppress

RULES = DisclosureRules(
    counts=("exits", "observable", "unemployed", "in_services"),
    parts=(Part("employed", "observable", ("rate",)),),
    derived={"activation_rate": ("unemployed", "in_services")},
)


def _frame(**columns) -> pl.DataFrame:
    return pl.DataFrame(columns)


def _listed(value: str | None) -> set[str]:
    return set(value.split(",")) if value else set()


def test_rows_suppressed_as_worked_out_by_hand():
    frame = _frame(
        # 0: nothing small.  1: 3 exits (small).  2: n = 4 hides the part and its rate.
        # 3: 18 of 20 employed -> the 2 others could be recovered: hide 18 and the rate.
        # 4: 2 employed of 20 (small part).  5: zero is not small.  6: 3 unemployed -> rate hidden.
        exits=[10, 3, 10, 25, 25, 0, 10],
        observable=[10, 10, 4, 20, 20, 0, 10],
        employed=[5, 5, 1, 18, 2, 0, 5],
        rate=[0.5, 0.5, 0.25, 0.9, 0.1, None, 0.5],
        unemployed=[20, 20, 20, 20, 20, 20, 3],
        in_services=[10, 10, 10, 10, 10, 10, 10],
        activation_rate=[33.3, 33.3, 33.3, 33.3, 33.3, 33.3, 76.9],
    )
    out = suppress(frame, RULES, threshold=5)
    hidden = [_listed(v) for v in out[SUPPRESSED]]
    small = [_listed(v) for v in out[SMALL]]
    assert hidden == [
        set(),
        {"exits"},
        {"observable", "employed", "rate"},
        {"employed", "rate"},
        {"employed", "rate"},
        set(),
        {"unemployed", "activation_rate"},
    ]
    assert small == [
        set(),
        {"exits"},
        {"observable", "employed"},
        set(),
        {"employed"},
        set(),
        {"unemployed"},
    ]
    # Suppressed cells carry no value at all, so no export can show them by mistake.
    assert out["employed"].to_list() == [5, 5, None, None, None, 0, 5]
    assert out["rate"][3] is None and out["activation_rate"][6] is None
    assert out["exits"].to_list() == [10, None, 10, 25, 25, 0, 10]


def test_threshold_is_a_setting():
    frame = _frame(
        exits=[3],
        observable=[9],
        employed=[5],
        rate=[5 / 9],
        unemployed=[9],
        in_services=[9],
        activation_rate=[50.0],
    )
    assert suppress(frame, RULES, threshold=3)[SUPPRESSED].to_list() == [None]
    assert _listed(suppress(frame, RULES, threshold=10)[SUPPRESSED][0]) == {
        "exits",
        "observable",
        "employed",
        "rate",
        "unemployed",
        "in_services",
        "activation_rate",
    }


def test_complementary_suppression_within_a_partition():
    # Group 1: the lone small 4 is hidden with the smallest other non-zero cell (8): the visible
    # 9 and 0 no longer give 4 back from the total. Group 2: nothing but a zero to hide with.
    # Group 3: a single row whose published total is hidden instead.
    rules = DisclosureRules(counts=("x",), partitions=(Partition(("g",), "x"),))
    frame = pl.DataFrame(
        {
            "g": [1, 1, 1, 1, 2, 2, 3],
            "x": [9, 4, 0, 8, 3, 0, 20],
            "h": [7, 7, 7, 7, 7, 7, 9],
            "y": [10, 10, 10, 10, 10, 10, 2],
            "total": [60] * 6 + [2],
        }
    )
    rules_y = DisclosureRules(counts=("y",), partitions=(Partition(("h",), "y", total="total"),))
    out = suppress(frame, rules, threshold=5)
    assert out["x"].to_list() == [9, None, 0, None, None, None, 20]
    assert [_listed(v) & {"x"} for v in out[SMALL]] == [
        set(),
        {"x"},
        set(),
        set(),
        {"x"},
        set(),
        set(),
    ]
    lone = suppress(frame, rules_y, threshold=5)
    assert lone["y"].to_list()[-1] is None and lone["total"].to_list()[-1] is None
    assert lone["total"].to_list()[:6] == [60] * 6
