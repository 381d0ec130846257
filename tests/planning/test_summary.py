"""Several planning questions in one table."""

import matplotlib.pyplot as plt
import pytest

from evalkit.planning import (
    compare_plans,
    events_needed,
    sample_size_paired,
    sample_size_proportions,
)


def test_summary_totals_participants_across_designs():
    rate = sample_size_proportions(0.5, 0.4, ratio=2)
    hr = events_needed(1.3, event_probability=0.5)
    paired = sample_size_paired(0.4)
    s = compare_plans({"rate": rate, "hazard": hr, "change": paired})
    totals = s.table.set_index("question")["n_total"]
    assert totals["rate"] == rate.table["required"].iloc[0] + rate.table["n2_required"].iloc[0]
    assert totals["hazard"] == hr.table["n_total"].iloc[0]
    assert totals["change"] == paired.table["required"].iloc[0]
    ax = s.plot()
    assert len(ax.patches) == 3
    plt.close(ax.figure)


def test_summary_refuses_other_objects():
    with pytest.raises(TypeError, match="plans must map questions to PlanResult"):
        compare_plans({"x": 3})
