"""The rules of evalkit init's guesses in every language, and from one language to another."""

import pytest

from evalkit.reporting.catalogue import LANGUAGES, text
from evalkit.reporting.guess_texts import TEXTS, guess_rule, reword_guess

FIELDS = {"file": "'export_tremplin.xlsx'", "n": 70, "total": 100, "groups": "job, internship",
          "stem": "'q'", "low": 1, "high": 5, "outside": [9], "minimum": 10, "aliases": "fr"}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_a_rule_written_in_one_language_reads_in_every_other(key):
    for source in LANGUAGES:
        written = guess_rule(key, source, **FIELDS)
        assert text(key, source, **FIELDS) == written  # a key of the report catalogue
        for target in LANGUAGES:
            assert reword_guess(written, target) == guess_rule(key, target, **FIELDS)


def test_the_rules_in_french_and_dutch():
    english = "the programme with the most participants (90 of 150) is the reference"
    assert reword_guess(english, "fr") == (
        "le programme qui compte le plus de participants (90 sur 150) est la référence")
    assert reword_guess(english, "nl") == (
        "het programma met de meeste deelnemers (90 van 150) is de referentie")
    french = ("réponses observées de 1 à 4 ; élargissez si l'échelle admet des réponses que "
              "personne n'a données ; les réponses [9] sont à l'écart de cette suite de nombres "
              "entiers et sont considérées comme non valides (codes de valeur manquante ?) : "
              "rejetées au chargement")
    assert reword_guess(french, "nl") == (
        "waargenomen antwoorden van 1 tot 4; verruim dit als de schaal antwoorden toelaat die "
        "niemand gaf; de antwoorden [9] liggen buiten die reeks gehele getallen en gelden als "
        "ongeldig (codes voor ontbrekende waarden?): geweigerd bij het inlezen")


def test_a_rule_a_user_wrote_is_shown_as_it_is():
    assert reword_guess("checked with the coordinator", "fr") == "checked with the coordinator"
    with pytest.raises(ValueError, match="language"):
        reword_guess("the years of the intake dates", "de")
