"""The words evalkit's figures draw (legends, axis labels, the at-risk row): ``key: (en, fr, nl)``.

Merged into the report catalogue (:mod:`evalkit.reporting.catalogue`); the same
``str.format`` fields in every language. A result's ``plot(..., language=)`` takes its
words from here through :func:`~evalkit.reporting.catalogue.text`, and coded values
(exits, methods, measures, and the characteristics' levels in :data:`LEVELS`) through
:func:`~evalkit.reporting.catalogue.value_label`.
"""

from __future__ import annotations

__all__ = ["LEVELS", "MESSAGES", "TEXTS"]

TEXTS = {
    "figure.at_risk": ("at risk", "à risque", "aantal at risk"),
    "figure.time": ("time", "temps", "tijd"),
    "figure.time_since_intake": ("time since intake", "temps depuis l'entrée",
                                 "tijd sinds de instroom"),
    "figure.comparison_group": ("comparison group", "groupe de comparaison",
                                "vergelijkingsgroep"),
    "figure.propensity_score": (
        "propensity score: P({treated} | covariates)",
        "score de propension : P({treated} | covariables)",
        "propensityscore: P({treated} | covariaten)"),
    "figure.per_score_bin": (
        "participants per 1/{bins} of score\n(comparison group below)",
        "participants par 1/{bins} du score\n(groupe de comparaison en bas)",
        "deelnemers per 1/{bins} van de score\n(vergelijkingsgroep onderaan)"),
    "figure.before_adjustment": ("before adjustment", "avant ajustement", "vóór correctie"),
    "figure.after_adjustment": ("after adjustment", "après ajustement", "na correctie"),
    "figure.effect_ci": ("{measure} ({level} CI)", "{measure} (IC à {level})",
                         "{measure} ({level}-BI)"),
    "figure.adjusted_cif": (
        "share who left for {cause} ({estimand}-weighted)",
        "part sortie vers : {cause} (pondération {estimand})",
        "aandeel uitgestroomd naar {cause} ({estimand}-gewogen)"),
    "figure.still_searching": ("still searching (S)", "toujours en recherche (S)",
                               "zoekt nog (S)"),
    "figure.failure": ("1 − S: {cause}", "1 − S : {cause}", "1 − S: {cause}"),
    "figure.cumulative_incidence": ("cumulative incidence", "incidence cumulée",
                                    "cumulatieve incidentie"),
    "figure.cause_group": ("{cause}: {group}", "{cause} : {group}", "{cause}: {group}"),
    "figure.smd_versus": (
        "|standardized mean difference| ({other} vs {reference})",
        "|différence moyenne standardisée| ({other} vs {reference})",
        "|gestandaardiseerd gemiddeld verschil| ({other} vs {reference})"),
    "figure.title_stacked": (
        "{group}: where the participants went since intake (share by first exit)",
        "{group} : vers où les participants sont sortis depuis l'entrée (part par première "
        "sortie)",
        "{group}: waar de deelnemers sinds de instroom naartoe uitstroomden (aandeel per "
        "eerste uitstroom)"),
    "figure.title_propensity": (
        "Propensity scores of {treated} and the comparison group: where they overlap",
        "Scores de propension de {treated} et du groupe de comparaison : où ils se recouvrent",
        "Propensityscores van {treated} en de vergelijkingsgroep: waar ze overlappen"),
    "figure.title_balance_weighted": (
        "Balance of each characteristic before and after weighting (|SMD| below 0.1: balanced)",
        "Équilibre de chaque caractéristique avant et après pondération (|DMS| sous 0,1 : "
        "équilibrée)",
        "Balans van elk kenmerk voor en na weging (|SMD| onder 0,1: in balans)"),
    "figure.title_balance_matched": (
        "Balance of each characteristic before and after matching (|SMD| below 0.1: balanced)",
        "Équilibre de chaque caractéristique avant et après appariement (|DMS| sous 0,1 : "
        "équilibrée)",
        "Balans van elk kenmerk voor en na koppeling (|SMD| onder 0,1: in balans)"),
    "figure.hazard_ratio": ("hazard ratio", "rapport de risques", "hazard ratio"),
    "figure.horizon": ("horizon", "horizon", "horizon"),
    "figure.cumulative_incidence_of": ("cumulative incidence: {cause}",
                                       "incidence cumulée : {cause}",
                                       "cumulatieve incidentie: {cause}"),
    "figure.cumulative_hazard_of": ("cumulative hazard: {cause}", "risque cumulé : {cause}",
                                    "cumulatieve hazard: {cause}"),
    "figure.still_searching_weighted": ("still searching ({estimand}-weighted)",
                                        "toujours en recherche (pondération {estimand})",
                                        "zoekt nog ({estimand}-gewogen)"),
    "figure.group_weighted": ("{group} (weighted)", "{group} (pondéré)", "{group} (gewogen)"),
    "figure.weight": ("{estimand} weight", "poids {estimand}", "{estimand}-gewicht"),
    "figure.per_weight_bin": ("participants per 1/{bins} of the range",
                              "participants par 1/{bins} de l'étendue",
                              "deelnemers per 1/{bins} van het bereik"),
    "figure.gamma": ("gamma: odds of hidden bias within a pair",
                     "gamma : cote d'un biais caché au sein d'une paire",
                     "gamma: odds van verborgen bias binnen een paar"),
    "figure.p_upper": ("upper bound of the p-value", "borne supérieure de la valeur p",
                       "bovengrens van de p-waarde"),
    "term.level": ("{variable}: {level}", "{variable} : {level}", "{variable}: {level}"),
    "figure.level_versus": ("{variable}: {level} vs {reference}",
                            "{variable} : {level} vs {reference}",
                            "{variable}: {level} vs {reference}"),
    "figure.per_unit": ("{variable} (per unit)", "{variable} (par unité)",
                        "{variable} (per eenheid)"),
    "figure.odds_ratio_ci": ("odds ratio ({level} CI, log scale)",
                             "rapport de cotes (IC à {level}, échelle log)",
                             "odds ratio ({level}-BI, logschaal)"),
    "figure.marginal_effect_ci": (
        "average marginal effect, percentage points ({level} CI)",
        "effet marginal moyen, points de pourcentage (IC à {level})",
        "gemiddeld marginaal effect, procentpunten ({level}-BI)"),
    "figure.predicted_probability": (
        "predicted probability (out of fold, tenths)",
        "probabilité prédite (hors échantillon, déciles)",
        "voorspelde kans (buiten de fold, tienden)"),
    "figure.observed_proportion": ("observed proportion", "proportion observée",
                                   "waargenomen aandeel"),
    "figure.importance": ("drop in held-out AUC when shuffled",
                          "baisse de l'AUC hors échantillon quand la variable est permutée",
                          "daling van de AUC buiten de steekproef bij permutatie"),
    "figure.average_prediction": ("average predicted probability",
                                  "probabilité prédite moyenne", "gemiddelde voorspelde kans"),
    "figure.item_total": ("corrected item-total correlation",
                          "corrélation item-total corrigée",
                          "gecorrigeerde item-totaalcorrelatie"),
    "figure.mean_change_ci": ("mean change (post − pre), {level} CI",
                              "changement moyen (après − avant), IC à {level}",
                              "gemiddelde verandering (na − voor), {level}-BI"),
    "figure.standardized_change_ci": (
        "standardized change (post − pre), {level} CI",
        "changement standardisé (après − avant), IC à {level}",
        "gestandaardiseerde verandering (na − voor), {level}-BI"),
    "figure.score_sum": ("{scale} score (sum)", "score de {scale} (somme)",
                         "score {scale} (som)"),
    "figure.score_mean": ("{scale} score (mean)", "score de {scale} (moyenne)",
                          "score {scale} (gemiddelde)"),
    "figure.per_range_bin": ("questionnaires per 1/{bins} of the range",
                             "questionnaires par 1/{bins} de l'étendue",
                             "vragenlijsten per 1/{bins} van het bereik"),
    "figure.interquartile_range": ("interquartile range", "écart interquartile",
                                   "interkwartielafstand"),
    "figure.median": ("median", "médiane", "mediaan"),
    "figure.mean_ci": ("mean, {level} CI", "moyenne, IC à {level}", "gemiddelde, {level}-BI"),
    "figure.both_questionnaires": ("{n} participants with both questionnaires",
                                   "{n} participants ayant rempli les deux questionnaires",
                                   "{n} deelnemers met beide vragenlijsten"),
    "figure.alt": ("Figure", "Figure", "Figuur"),
    "figure.alt_axes": ("Figure: {y} against {x}", "Figure : {y} en fonction de {x}",
                        "Figuur: {y} tegenover {x}"),
    "figure.alt_axis": ("Figure: {label}", "Figure : {label}", "Figuur: {label}"),
    "figure.power_alpha": ("power (two-sided alpha = {alpha})",
                           "puissance (alpha bilatéral = {alpha})",
                           "power (tweezijdige alfa = {alpha})"),
    "figure.half_width": ("half-width of the {level} CI (percentage points)",
                          "demi-largeur de l'IC à {level} (points de pourcentage)",
                          "halve breedte van het {level}-BI (procentpunten)"),
}

