"""The words of which parts run and of the planning and questionnaire cut-off sentences.

``key: (en, fr, nl)``, merged into the report catalogue (:mod:`evalkit.reporting.catalogue`)
with the same ``str.format`` fields in every language:

- ``skip.*``: why a part of the report does not run (the facts are
  :func:`evalkit.data.availability.available_parts`'; the front page's "Parts not run"
  and ``evalkit init`` print them);
- ``finding.post_due*``: which intakes were not yet due their second questionnaire
  (part 05, :func:`evalkit.reporting.findings.post_due_finding`);
- ``finding.plan_single*``: the planning part for one programme (part 07).
"""

from __future__ import annotations

__all__ = ["TEXTS"]

_FIX_ROWS = ("fix the rejected rows (evalkit validate lists them).",
             "corrigez les lignes rejetées (evalkit validate les liste).",
             "verbeter de geweigerde rijen (evalkit validate somt ze op).")

TEXTS = {
    "finding.ages": ("{low}–{high}", "{low}–{high} ans", "{low}–{high} jaar"),
    "finding.list_separator": ("; ", " ; ", "; "),
    "part.03_programme_comparison": (
        "Programme comparison", "Comparaison des programmes", "Vergelijking van de programma's"),
    "skip.participants": (
        "no valid participant rows (all {rejected} rejected); " + _FIX_ROWS[0],
        "aucune ligne de participant valide (les {rejected} sont rejetées) ; " + _FIX_ROWS[1],
        "geen geldige deelnemersrij (alle {rejected} geweigerd); " + _FIX_ROWS[2]),
    "skip.programmes": (
        "one programme ('{programme}') has valid rows: a comparison needs two.",
        "un seul programme ('{programme}') a des lignes valides : une comparaison en "
        "demande deux.",
        "één programma ('{programme}') heeft geldige rijen: een vergelijking vraagt er twee."),
    "skip.covariates": (
        "no intake covariate {covariates} in the participants file: the propensity model has "
        "nothing to adjust for; add them to the file (or map its names under model: columns: "
        "in the study file).",
        "aucune covariable d'entrée {covariates} dans le fichier des participants : le modèle "
        "du score de propension n'a rien à ajuster ; ajoutez-les au fichier (ou faites "
        "correspondre ses noms sous model: columns: dans le fichier d'étude).",
        "geen instroomkenmerk {covariates} in het deelnemersbestand: het propensity-"
        "scoremodel heeft niets om voor te corrigeren; voeg ze toe aan het bestand (of koppel "
        "de namen onder model: columns: in het studiebestand)."),
    "skip.predictors": (
        "no intake covariate {covariates} in the participants file and one programme "
        "('{programme}') has valid rows: nothing can predict success; add the intake "
        "characteristics to the file.",
        "aucune covariable d'entrée {covariates} dans le fichier des participants et un seul "
        "programme ('{programme}') a des lignes valides : rien ne peut prédire la réussite ; "
        "ajoutez les caractéristiques à l'entrée au fichier.",
        "geen instroomkenmerk {covariates} in het deelnemersbestand en één programma "
        "('{programme}') heeft geldige rijen: niets kan succes voorspellen; voeg de "
        "kenmerken bij instroom toe aan het bestand."),
    "skip.questionnaire": (
        "the study has no questionnaire file (questionnaire: null in the study file).",
        "l'étude n'a pas de fichier de questionnaire (questionnaire: null dans le fichier "
        "d'étude).",
        "de studie heeft geen vragenlijstbestand (questionnaire: null in het studiebestand)."),
    "skip.questionnaire_rows": (
        "no valid questionnaire rows (all {rejected} rejected); " + _FIX_ROWS[0],
        "aucune ligne de questionnaire valide (les {rejected} sont rejetées) ; "
        + _FIX_ROWS[1],
        "geen geldige vragenlijstrij (alle {rejected} geweigerd); " + _FIX_ROWS[2]),
    "skip.waves": (
        "no participant answered the questionnaire at both waves (pre and post): there is no "
        "change to measure.",
        "aucun participant n'a répondu au questionnaire aux deux temps (avant et après) : il "
        "n'y a pas de changement à mesurer.",
        "geen enkele deelnemer beantwoordde de vragenlijst op beide momenten (voor en na): er "
        "is geen verandering te meten."),
    "skip.costs": (
        "the study has no costs file (costs: null in the study file).",
        "l'étude n'a pas de fichier de coûts (costs: null dans le fichier d'étude).",
        "de studie heeft geen kostenbestand (costs: null in het studiebestand)."),
    "skip.costs_rows": (
        "no valid costs rows (all {rejected} rejected); " + _FIX_ROWS[0],
        "aucune ligne de coûts valide (les {rejected} sont rejetées) ; " + _FIX_ROWS[1],
        "geen geldige kostenrij (alle {rejected} geweigerd); " + _FIX_ROWS[2]),
    "finding.post_due": (
        "The second questionnaire is answered up to {delay} days after intake and the data "
        "were extracted on {extraction}, so it was due for intakes up to {cutoff}; "
        "{not_due} with a later intake were not yet due it and are left out of the "
        "attrition analysis.",
        "Le second questionnaire est rempli jusqu'à {delay} jours après l'entrée et les "
        "données ont été extraites le {extraction} : il était dû pour les entrées jusqu'au "
        "{cutoff} ; {not_due} entrés plus tard ne l'étaient pas encore et sont exclus de "
        "l'analyse de l'attrition.",
        "De tweede vragenlijst wordt tot {delay} dagen na de instroom ingevuld en de gegevens "
        "werden op {extraction} geëxtraheerd: ze moest dus ingevuld zijn voor wie tot en met "
        "{cutoff} instroomde; {not_due} met een latere instroom waren nog niet aan de beurt "
        "en vallen buiten de analyse van de uitval."),
    "finding.fewer_than": ("fewer than {threshold}", "moins de {threshold}",
                           "minder dan {threshold}"),
    "finding.post_due_all": (
        "The second questionnaire is answered up to {delay} days after intake and the data "
        "were extracted on {extraction}, so it was due for every intake up to {cutoff}: "
        "everyone is in the attrition analysis.",
        "Le second questionnaire est rempli jusqu'à {delay} jours après l'entrée et les "
        "données ont été extraites le {extraction} : il était dû pour toutes les entrées "
        "jusqu'au {cutoff}, tout le monde est dans l'analyse de l'attrition.",
        "De tweede vragenlijst wordt tot {delay} dagen na de instroom ingevuld en de gegevens "
        "werden op {extraction} geëxtraheerd: ze moest dus ingevuld zijn voor iedereen die tot "
        "en met {cutoff} instroomde; iedereen zit in de analyse van de uitval."),
    "plan.precision": (
        "share with a job to within ±{points} points ({level} CI)",
        "part en emploi à ±{points} points près (IC à {level})",
        "aandeel met werk tot op ±{points} punten ({level}-BI)"),
    "plan.comparison": (
        "a difference of {points} points from a future comparison group",
        "une différence de {points} points avec un futur groupe de comparaison",
        "een verschil van {points} punten met een toekomstige vergelijkingsgroep"),
    "plan.curve_comparison": (
        "Power to detect a difference in the share with a job from a future comparison "
        "group, by participants per group",
        "Puissance pour détecter une différence de la part en emploi avec un futur groupe de "
        "comparaison, selon le nombre de participants par groupe",
        "Power om een verschil in het aandeel met werk met een toekomstige vergelijkingsgroep "
        "te detecteren, per aantal deelnemers per groep"),
    "value.n_precision": ("participants", "participants", "deelnemers"),
    "value.precision": ("precision of a rate", "précision d'un taux",
                        "precisie van een percentage"),
    "value.wilson": ("Wilson score interval", "intervalle de score de Wilson",
                     "Wilson-scoreinterval"),
    "value.wald": ("Wald interval", "intervalle de Wald", "Wald-interval"),
    "axis.participants_group": (
        "participants per group (before the design effect)",
        "participants par groupe (avant l'effet de plan)",
        "deelnemers per groep (vóór het design-effect)"),
}

