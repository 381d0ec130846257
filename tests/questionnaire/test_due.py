"""The last intake due its second questionnaire, from the data (issue 16: no date of the
shipped data hard-coded in part 05)."""

from pathlib import Path

import pandas as pd
import pytest

from evalkit.data.study import Study
from evalkit.questionnaire import post_due
from evalkit.reporting.findings import post_due_finding

ROOT = Path(__file__).resolve().parents[2]


def _study(post_days=(183, 200), follow_up_end="2024-12-31"):
    intake = pd.to_datetime(["2024-01-01", "2024-03-01", "2024-08-01"])
    participants = pd.DataFrame({"participant_id": ["A", "B", "C"], "intake_date": intake,
                                 "follow_up_end": pd.Timestamp(follow_up_end)})
    questionnaire = pd.DataFrame({
        "participant_id": ["A", "B", "C", "A", "B"][:3 + len(post_days)],
        "wave": ["pre"] * 3 + ["post"] * len(post_days),
        "response_date": [*intake, *(intake[:len(post_days)]
                                     + pd.to_timedelta(list(post_days), unit="D"))],
    })
    return questionnaire, participants


def test_the_cutoff_is_the_extraction_less_the_longest_delay():
    questionnaire, participants = _study()
    due = post_due(questionnaire, participants)
    assert due.cutoff == pd.Timestamp("2024-12-31") - pd.Timedelta(days=200)
    assert due.table[["n_due", "n_not_due"]].iloc[0].tolist() == [2, 1]
    given = post_due(questionnaire, participants, extraction_date="2025-01-31",
                     post_delay_days=213)
    assert given.cutoff == pd.Timestamp("2024-07-02")
    protocol = post_due(questionnaire, participants, cutoff="2024-05-31")
    assert protocol.cutoff == pd.Timestamp("2024-05-31")
    assert protocol.table["post_delay_days"].iloc[0] == 214


def test_the_shipped_study_gives_the_date_part_05_used_to_hard_code():
    data = Study.from_yaml(ROOT / "params" / "example.yaml").load()
    due = post_due(data.questionnaire.data, data.participants.data)
    assert due.cutoff == pd.Timestamp("2024-11-29")  # 2025-06-30 - 213 days
    assert due.table["post_delay_days"].iloc[0] == 213


def test_without_a_second_questionnaire_the_delay_must_be_given():
    questionnaire, participants = _study(post_days=())
    with pytest.raises(ValueError, match=r"no 'post' questionnaire was answered, so the delay "
                                         r"from intake to it cannot be derived; pass "
                                         r"post_delay_days"):
        post_due(questionnaire, participants)
    with pytest.raises(ValueError, match=r"post_delay_days must be a positive number"):
        post_due(questionnaire, participants, post_delay_days=0)
    with pytest.raises(ValueError, match=r"participants has no column\(s\) \['follow_up_end'\]"):
        post_due(questionnaire, participants.drop(columns="follow_up_end"))


@pytest.mark.parametrize(("language", "words", "date"), [
    ("en", "fewer than 10 with a later intake", "2024-06-14"),
    ("fr", "moins de 10 entrés plus tard", "14 juin 2024"),
    ("nl", "minder dan 10 met een latere instroom", "14 juni 2024")])
def test_the_sentence_names_the_cutoff_and_hides_a_small_count(language, words, date):
    due = post_due(*_study())
    sentence = str(post_due_finding(due, language=language))
    assert words in sentence and date in sentence and "200" in sentence
    everyone = post_due(*_study(), extraction_date="2025-06-30")
    assert date not in str(post_due_finding(everyone, language=language))
    assert str(post_due_finding(due, threshold=1)).count(" 1 with a later intake") == 1