#: Coded levels of the characteristics (the shipped study's and the balance table's
#: kinds), shown in tables and figures through ``value_label``: ``code: (en, fr, nl)``.
LEVELS = {
    "male": ("male", "homme", "man"),
    "female": ("female", "femme", "vrouw"),
    "primary": ("primary", "primaire", "lager onderwijs"),
    "lower secondary": ("lower secondary", "secondaire inférieur", "lager secundair"),
    "upper secondary": ("upper secondary", "secondaire supérieur", "hoger secundair"),
    "tertiary": ("tertiary", "supérieur", "hoger onderwijs"),
    "EU": ("EU", "UE", "EU"),
    "non-EU": ("non-EU", "hors UE", "niet-EU"),
    "none": ("none", "aucune", "geen"),
    "True": ("True", "oui", "ja"),  # a boolean's level as a model names it
    "False": ("False", "non", "nee"),
    "binary": ("binary", "binaire", "binair"),
    "contin.": ("contin.", "continue", "continu"),
}

#: The x-axis label of a planning result's power curve (its ``size_label``), by the
#: English label: ``(fr, nl)``, merged into the catalogue's gettext-style messages.
MESSAGES = {
    "participants in group 1": ("participants du groupe 1", "deelnemers in groep 1"),
    "events": ("événements", "gebeurtenissen"),
    "people with both measurements": ("personnes ayant les deux mesures",
                                      "personen met beide metingen"),
}