#: No column in the participants file, in each language (``{column}``).
_NO = ("the participants file has no {column} column",
       "le fichier des participants n'a pas de colonne {column}",
       "het deelnemersbestand heeft geen kolom {column}")
#: One programme with valid rows (``{programme}``).
_ONE = ("one programme ('{programme}') has valid rows",
        "un seul programme ('{programme}') a des lignes valides",
        "één programma ('{programme}') heeft geldige rijen")
#: Not in the participants file (``{columns}``).
_ABSENT = ("not in the participants file", "absentes du fichier des participants",
           "niet in het deelnemersbestand")
_ICER = ("cost per extra job (cost-effectiveness)",
         "coût par emploi supplémentaire (coût-efficacité)",
         "kost per extra baan (kosteneffectiviteit)")
_INDEPENDENT = ("(participants are taken as independent)",
                "(les participants sont considérés comme indépendants)",
                "(de deelnemers worden als onafhankelijk beschouwd)")


def _step(what: tuple[str, str, str], why: tuple[str, str, str],
          after: tuple[str, str, str] = ("", "", "")) -> tuple[str, str, str]:
    """``what: why after`` in each language."""
    return tuple(f"{w}{' :' if i == 1 else ':'} {y}{' ' + a if a else ''}"
                 for i, (w, y, a) in enumerate(zip(what, why, after, strict=True)))


