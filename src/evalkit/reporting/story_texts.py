"""The words of the effect story (:mod:`evalkit.reporting.story`): ``key: (en, fr, nl)``.

Merged into the report catalogue (:mod:`evalkit.reporting.catalogue`); the same
``str.format`` fields in every language.
"""

from __future__ import annotations

__all__ = ["TEXTS"]

TEXTS = {
    "story.effect.hr_crude": (
        "Hazard ratio, unadjusted (Cox)", "Rapport de risques, non ajusté (Cox)",
        "Hazard ratio, niet gecorrigeerd (Cox)"),
    "story.effect.hr_adjusted": (
        "Hazard ratio, adjusted (Cox)", "Rapport de risques, ajusté (Cox)",
        "Hazard ratio, gecorrigeerd (Cox)"),
    "story.effect.naive": (
        "Risk difference, unadjusted", "Différence de risques, non ajustée",
        "Risicoverschil, niet gecorrigeerd"),
    "story.effect.ipw": (
        "Risk difference, weighted (IPW)", "Différence de risques, pondérée (IPW)",
        "Risicoverschil, gewogen (IPW)"),
    "story.effect.aipw": (
        "Risk difference, doubly robust (AIPW)",
        "Différence de risques, doublement robuste (AIPW)",
        "Risicoverschil, dubbel robuust (AIPW)"),
    "story.effect.matching": (
        "Risk difference, matched pairs", "Différence de risques, paires appariées",
        "Risicoverschil, gekoppelde paren"),
    "story.effect.curves": (
        "Difference in the share with a job, weighted curves",
        "Différence de la part en emploi, courbes pondérées",
        "Verschil in het aandeel met werk, gewogen curven"),
    "story.estimand.hr_crude": (
        "ratio of the rates of finding a job at each moment of follow-up, people as enrolled "
        "(crude)",
        "rapport des taux d'accès à l'emploi à chaque instant du suivi, personnes telles "
        "qu'inscrites (brut)",
        "verhouding van de kansen per tijdseenheid om werk te vinden, op elk moment van de "
        "opvolging, mensen zoals ingeschreven (ruw)"),
    "story.estimand.hr_adjusted": (
        "the same rate ratio among people with the same measured characteristics "
        "(conditional)",
        "le même rapport de taux parmi des personnes aux mêmes caractéristiques mesurées "
        "(conditionnel)",
        "dezelfde verhouding bij mensen met dezelfde gemeten kenmerken (conditioneel)"),
    "story.estimand.naive": (
        "difference in the share with a job within {horizon} months, people as enrolled and "
        "followed {horizon} months (crude)",
        "différence de la part en emploi dans les {horizon} mois, personnes telles "
        "qu'inscrites et suivies {horizon} mois (brut)",
        "verschil in het aandeel met werk binnen {horizon} maanden, mensen zoals ingeschreven "
        "en {horizon} maanden gevolgd (ruw)"),
    "story.estimand.ipw": (
        "difference in the share with a job within {horizon} months if everyone compared were "
        "in one programme rather than the other (marginal, ATE)",
        "différence de la part en emploi dans les {horizon} mois si toute la population "
        "comparée suivait un programme plutôt que l'autre (marginal, ATE)",
        "verschil in het aandeel met werk binnen {horizon} maanden als iedereen in de "
        "vergelijking het ene programma volgde in plaats van het andere (marginaal, ATE)"),
    "story.estimand.matching": (
        "the same difference for the matched {treated} participants only (marginal, ATT)",
        "la même différence pour les seuls participants appariés de {treated} (marginal, ATT)",
        "hetzelfde verschil, alleen voor de gekoppelde deelnemers van {treated} (marginaal, "
        "ATT)"),
    "story.estimand.curves": (
        "the same difference from the time to a job, recent intakes included with their "
        "follow-up censored (marginal, ATE)",
        "la même différence à partir du délai jusqu'à l'emploi, entrées récentes incluses "
        "avec leur suivi censuré (marginal, ATE)",
        "hetzelfde verschil uit de tijd tot werk, recente instroom meegeteld met "
        "gecensureerde opvolging (marginaal, ATE)"),
    "story.favours": ("favours {programme}", "en faveur de {programme}",
                      "in het voordeel van {programme}"),
    "story.unclear": ("cannot be told apart from no effect",
                      "indiscernable d'une absence d'effet",
                      "niet te onderscheiden van geen effect"),
    "story.hidden": ("not shown (too few people)", "non montré (trop peu de personnes)",
                     "niet getoond (te weinig personen)"),
    "story.agree": (
        "All {n} estimates point towards {programme}, and {k} of their intervals exclude "
        "no effect.",
        "Les {n} estimations vont toutes dans le sens de {programme}, et {k} de leurs "
        "intervalles excluent l'absence d'effet.",
        "Alle {n} schattingen wijzen in de richting van {programme}, en {k} van hun "
        "intervallen sluiten geen effect uit."),
    "story.disagree": (
        "The estimates do not all point the same way: {first} point towards {treated}, "
        "{second} towards {comparison}.",
        "Les estimations ne vont pas toutes dans le même sens : {first} dans le sens de "
        "{treated}, {second} dans celui de {comparison}.",
        "De schattingen wijzen niet allemaal dezelfde kant op: {first} in de richting van "
        "{treated}, {second} in die van {comparison}."),
    "story.scale": (
        "Hazard ratios ({ratios}) compare how fast people find a job, at every moment of the "
        "follow-up; risk differences ({differences}) compare the shares with a job within "
        "{horizon} months: a ratio of rates and a difference of shares are different numbers "
        "for the same effect.",
        "Les rapports de risques ({ratios}) comparent la vitesse d'accès à "
        "l'emploi à chaque instant du suivi ; les différences de risques ({differences}) "
        "comparent les parts en emploi dans les {horizon} mois : un rapport de taux et une "
        "différence de parts sont des nombres différents pour le même effet.",
        "Hazard ratio's ({ratios}) vergelijken hoe snel mensen werk vinden, op elk moment van "
        "de opvolging; risicoverschillen ({differences}) vergelijken de aandelen met werk "
        "binnen {horizon} maanden: een verhouding van snelheden en een verschil van aandelen "
        "zijn verschillende getallen voor hetzelfde effect."),
    "story.adjustment": (
        "Adjusting for the measured characteristics moved the hazard ratio from {crude_ratio} "
        "to {adjusted_ratio} and the risk difference from {crude_difference} to "
        "{adjusted_difference}: the programmes enrol different people, and the unadjusted "
        "numbers mix the programme with whom it enrols.",
        "L'ajustement sur les caractéristiques mesurées a fait passer le rapport de risques "
        "de {crude_ratio} à {adjusted_ratio} et la différence de risques de "
        "{crude_difference} à {adjusted_difference} : les programmes n'accueillent pas les "
        "mêmes personnes, et les chiffres non ajustés mêlent l'effet du programme et celui "
        "de son public.",
        "Correctie voor de gemeten kenmerken bracht de hazard ratio van {crude_ratio} naar "
        "{adjusted_ratio} en het risicoverschil van {crude_difference} naar "
        "{adjusted_difference}: de programma's bereiken andere mensen, en de niet "
        "gecorrigeerde cijfers vermengen het programma met wie het bereikt."),
    "story.conditional": (
        "The adjusted hazard ratio is conditional (people with the same characteristics) "
        "while the weighted differences are marginal (the population compared as a whole); "
        "hazard ratios do not average over people, so the two differ even without "
        "confounding.",
        "Le rapport de risques ajusté est conditionnel (personnes aux mêmes "
        "caractéristiques), les différences pondérées sont marginales (la population "
        "comparée dans son ensemble) ; un rapport de risques ne se moyenne pas "
        "sur les personnes, les deux diffèrent donc même sans confusion.",
        "De gecorrigeerde hazard ratio is conditioneel (mensen met dezelfde kenmerken), de "
        "gewogen verschillen zijn marginaal (de vergeleken populatie als geheel); hazard "
        "ratio's middelen niet uit over mensen, dus beide verschillen ook zonder "
        "confounding."),
    "story.population": (
        "The rows describe {population} after trimming.",
        "Les lignes décrivent {population} après troncature.",
        "De rijen beschrijven {population} na het trimmen."),
    "story.matched": (
        "The matched pairs describe only the matched {treated} participants (ATT).",
        "Les paires appariées ne décrivent que les participants appariés de {treated} (ATT).",
        "De gekoppelde paren beschrijven alleen de gekoppelde deelnemers van {treated} (ATT)."),
    "story.censored": (
        "The weighted curves also count recent intakes, whose follow-up is censored.",
        "Les courbes pondérées comptent aussi les entrées récentes, dont le suivi est censuré.",
        "De gewogen curven tellen ook de recente instroom mee, met gecensureerde opvolging."),
    "column.story_effect": ("Effect", "Effet", "Effect"),
    "column.story_estimand": ("What is estimated", "Ce qui est estimé", "Wat geschat wordt"),
    "column.story_reading": ("Reading", "Lecture", "Lezing"),
}
