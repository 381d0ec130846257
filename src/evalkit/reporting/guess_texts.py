"""The rules of ``evalkit init``'s guesses in words: ``key: (en, fr, nl)``.

Each guess of :mod:`evalkit.data.guessing` and :mod:`evalkit.data.draft` is explained
by one of these rules, its fields filled in (``{n}`` participants of ``{total}``). The
study file ``evalkit init`` writes holds the rules in the study's language (its
``# guessed:`` comments and its ``guessed:`` list); the report's front page shows them
in the report's language: :func:`reword_guess` recognises a rule written in any of the
languages and writes it again in another (a rule a user wrote is shown as it is).
Merged into the report catalogue (:mod:`evalkit.reporting.catalogue`); the same
``str.format`` fields in every language.
"""

from __future__ import annotations

from evalkit._texts import Reworder
from evalkit._validation import check_one_of

__all__ = ["TEXTS", "guess_rule", "reword_guess"]

_LANGUAGES = ("en", "fr", "nl")

_RANGE = (
    "observed answers from {low} to {high}; widen it if the scale allows answers nobody gave",
    "réponses observées de {low} à {high} ; élargissez si l'échelle admet des réponses que "
    "personne n'a données",
    "waargenomen antwoorden van {low} tot {high}; verruim dit als de schaal antwoorden "
    "toelaat die niemand gaf",
)

TEXTS = {
    "guess.programme": (
        "no programme column: every row is in one programme, named after the file {file}; "
        "check the name (or run evalkit init --programme NAME)",
        "pas de colonne de programme : toutes les lignes sont dans un seul programme, nommé "
        "d'après le fichier {file} ; vérifiez le nom (ou lancez evalkit init --programme NOM)",
        "geen programmakolom: alle rijen horen bij één programma, genoemd naar het bestand "
        "{file}; controleer de naam (of voer evalkit init --programme NAAM uit)"),
    "guess.reference": (
        "the programme with the most participants ({n} of {total}) is the reference",
        "le programme qui compte le plus de participants ({n} sur {total}) est la référence",
        "het programma met de meeste deelnemers ({n} van {total}) is de referentie"),
    "guess.exit_groups": (
        "exit labels mapped to evalkit's exit types by the en/fr/nl aliases, each in its "
        "type's exit group; labels no alias maps are in group 'other'",
        "libellés de sortie associés aux types de sortie d'evalkit par les alias en/fr/nl, "
        "chacun dans le groupe de sortie de son type ; les libellés qu'aucun alias ne "
        "reconnaît sont dans le groupe 'other'",
        "uitstroomlabels gekoppeld aan de uitstroomtypes van evalkit via de en/fr/nl-aliassen, "
        "elk in de uitstroomgroep van zijn type; labels die geen alias herkent, zitten in "
        "groep 'other'"),
    "guess.job_exits": (
        "exit types of group 'job'", "types de sortie du groupe 'job'",
        "uitstroomtypes van groep 'job'"),
    "guess.positive_exits": (
        "exit types of groups {groups} (the Actiris-style composite)",
        "types de sortie des groupes {groups} (l'indicateur composite à la manière d'Actiris)",
        "uitstroomtypes van de groepen {groups} (de samengestelde maat zoals bij Actiris)"),
    "guess.items": (
        "columns named {stem} and a number, the largest such family of columns",
        "colonnes nommées {stem} suivi d'un numéro, la plus grande famille de colonnes de ce "
        "type",
        "kolommen met de naam {stem} en een nummer, de grootste zulke familie van kolommen"),
    "guess.range": _RANGE,
    "guess.range_apart": (
        _RANGE[0] + "; answers {outside} lie apart from that run of whole numbers and are "
        "taken as invalid (missing-value codes?): rejected at load",
        _RANGE[1] + " ; les réponses {outside} sont à l'écart de cette suite de nombres "
        "entiers et sont considérées comme non valides (codes de valeur manquante ?) : "
        "rejetées au chargement",
        _RANGE[2] + "; de antwoorden {outside} liggen buiten die reeks gehele getallen en "
        "gelden als ongeldig (codes voor ontbrekende waarden?): geweigerd bij het inlezen"),
    "guess.reversed": (
        "items correlating negatively with the rest score (the other items, keyed as the "
        "first principal component suggests)",
        "items corrélés négativement avec le score des autres items (orientés comme le "
        "suggère la première composante principale)",
        "items die negatief correleren met de restscore (de andere items, gecodeerd zoals de "
        "eerste hoofdcomponent aangeeft)"),
    "guess.reversed_none": (
        "none: too few answered questionnaires ({n}, at least {minimum} needed) or items to "
        "tell",
        "aucun : trop peu de questionnaires remplis ({n}, au moins {minimum} nécessaires) ou "
        "d'items pour en juger",
        "geen: te weinig ingevulde vragenlijsten ({n}, minstens {minimum} nodig) of items om "
        "het te bepalen"),
    "guess.min_items": (
        "80% of the items answered (the shipped scale's rule, 8 of 10)",
        "80 % des items répondus (la règle de l'échelle fournie, 8 sur 10)",
        "80% van de items beantwoord (de regel van de meegeleverde schaal, 8 van 10)"),
    "guess.period": (
        "the years of the intake dates", "les années des dates d'entrée",
        "de jaren van de instroomdata"),
    "guess.ranges": (
        "years widened to those of the costs file (the data dictionary's are {low} to {high})",
        "années élargies à celles du fichier de coûts (celles du dictionnaire de données vont "
        "de {low} à {high})",
        "jaren verruimd tot die van het kostenbestand (die van het gegevenswoordenboek lopen "
        "van {low} tot {high})"),
    "guess.language": (
        "the language of most column names and labels mapped ({n} by {aliases} aliases)",
        "la langue de la plupart des noms de colonnes et libellés reconnus ({n} par les "
        "alias {aliases})",
        "de taal van de meeste herkende kolomnamen en labels ({n} via {aliases}-aliassen)"),
}


def guess_rule(key: str, language: str = "en", **fields: object) -> str:
    """The rule ``key`` (``"guess.reference"``) in ``language``, its fields filled in.

    Raises
    ------
    ValueError
        If ``language`` is not en, fr or nl.

    Examples
    --------
    >>> guess_rule("guess.reference", "nl", n=70, total=100)
    'het programma met de meeste deelnemers (70 van 100) is de referentie'
    """
    check_one_of(language, _LANGUAGES, name="language")
    return TEXTS[key][_LANGUAGES.index(language)].format(**fields)


_REWORDER = Reworder(TEXTS)


def reword_guess(rule: str, language: str) -> str:
    """A guess's rule, written by evalkit init in any language, in ``language``.

    A rule that is none of :data:`TEXTS` (written or edited by a user) is returned as
    it is.

    Raises
    ------
    ValueError
        For a language other than en, fr and nl (as :func:`guess_rule`).

    Examples
    --------
    >>> reword_guess("the programme with the most participants (70 of 100) is the "
    ...              "reference", "fr")
    'le programme qui compte le plus de participants (70 sur 100) est la référence'
    >>> reword_guess("checked by hand", "nl")
    'checked by hand'
    """
    check_one_of(language, _LANGUAGES, name="language")
    return _REWORDER.reword(rule, _LANGUAGES.index(language))
