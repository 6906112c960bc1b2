"""The one disclosure rule, cell by cell."""

from findings.disclosure import Disclosure, share_text, wilson

RULE = Disclosure(threshold=5, base=5)


def test_counts_are_withheld_below_the_threshold_and_rounded_above():
    assert [RULE.published(k) for k in (0, 1, 4, 5, 7, 8, 12, 13, 37, 1234)] == [
        0, None, None, 5, 5, 10, 10, 15, 35, 1235,
    ]  # fmt: skip


def test_share_and_interval_come_from_published_figures_only():
    cell = RULE.cell(7, 35)  # 7 of (really) 37: published as 5 of 35
    assert cell == {
        "count": 5,
        "share": round(5 / 35, 4),
        "interval": list(wilson(5, 35)),
        "suppressed": False,
    }
    hidden = RULE.cell(3, 35)
    assert hidden == {"count": "<5", "share": None, "interval": None, "suppressed": True}
    assert share_text(hidden) == "不公开" and share_text(cell) == "14.3%"


def test_cells_that_add_up_to_a_total_protect_each_other():
    assert RULE.additive([17, 3]) == ["不公开", "<5"]
    assert RULE.additive([17, 3, 2]) == [15, "<5", "<5"]  # two withheld: neither is the total minus the rest
    assert RULE.additive([17, 0]) == [15, 0]
