"""Describe who the programmes enrol: standardized mean differences, frequencies, Table 1.

The standardized mean difference (SMD) is the balance measure used throughout
evalkit: in the data overview (how different are the people the two programmes
enrol?), in the comparison family (balance before and after weighting or matching)
and in the attrition analysis of the questionnaire family.
"""

from evalkit.descriptives.smd import SMDResult, standardized_mean_difference
from evalkit.descriptives.tables import (
    FrequencyResult,
    TableOneResult,
    frequency_table,
    table_one,
)

__all__ = [
    "FrequencyResult",
    "SMDResult",
    "TableOneResult",
    "frequency_table",
    "standardized_mean_difference",
    "table_one",
]
