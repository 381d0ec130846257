"""Does self-confidence change? Questionnaire scales, reliability, pre/post change, attrition.

The scale is data (``params/scales/*.yaml``, read by :func:`load_scale`); scoring,
reliability and change functions take a :class:`Scale` or column names, and each
returns one frozen result with a tidy ``table``. Row-level data never appear in a
result's repr.

Modules
-------
- :mod:`~evalkit.questionnaire.scales`: :class:`Scale`, :func:`load_scale`,
  :func:`score_scale`, :func:`pre_post_scores` (pre and post scores side by side);
- :mod:`~evalkit.questionnaire.reliability`: :func:`cronbach_alpha` (Feldt interval),
  :func:`mcdonald_omega` (bootstrap interval), :func:`item_analysis`;
- :mod:`~evalkit.questionnaire.change`: :func:`paired_change` (t-test, d_z / d_av /
  g_av with noncentral-t intervals, Wilcoxon, reliable change) and :func:`ancova`;
- :mod:`~evalkit.questionnaire.attrition`: :func:`attrition_analysis` (complete cases,
  inverse-probability weighting, multiple imputation; by group);
- :mod:`~evalkit.questionnaire.due`: :func:`post_due` (the last intake due its second
  questionnaire at the extraction, from the data).

Each module's docstring says what it was validated against.
"""

from evalkit.questionnaire.attrition import AttritionResult, attrition_analysis
from evalkit.questionnaire.change import (
    AncovaResult,
    PairedChangeResult,
    ancova,
    paired_change,
)
from evalkit.questionnaire.due import PostDueResult, post_due
from evalkit.questionnaire.reliability import (
    AlphaResult,
    ItemAnalysisResult,
    OmegaResult,
    cronbach_alpha,
    item_analysis,
    mcdonald_omega,
)
from evalkit.questionnaire.scales import (
    PrePostResult,
    Scale,
    ScaleScoreResult,
    load_scale,
    pre_post_scores,
    score_scale,
)

__all__ = [
    "AlphaResult",
    "AncovaResult",
    "AttritionResult",
    "ItemAnalysisResult",
    "OmegaResult",
    "PairedChangeResult",
    "PostDueResult",
    "PrePostResult",
    "Scale",
    "ScaleScoreResult",
    "ancova",
    "attrition_analysis",
    "cronbach_alpha",
    "item_analysis",
    "load_scale",
    "mcdonald_omega",
    "paired_change",
    "post_due",
    "pre_post_scores",
    "score_scale",
]
