"""Report-grade tables: labels, merged CIs, %, p-values, suppression marks (issue 16)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.reporting import PublicationSpec, publish
from evalkit.reporting.audit import audit
from evalkit.reporting.format import (
    format_count,
    format_interval,
    format_money,
    format_number,
    format_p_value,
    format_percent,
    format_points,
    format_table,
)


def _rates():
    return pd.DataFrame({
        "group": ["DUO for a JOB", "Team4Job"],
        "horizon": [12.0, 12.0],
        "estimate": [0.48123, 0.45311],
        "std_error": [0.0201, 0.0199],
        "ci_low": [0.44, 0.414],
        "ci_high": [0.52, 0.4923],
        "p_value": [0.00001, 0.0364],
        "n": [1360.0, 656.0],
    })


def test_ci_columns_merge_into_one_interval_of_the_estimate_kind():
    table = format_table(_rates(), kinds={"estimate": "proportion"}).table
    assert list(table.columns) == ["Group", "Months", "Estimate", "SE", "95% CI", "p", "People"]
    assert table["Estimate"].tolist() == ["48.1%", "45.3%"]
    assert table["95% CI"].tolist() == ["44.0–52.0%", "41.4–49.2%"]
    assert table["SE"].tolist() == ["2.0 pp", "2.0 pp"]
    ratios = format_table(_rates().assign(ci_low=[0.71, 1.2], ci_high=[0.93, 1.5]),
                          conf_level=0.9).table
    assert ratios["90% CI"].tolist() == ["0.71–0.93", "1.20–1.50"]


def test_p_values_percentages_and_thousands():
    table = format_table(_rates()).table
    assert table["p"].tolist() == ["<0.001", "0.036"]
    assert table["People"].tolist() == ["1,360", "656"]
    assert format_percent(51.333333) == "51.3%"
    assert format_number(1234567.891) == "1,234,567.89"
    assert format_number(-0.0001, 2) == "0.00"  # never "−0.00"
    assert format_p_value(0.9999) == "1.000"
    assert format_interval(-0.105, 0.011, "points") == "−10.5 to 1.1 pp"


def test_a_quantiles_level_prints_as_a_percentage():
    # Kaplan-Meier quantiles: "25.0%" of participants reached the event, not "0.250"
    quantiles = pd.DataFrame({"group": ["A", "A"], "quantile": [0.25, 0.5],
                              "estimate": [3.41, 8.08], "ci_low": [2.8, 7.2],
                              "ci_high": [4.0, 9.4]})
    table = format_table(quantiles, language="fr").table
    assert table["Quantile"].tolist() == ["25,0\u00a0%", "50,0\u00a0%"]
    assert table["Estimation"].tolist() == ["3,41", "8,08"]


def test_no_index_column_and_no_raw_floats():
    shown = format_table(_rates().set_index("group"))
    html = shown.to_html()
    assert "Group" in html and "dataframe" not in html
    assert "0.48123" not in html and "1360.0" not in html


def test_suppressed_counts_print_as_marks_with_a_footnote():
    t = pd.DataFrame({"site": ["A", "B", "C"], "n": [1240, 3, 25], "percent": [97.8, 0.2, 2.0]})
    spec = PublicationSpec(counts=("n",), derived=("percent",), margins=((),))
    shown = format_table(publish(t, spec=spec), caption="People by site", number=3)
    assert shown.caption == "Table 3. People by site"
    assert shown.table["People"].tolist() == ["1,240", "<10", "–"]
    assert shown.table["Share"].tolist() == ["97.8%", "–", "–"]
    assert shown.footnotes[0].startswith("<10: fewer than 10 people")
    assert shown.footnotes[1].startswith("–: hidden so that a suppressed count")
    assert "suppression" not in " ".join(shown.table.columns).lower()


def test_count_columns_are_marked_for_the_audit_whatever_their_label(tmp_path):
    t = pd.DataFrame({"group": ["a", "b"], "n_after": [40.0, 3.0]})
    shown = format_table(t, kinds={"n_after": "count"})
    assert shown.count_columns == ("Kept",)
    (tmp_path / "t.html").write_text(shown.to_html())
    assert audit(tmp_path).table["column"].tolist() == ["Kept"]


def test_a_cross_table_keeps_the_suppression_marks():
    t = pd.DataFrame({"programme": ["P", "P", "Q", "Q"], "site": ["x", "y", "x", "y"],
                      "n": [40, 3, 25, 30]})
    spec = PublicationSpec(counts=("n",), margins=(("programme",), ("site",)),
                           dimensions=("programme", "site"))
    shown = format_table(publish(t, spec=spec), across="site").table
    assert shown.columns.tolist() == ["Programme", "x", "y"]
    assert shown.values.tolist() == [["P", "–", "<10"], ["Q", "–", "–"]]


def test_coded_values_and_model_terms_are_labelled():
    t = pd.DataFrame({"term": ["C(gender)[T.male]", "age"], "event": ["job_permanent", "x"],
                      "estimate": [1.16, 0.97]})
    shown = format_table(t).table
    assert shown["Term"].tolist() == ["Gender: male", "Age"]
    assert shown["First exit"].tolist() == ["permanent job", "x"]


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError, match=r"kind of column 'estimate' must be one of"):
        format_table(_rates(), kinds={"estimate": "percentage"})


def test_count_marks():
    assert format_count(float("nan"), "primary", 5) == "<5"
    assert format_count(12.0) == "12"


@settings(max_examples=60, deadline=None)
@given(low=st.floats(-1, 1), width=st.floats(0, 1))
def test_intervals_print_their_bounds_in_order(low, width):
    high = low + width
    printed = format_interval(low, high, "proportion")
    sep = " to " if low < 0 else "–"
    a, b = printed.rstrip("%").split(sep)
    assert float(a.replace("−", "-")) <= float(b.replace("−", "-")) + 1e-9
    assert np.isclose(float(a.replace("−", "-")), round(low * 100, 1), atol=0.051)


def test_years_print_without_thousands_separator():
    t = pd.DataFrame({"cohort": [2019, 2020], "year": [2021.0, float("nan")], "n": [1500, 20]})
    shown = format_table(t).table
    assert shown["Intake year"].tolist() == ["2019", "2020"]
    assert shown["Year"].tolist() == ["2021", ""]
    assert shown["People"].tolist() == ["1,500", "20"]


def test_rows_of_mixed_units_print_with_their_own_decimals():
    spec = PublicationSpec(counts=("n",), derived=("estimate", "ci_low", "ci_high"),
                           decimals={"estimate": 3, "ci_low": 3, "ci_high": 3},
                           row_decimals=("quantity", {"icer": 0}))
    table = pd.DataFrame({"quantity": ["icer", "incremental_effect"],
                          "estimate": [727.946, 0.16849], "ci_low": [294.403, 0.071],
                          "ci_high": [1750.274, 0.277], "n": [385, 385]})
    shown = format_table(publish(table, spec=spec), columns=["estimate", "ci_low", "ci_high"])
    assert shown.table["Estimate"].tolist() == ["728", "0.168"]
    assert shown.table["95% CI"].tolist() == ["294–1,750", "0.071–0.277"]
    dutch = format_table(publish(table, spec=spec), columns=["estimate", "ci_low", "ci_high"],
                         language="nl")
    assert dutch.table["Schatting"].tolist() == ["728", "0,168"]  # was 0.168 in fr/nl


# ----------------------------------------------------------------- numbers in the language

NNBSP, NBSP = "\u202f", "\u00a0"
# What each language writes (CLDR v47, locales fr-BE and nl-BE; English as the report always
# wrote it), in the order: number, count, percent, points, money, p-values, intervals.
WRITTEN = {
    "en": ("0.168", "1,360", "50.7%", "+11.8 pp", "1,750 EUR", ("<0.001", "0.036"),
           ("44–52%", "−10.5 to −0.2 pp", "43–202 EUR", "0.71–0.93")),
    "fr": ("0,168", f"1{NNBSP}360", f"50,7{NBSP}%", f"+11,8{NBSP}pp", f"1{NNBSP}750{NBSP}€",
           ("<0,001", "0,036"),
           (f"44–52{NBSP}%", f"−10,5 à −0,2{NBSP}pp", f"43–202{NBSP}€", "0,71–0,93")),
    "nl": ("0,168", "1.360", "50,7%", f"+11,8{NBSP}pp", f"€{NBSP}1.750", ("<0,001", "0,036"),
           ("44–52%", f"−10,5 tot −0,2{NBSP}pp", f"€{NBSP}43–202", "0,71–0,93")),
}


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_each_kind_of_number_is_written_as_the_language_writes_it(language):
    number, count, percent, points, money, p_values, intervals = WRITTEN[language]
    assert format_number(0.168, 3, language) == number
    assert format_count(1360.0, language=language) == count
    assert format_count(3.0, "primary", language=language) == "<10"
    assert format_percent(0.5072, proportion=True, language=language) == percent
    assert format_points(0.118, signed=True, language=language) == points
    assert format_money(1750.0, language=language) == money
    assert (format_p_value(2e-7, language), format_p_value(0.0364, language)) == p_values
    assert (format_interval(0.44, 0.52, "proportion", 0, language),
            format_interval(-0.105, -0.002, "points", language=language),
            format_interval(43.1, 202.0, "money", language=language),
            format_interval(0.71, 0.93, language=language)) == intervals
    assert format_number(-1234.5, 1, language).startswith("\u2212")  # U+2212 in every language
    assert format_number(float("nan"), language=language) == "–"


def test_an_unknown_language_is_refused_with_the_languages_allowed():
    with pytest.raises(ValueError, match=r"language.*'en', 'fr', 'nl'.*'de'"):
        format_number(1.0, language="de")


@pytest.mark.parametrize("language, locale", [("en", "en"), ("fr", "fr_BE"), ("nl", "nl_BE")])
def test_the_conventions_agree_with_babels_cldr_data(language, locale):
    """Reference: Babel 2.18 (CLDR v47), format_decimal / format_percent / format_currency."""
    numbers = pytest.importorskip("babel.numbers")
    from babel import Locale

    def ours_with_hyphen(written):  # evalkit writes U+2212 where CLDR writes "-"
        return written.replace("\u2212", "-")

    for value, decimals, pattern in ((1360, 0, "#,##0"), (0.168, 3, "#,##0.000"),
                                     (-3.25, 2, "#,##0.00"), (1234567.891, 2, "#,##0.00")):
        assert ours_with_hyphen(format_number(value, decimals, language)) == (
            numbers.format_decimal(value, format=pattern, locale=locale))
    assert format_percent(0.507, proportion=True, language=language) == numbers.format_percent(
        0.507, decimal_quantization=False, locale=locale)
    assert format_percent(0.95, 0, proportion=True, language=language) == numbers.format_percent(
        0.95, locale=locale)
    if language != "en":  # English money keeps the report's "1,750 EUR" (CLDR: "€1,750")
        pattern = Locale.parse(locale).currency_formats["standard"].pattern
        for value in (1750, -40):
            assert ours_with_hyphen(format_money(value, language=language)) == (
                numbers.format_currency(value, "EUR", format=pattern.replace(".00", ""),
                                        currency_digits=False, locale=locale))


@settings(max_examples=60, deadline=None)
@given(st.floats(-1e9, 1e9, allow_nan=False), st.integers(0, 3))
def test_only_the_marks_change_between_languages(value, decimals):
    english = format_number(value, decimals).replace(",", "")
    assert format_number(value, decimals, "nl").replace(".", "").replace(",", ".") == english
    assert format_number(value, decimals, "fr").replace(NNBSP, "").replace(",", ".") == english


def test_a_french_and_a_dutch_table_end_to_end():
    fr = format_table(_rates(), kinds={"estimate": "proportion"}, number=2, language="fr")
    assert fr.table.to_dict("list") == {
        "Groupe": ["DUO for a JOB", "Team4Job"], "Mois": ["12", "12"],
        "Estimation": [f"48,1{NBSP}%", f"45,3{NBSP}%"], "ET": [f"2,0{NBSP}pp"] * 2,
        f"IC à 95{NBSP}%": [f"44,0–52,0{NBSP}%", f"41,4–49,2{NBSP}%"],
        "p": ["<0,001", "0,036"], "Personnes": [f"1{NNBSP}360", "656"]}
    nl = format_table(_rates().assign(n=[13600.0, 5.0], year=[2019, 2020]),
                      kinds={"estimate": "proportion"}, language="nl")
    assert nl.table.to_dict("list") == {
        "Groep": ["DUO for a JOB", "Team4Job"], "Maanden": ["12", "12"],
        "Schatting": ["48,1%", "45,3%"], "SE": [f"2,0{NBSP}pp"] * 2,
        "95%-BI": ["44,0–52,0%", "41,4–49,2%"], "p": ["<0,001", "0,036"],
        "Personen": ["13.600", "5"], "Jaar": ["2019", "2020"]}


def test_a_model_terms_level_is_labelled_in_the_language():
    t = pd.DataFrame({"term": ["C(gender)[T.male]", "single_parent[T.True]"],
                      "estimate": [1.16, 0.97]})
    assert format_table(t, language="nl").table.iloc[:, 0].tolist() == [
        "Gender: man", "Alleenstaande ouder: ja"]
    assert format_table(t, language="fr").table.iloc[:, 0].tolist() == [
        "Genre : homme", "Parent isolé : oui"]
    assert format_table(t).table["Term"].tolist() == ["Gender: male", "Single parent: True"]