#: The steps a runnable part leaves out, and why (``PartAvailability.skipped_in``).
STEPS = {
    "step.funnel_meeting": _step(("first meeting and duo formed", "premier rendez-vous et duo "
                                  "formé", "eerste gesprek en duo gevormd"), _NO),
    "step.funnel_completed": _step(("completed and per-completer rates", "parcours terminés et "
                                    "taux parmi ceux qui terminent", "afgeronde trajecten en "
                                    "percentages onder wie afrondt"), _NO),
    "step.site_breakdown": _step(("participants by site", "participants par antenne",
                                  "deelnemers per locatie"), _NO),
    "step.table_one_rows": _step(("Table 1 rows for {columns}", "lignes du tableau 1 pour "
                                  "{columns}", "rijen van tabel 1 voor {columns}"), _ABSENT),
    "step.smd_programmes": _step(("standardized differences between programmes",
                                  "différences standardisées entre programmes",
                                  "gestandaardiseerde verschillen tussen programma's"), _ONE),
    "step.tests_programmes": _step((
        "log-rank and Gray tests and hazard ratios between programmes",
        "tests du log-rank et de Gray et rapports de risques entre programmes",
        "logranktoetsen, toetsen van Gray en hazard ratio's tussen programma's"), _ONE),
    "step.site_strata": _step(("log-rank test stratified by site", "test du log-rank stratifié "
                               "par antenne", "logranktoets gestratificeerd per locatie"), _NO),
    "step.adjusted_models": _step((
        "adjusted Cox and Fine-Gray models", "modèles de Cox et de Fine-Gray ajustés",
        "gecorrigeerde Cox- en Fine-Graymodellen"), (
        "no intake covariate {covariates} in the participants file",
        "aucune covariable d'entrée {covariates} dans le fichier des participants",
        "geen instroomkenmerk {covariates} in het deelnemersbestand")),
    "step.mentor": _step(("clustering by mentor", "regroupement par mentor",
                          "clustering per mentor"), _NO, _INDEPENDENT),
    "step.adjustment": _step(("adjustment for {columns}", "ajustement pour {columns}",
                              "correctie voor {columns}"), _ABSENT),
    "step.mentor_age": _step(("mentors' age in the balance table", "âge des mentors dans le "
                              "tableau d'équilibre", "leeftijd van de mentoren in de "
                              "balanstabel"), _NO),
    "step.predictors": _step(("predictors {columns}", "prédicteurs {columns}",
                              "voorspellers {columns}"), _ABSENT),
    "step.programme_predictor": _step(("the programme as a predictor", "le programme comme "
                                       "prédicteur", "het programma als voorspeller"), _ONE),
    "step.cost_duo": _step(("cost per duo formed", "coût par duo formé",
                            "kost per gevormd duo"), _NO),
    "step.cost_completed": _step(("cost per completed duo", "coût par duo terminé",
                                  "kost per afgerond duo"), _NO),
    "step.icer_programmes": _step(_ICER, _ONE),
    "step.icer_covariates": _step(_ICER, (
        "the programme comparison cannot run (no intake covariate)",
        "la comparaison des programmes ne peut pas être faite (aucune covariable d'entrée)",
        "de vergelijking van de programma's kan niet worden uitgevoerd (geen "
        "instroomkenmerk)")),
    "step.plan_programmes": _step((
        "differences between programmes", "différences entre programmes",
        "verschillen tussen programma's"), _ONE, (
        "(the next evaluation of this programme is planned)",
        "(la prochaine évaluation de ce programme est planifiée)",
        "(de volgende evaluatie van dit programma wordt gepland)")),
    "step.plan_paired": _step((
        "the pre/post change of the questionnaire score", "le changement avant/après du score "
        "du questionnaire", "de voor/na-verandering van de score op de vragenlijst"), (
        "no questionnaire answered at both waves", "aucun questionnaire rempli aux deux temps",
        "geen vragenlijst op beide momenten ingevuld")),
    "step.plan_mentor": _step((
        "the design effect of clustering by mentor", "l'effet de plan du regroupement par "
        "mentor", "het design-effect van clustering per mentor"), _NO, _INDEPENDENT),
}
TEXTS.update(STEPS)
