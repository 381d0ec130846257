"""The guesses of evalkit init (evalkit.data.guessing), each with its rule."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.data.aliases import packaged_vocabulary
from evalkit.data.guessing import (
    OTHER_GROUP,
    RULE_REVERSED,
    count_labels,
    guess_exits,
    guess_items,
    guess_reference,
    guess_scale,
)

EXIT_LABELS = sorted({
    label for language in ("en", "fr", "nl")
    for labels in packaged_vocabulary(language)["labels"]["exit_type"].values()
    for label in labels
})


def test_the_reference_is_the_larger_programme_ties_alphabetical():
    assert guess_reference({"B": 10, "A": 10})[0] == "A"
    reference, rule = guess_reference({"Werkmaatje": 90, "JobCoach Plus": 60})
    assert reference == "Werkmaatje"
    assert rule == "the programme with the most participants (90 of 150) is the reference"


def test_one_programme_is_its_own_reference_without_a_guess():
    assert guess_reference({"Tremplin": 5}) == ("Tremplin", None)


def test_exits_without_a_censored_label_get_one_added():
    guess = guess_exits(["CDI", "abandon"])
    assert guess.censored_added
    assert guess.exit_groups == {"job_permanent": "job", "dropout": "dropout",
                                 "censored": "censored"}


def test_an_unknown_exit_label_is_its_own_type_in_group_other():
    guess = guess_exits(["vaste job", "verhuisd", "nog zoekend"])
    assert guess.unmapped == ("verhuisd",)
    assert guess.exit_groups["verhuisd"] == OTHER_GROUP
    assert "verhuisd" not in guess.positive_exits


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(EXIT_LABELS), unique=True, max_size=8))
def test_every_exit_label_is_mapped_or_kept_and_jobs_are_positive(labels):
    guess = guess_exits(labels)
    assert set(guess.mapped) | set(guess.unmapped) == set(labels)
    assert set(guess.job_exits) <= set(guess.positive_exits)
    assert "censored" in guess.exit_groups.values()


def test_items_are_the_largest_numbered_family_in_number_order():
    assert guess_items(["vraag_1", "vraag_2", "q1", "vraag_10", "vraag_3"]) == (
        ("vraag_1", "vraag_2", "vraag_3", "vraag_10"), "vraag")
    assert guess_items(["age", "remark_1"]) == ((), None)


def _answers(n, signs, seed=3):
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=n)
    return pd.DataFrame({
        f"q{i}": np.clip(np.round(2.5 + s * trait + rng.normal(scale=0.7, size=n)), 1, 4)
        for i, s in enumerate(signs, start=1)
    })


def test_half_the_items_reversed_are_found_keyed_against_the_first_item():
    signs = (1, -1, 1, 1, -1, -1, 1, -1, -1, 1)  # Rosenberg: 5 of 10 reversed
    guess = guess_scale(_answers(300, signs))
    assert guess.reversed == ("q2", "q5", "q6", "q8", "q9")
    assert (guess.response_min, guess.response_max, guess.min_items) == (1, 4, 8)
    assert guess.rules["reversed"] == RULE_REVERSED


def test_item_order_does_not_change_the_reversed_items():
    answers = _answers(200, (1, 1, -1, 1, -1, 1))
    shuffled = answers[["q5", "q1", "q4", "q3", "q6", "q2"]]
    assert set(guess_scale(answers).reversed) == set(guess_scale(shuffled).reversed)


def test_too_few_answers_guess_no_reversed_item_and_say_why():
    guess = guess_scale(_answers(5, (1, -1, 1)))
    assert guess.reversed == ()
    assert guess.rules["reversed"].startswith("none: too few answered questionnaires (5")


def test_answers_as_text_and_non_numbers_are_read_or_left_out():
    answers = pd.DataFrame({"q1": ["1", " 3 ", "x", None], "q2": ["2", "2.0", "2.5", "4"]})
    guess = guess_scale(answers)
    assert (guess.response_min, guess.response_max) == (1, 4)


def test_no_whole_number_answer_is_an_error_naming_the_items():
    with pytest.raises(ValueError, match=r"the items \['q1', 'q2'\] hold no whole-number"):
        guess_scale(pd.DataFrame({"q1": ["a"], "q2": [None]}))


def test_labels_are_counted_as_one_spelling_per_label():
    counts = count_labels(pd.Series(["Gent", "GENT", "gent ", "Brussel", "n/a", ""]))
    assert counts == {"Gent": 3, "Brussel": 1}  # the first spelling of the most frequent


def test_a_missing_code_apart_from_the_answers_is_left_out_of_the_range():
    answers = _answers(200, (1, -1, 1, 1))
    answers.iloc[:7, 0] = 9  # "no answer" coded 9
    guess = guess_scale(answers)
    assert (guess.response_min, guess.response_max) == (1, 4)
    assert guess.reversed == ("q2",)
    assert "answers [9] lie apart from that run" in guess.rules["response_max"]
