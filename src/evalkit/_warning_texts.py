"""Every caveat evalkit warns about, in words: ``key: (en, fr, nl)``.

The library warns with the English text (:func:`warning_text`); a report's data notes
(:meth:`evalkit.reporting.ReportPart.notes`) recognise it and show it in the report's
language (:func:`evalkit._texts.Reworder`). Fields are formatted before they fill a
template (a list of columns as ``['age', 'sex']``, a name as ``'q1'``) and never hold a
value of an identifier or free-text column. Merged into the report catalogue
(:mod:`evalkit.reporting.catalogue`); the same fields in every language.
"""

from __future__ import annotations

from evalkit._rejection_texts import REJECTIONS

__all__ = ["NOTES", "WARNINGS", "warning_text"]


def _each(*pieces: tuple[str, str, str]) -> tuple[str, str, str]:
    """The pieces joined, language by language."""
    return tuple("".join(p[i] for p in pieces) for i in range(3))  # type: ignore[return-value]


_COX_SINGLE = ("covariate(s) {single} take a single value",
               "la ou les covariables {single} ne prennent qu'une seule valeur",
               "covariaat/covariaten {single} hebben één enkele waarde")
_COX_CONSTANT = ("design column(s) {constant} are constant",
                 "la ou les colonnes de la matrice du modèle {constant} sont constantes",
                 "designkolom(men) {constant} zijn constant")
_COX_LEFT_OUT = (
    " in the data, so the model cannot estimate their effect and leaves them out (e.g. a "
    "programme that is the only one in the data); drop them from the formula, or check the "
    "rows selected.",
    " dans les données, donc le modèle ne peut pas estimer leur effet et les laisse de côté "
    "(p. ex. un programme qui est le seul dans les données) ; retirez-les de la formule, ou "
    "vérifiez les lignes sélectionnées.",
    " in de gegevens, dus het model kan hun effect niet schatten en laat ze weg (bv. een "
    "programma dat als enige in de gegevens zit); haal ze uit de formule, of controleer de "
    "geselecteerde rijen.")
_INFINITE = (
    ": they may be infinite (monotone likelihood, e.g. no events, or only events, in one "
    "level or beyond some value of the covariate), so their hazard ratio, standard error, "
    "CI and p-value are reported as NaN. Merge the level with another, or drop the term.",
    " : ils sont peut-être infinis (vraisemblance monotone, p. ex. aucun événement, ou "
    "seulement des événements, dans une modalité ou au-delà d'une valeur de la covariable), "
    "donc leur rapport de risques, leur erreur type, leur IC et leur valeur p sont rapportés "
    "comme NaN. Fusionnez la modalité avec une autre, ou retirez le terme.",
    ": ze zijn mogelijk oneindig (monotone likelihood, bv. geen gebeurtenissen, of alleen "
    "gebeurtenissen, in één niveau of boven een waarde van de covariaat), dus hun hazard "
    "ratio, standaardfout, BI en p-waarde worden als NaN gerapporteerd. Voeg het niveau "
    "samen met een ander, of laat de term weg.")
_NO_EVENTS = (
    "), so the risk ratio is 0 or infinite: it and its CI are reported as NaN. The risk "
    "difference is still estimated; for a ratio, use a longer horizon or a more common "
    "outcome.",
    "), donc le rapport de risques vaut 0 ou l'infini : lui et son IC sont rapportés comme "
    "NaN. La différence de risques est tout de même estimée ; pour un rapport, utilisez un "
    "horizon plus long ou un résultat plus fréquent.",
    "), dus de risicoratio is 0 of oneindig: die en het BI worden als NaN gerapporteerd. Het "
    "risicoverschil wordt nog wel geschat; gebruik voor een ratio een langere horizon of een "
    "vaker voorkomende uitkomst.")
_SMD = (
    ", e.g. a constant column or a level nobody or everybody has), so their standardized "
    "mean difference is undefined and reported as NaN; compare their means directly, or drop "
    "them.",
    ", p. ex. une colonne constante ou une modalité que personne ou tout le monde a), leur "
    "différence de moyennes standardisée n'est donc pas définie et est rapportée comme NaN ; "
    "comparez directement leurs moyennes, ou retirez-les.",
    ", bv. een constante kolom of een niveau dat niemand of iedereen heeft), dus hun "
    "gestandaardiseerd gemiddeld verschil is niet gedefinieerd en wordt als NaN "
    "gerapporteerd; vergelijk hun gemiddelden rechtstreeks, of laat ze weg.")
_ENROL = (
    "Restrict the data to people both programmes could enrol, or ",
    "Limitez les données aux personnes que les deux programmes pouvaient accueillir, ou ",
    "Beperk de gegevens tot personen die beide programma's konden opnemen, of ")

#: What :func:`evalkit.economics.cost_effectiveness` finds, by status (its ``note``).
ICER_STATUSES = {
    "icer": ("costs more and finds more jobs: the ICER is the cost per extra job",
             "coûte plus et trouve plus d'emplois : l'ICER est le coût par emploi "
             "supplémentaire",
             "kost meer en vindt meer banen: de ICER is de kost per extra baan"),
    "dominant": ("costs no more and finds more jobs (dominant): no ratio is needed",
                 "ne coûte pas plus et trouve plus d'emplois (dominant) : aucun ratio n'est "
                 "nécessaire",
                 "kost niet meer en vindt meer banen (dominant): er is geen ratio nodig"),
    "dominated": ("costs no less and finds fewer jobs (dominated): no ratio is meaningful",
                  "ne coûte pas moins et trouve moins d'emplois (dominé) : aucun ratio n'a "
                  "de sens",
                  "kost niet minder en vindt minder banen (gedomineerd): geen ratio is "
                  "zinvol"),
    "cheaper_fewer_jobs": ("costs less and finds fewer jobs: the ratio is a saving per job "
                           "lost, not a cost per extra job",
                           "coûte moins et trouve moins d'emplois : le ratio est une économie "
                           "par emploi perdu, pas un coût par emploi supplémentaire",
                           "kost minder en vindt minder banen: de ratio is een besparing per "
                           "verloren baan, geen kost per extra baan"),
    "undefined": ("finds exactly as many jobs: the ICER is undefined",
                  "trouve exactement autant d'emplois : l'ICER n'est pas défini",
                  "vindt precies evenveel banen: de ICER is niet gedefinieerd"),
}
_ICER_HEAD = ("{treated} vs {comparison}: ", "{treated} par rapport à {comparison} : ",
              "{treated} vergeleken met {comparison}: ")
_DOT = (".", ".", ".")
_NO_INTERVAL = (" No interval (n_boot=0).", " Pas d'intervalle (n_boot=0).",
                " Geen interval (n_boot=0).")
_UNBOUNDED = (
    " The effect's confidence interval includes 0 (or nearly so): the ICER's interval is "
    "unbounded and is not reported; read the acceptability curve.",
    " L'intervalle de confiance de l'effet contient 0 (ou presque) : l'intervalle de l'ICER "
    "n'est pas borné et n'est pas rapporté ; lisez la courbe d'acceptabilité.",
    " Het betrouwbaarheidsinterval van het effect bevat 0 (of bijna): het interval van de "
    "ICER is onbegrensd en wordt niet gerapporteerd; lees de aanvaardbaarheidscurve.")

_ICER = {
    **{f"warning.icer.{s}": _each(_ICER_HEAD, t, _DOT) for s, t in ICER_STATUSES.items()},
    **{f"warning.icer.{s}_no_interval": _each(_ICER_HEAD, t, _DOT, _NO_INTERVAL)
       for s, t in ICER_STATUSES.items()},
    "warning.icer.icer_unbounded": _each(_ICER_HEAD, ICER_STATUSES["icer"], _DOT, _UNBOUNDED),
}

WARNINGS = {
    "warning.disclosure.threshold": (
        "Counts of fewer than {threshold} people are suppressed; evalkit's default is "
        "{default}, so groups of {threshold} to {largest} people are shown: make sure the "
        "data owner allows this.",
        "Les effectifs de moins de {threshold} personnes sont masqués ; le seuil par défaut "
        "d'evalkit est {default}, donc les groupes de {threshold} à {largest} personnes sont "
        "affichés : assurez-vous que le responsable des données l'autorise.",
        "Aantallen van minder dan {threshold} personen worden verborgen; de standaard van "
        "evalkit is {default}, dus groepen van {threshold} tot {largest} personen worden "
        "getoond: ga na of de eigenaar van de gegevens dit toestaat."),
    "warning.header.identifiers": (
        "{file}: dropped direct-identifier column(s) {columns} ({reasons}); they are never "
        "used by evalkit. Remove them from exports to avoid handling them.",
        "{file} : colonne(s) d'identifiants directs {columns} supprimée(s) ({reasons}) ; "
        "evalkit ne les utilise jamais. Retirez-les des exports pour ne pas avoir à les "
        "manipuler.",
        "{file}: kolom(men) met directe identificatoren {columns} verwijderd ({reasons}); "
        "evalkit gebruikt ze nooit. Haal ze uit de exports om ze niet te hoeven verwerken."),
    "warning.header.extra": (
        "{file}: column(s) {columns} are not in the {table} data dictionary and were "
        "dropped.",
        "{file} : colonne(s) {columns} absente(s) du dictionnaire de données {table}, donc "
        "supprimée(s).",
        "{file}: kolom(men) {columns} staan niet in het gegevenswoordenboek {table} en werden "
        "verwijderd."),
    "warning.scale.mostly_missing": (
        "item(s) {items} of scale {scale} are missing in {shares} of the {n} rows: their "
        "scores rest mostly on the other items. Check the column mapping, and report how "
        "many answered each item.",
        "les items {items} de l'échelle {scale} manquent dans {shares} des {n} lignes : "
        "leurs scores reposent surtout sur les autres items. Vérifiez la correspondance des "
        "colonnes, et indiquez combien de personnes ont répondu à chaque item.",
        "item(s) {items} van schaal {scale} ontbreken in {shares} van de {n} rijen: hun "
        "scores steunen vooral op de andere items. Controleer de koppeling van de kolommen, "
        "en meld hoeveel mensen elk item beantwoordden."),
    "warning.reliability.reversed": (
        "items {items} have a negative corrected item-total correlation: they are probably "
        "reverse-keyed but not keyed. Check the scale's 'reversed' list (or key them with a "
        "Scale) before scoring.",
        "les items {items} ont une corrélation item-total corrigée négative : ils sont "
        "probablement à inverser mais ne l'ont pas été. Vérifiez la liste 'reversed' de "
        "l'échelle (ou inversez-les avec une Scale) avant de calculer les scores.",
        "items {items} hebben een negatieve gecorrigeerde item-totaalcorrelatie: ze moeten "
        "waarschijnlijk omgepoold worden maar zijn dat niet. Controleer de lijst 'reversed' "
        "van de schaal (of pool ze om met een Scale) voor het scoren."),
    "warning.change.no_variance": (
        "every pair has the same change from {pre} to {post} (the differences have no "
        "variance), so d_z, the tests and the intervals of the change are undefined and "
        "reported as NaN; check that the two columns are different measurements.",
        "chaque paire a le même changement de {pre} à {post} (les différences n'ont aucune "
        "variance), donc d_z, les tests et les intervalles du changement ne sont pas définis "
        "et sont rapportés comme NaN ; vérifiez que les deux colonnes sont des mesures "
        "différentes.",
        "elk paar heeft dezelfde verandering van {pre} naar {post} (de verschillen hebben "
        "geen variantie), dus d_z, de toetsen en de intervallen van de verandering zijn niet "
        "gedefinieerd en worden als NaN gerapporteerd; controleer of de twee kolommen "
        "verschillende metingen zijn."),
    "warning.planning.icc_undefined": (
        "outcome {outcome} does not vary between or within the clusters of {cluster}: the "
        "ICC is 0/0 and is reported as NaN.",
        "le résultat {outcome} ne varie ni entre ni au sein des grappes de {cluster} : l'ICC "
        "vaut 0/0 et est rapporté comme NaN.",
        "uitkomst {outcome} varieert niet tussen of binnen de clusters van {cluster}: de ICC "
        "is 0/0 en wordt als NaN gerapporteerd."),
    "warning.cox.single": _each(_COX_SINGLE, _COX_LEFT_OUT),
    "warning.cox.constant": _each(_COX_CONSTANT, _COX_LEFT_OUT),
    "warning.cox.single_constant": _each(_COX_SINGLE, (" and ", " et ", " en "),
                                         _COX_CONSTANT, _COX_LEFT_OUT),
    "warning.cox.infinite_converged": _each((
        "the {model} log-likelihood converged before the coefficient(s) of {terms} did",
        "la log-vraisemblance du modèle {model} a convergé avant les coefficients de {terms}",
        "de log-likelihood van het {model}-model convergeerde vóór de coëfficiënt(en) van "
        "{terms}"), _INFINITE),
    "warning.cox.infinite_stopped": _each((
        "the {model} fit stopped before the coefficient(s) of {terms} did",
        "l'ajustement du modèle {model} s'est arrêté avant la convergence des coefficients "
        "de {terms}",
        "de fit van het {model}-model stopte vóór de coëfficiënt(en) van {terms} "
        "convergeerden"), _INFINITE),
    "warning.cox.not_converged": (
        "the {model} model did not converge (a covariate may separate the events, e.g. no "
        "events in a group); its estimates are unreliable. Drop or merge that covariate.",
        "le modèle {model} n'a pas convergé (une covariable sépare peut-être les événements, "
        "p. ex. aucun événement dans un groupe) ; ses estimations ne sont pas fiables. "
        "Retirez ou regroupez cette covariable.",
        "het {model}-model convergeerde niet (een covariaat scheidt mogelijk de "
        "gebeurtenissen, bv. geen gebeurtenissen in een groep); de schattingen zijn "
        "onbetrouwbaar. Laat die covariaat weg of voeg niveaus samen."),
    "warning.cox.concordance": (
        "no pair of people is comparable for the concordance (every event is at the last "
        "time anyone is at risk), so it is NaN; the model's other results stand.",
        "aucune paire de personnes n'est comparable pour la concordance (chaque événement "
        "survient au dernier moment où quelqu'un est à risque), elle vaut donc NaN ; les "
        "autres résultats du modèle restent valables.",
        "geen enkel paar personen is vergelijkbaar voor de concordantie (elke gebeurtenis "
        "valt op het laatste tijdstip waarop iemand at risk is), dus die is NaN; de andere "
        "resultaten van het model blijven gelden."),
    "warning.survival.beyond_follow_up": (
        "horizon {horizon} is beyond the last follow-up time {last} of group {group}: its "
        "estimate is NaN. Use a shorter horizon.",
        "l'horizon {horizon} dépasse le dernier temps de suivi {last} du groupe {group} : "
        "son estimation est NaN. Utilisez un horizon plus court.",
        "horizon {horizon} ligt voorbij de laatste opvolgtijd {last} van groep {group}: de "
        "schatting is NaN. Gebruik een kortere horizon."),
    "warning.propensity.separation": (
        "the groups are (quasi-)completely separated: the coefficient(s) of {terms} are "
        "infinite (their estimates keep growing with the iterations), so they are reported "
        "as NaN and the scores of the separated people are 0 or 1. " + _ENROL[0]
        + "merge the levels that only one programme has.",
        "les groupes sont (quasi) complètement séparés : les coefficients de {terms} sont "
        "infinis (leurs estimations ne cessent de croître au fil des itérations), ils sont "
        "donc rapportés comme NaN et les scores des personnes séparées valent 0 ou 1. "
        + _ENROL[1] + "regroupez les modalités qu'un seul programme possède.",
        "de groepen zijn (quasi-)volledig gescheiden: de coëfficiënt(en) van {terms} zijn "
        "oneindig (hun schattingen blijven groeien met de iteraties), dus ze worden als NaN "
        "gerapporteerd en de scores van de gescheiden personen zijn 0 of 1. " + _ENROL[2]
        + "voeg de niveaus samen die maar één programma heeft."),
    "warning.propensity.positivity": (
        "{n} propensity scores are within 1e-6 of 0 or 1: the groups do not overlap there "
        "(positivity violation). " + _ENROL[0] + "trim to the common support.",
        "{n} scores de propension sont à moins de 1e-6 de 0 ou de 1 : les groupes ne se "
        "recouvrent pas à cet endroit (violation de la positivité). " + _ENROL[1]
        + "restreignez-les au support commun.",
        "{n} propensityscores liggen binnen 1e-6 van 0 of 1: de groepen overlappen daar "
        "niet (schending van positiviteit). " + _ENROL[2]
        + "beperk ze tot de gemeenschappelijke support."),
    "warning.effects.zero_columns": (
        "{n} design column(s) are all zero in one group; that group's outcome model leaves "
        "them out (a covariate level is absent there).",
        "{n} colonne(s) de la matrice du modèle sont entièrement nulles dans un groupe ; le "
        "modèle de résultat de ce groupe les laisse de côté (une modalité d'une covariable y "
        "est absente).",
        "{n} designkolom(men) zijn volledig nul in één groep; het uitkomstmodel van die "
        "groep laat ze weg (een niveau van een covariaat ontbreekt daar)."),
    "warning.effects.no_events": _each((
        "outcome {outcome} has no events in the {group} group ({methods}",
        "le résultat {outcome} n'a aucun événement dans le groupe {group} ({methods}",
        "uitkomst {outcome} heeft geen gebeurtenissen in de groep {group} ({methods}"),
        _NO_EVENTS),
    "warning.effects.no_events_both": _each((
        "outcome {outcome} has no events in the {group} and the {other} group ({methods}",
        "le résultat {outcome} n'a aucun événement dans les groupes {group} et {other} "
        "({methods}",
        "uitkomst {outcome} heeft geen gebeurtenissen in de groepen {group} en {other} "
        "({methods}"), _NO_EVENTS),
    "warning.balance.constant": (
        "covariate(s) {covariates} do not vary (the standard deviation of the SMD is 0: a "
        "constant column, or a level nobody or everybody has), so their SMD is undefined: "
        "NaN, balanced None, and left out of all_balanced. Compare their means directly, or "
        "drop them.",
        "les covariables {covariates} ne varient pas (l'écart type de la SMD vaut 0 : une "
        "colonne constante, ou une modalité que personne ou tout le monde a), leur SMD n'est "
        "donc pas définie : NaN, balanced None, et exclue de all_balanced. Comparez "
        "directement leurs moyennes, ou retirez-les.",
        "covariaten {covariates} variëren niet (de standaardafwijking van de SMD is 0: een "
        "constante kolom, of een niveau dat niemand of iedereen heeft), dus hun SMD is niet "
        "gedefinieerd: NaN, balanced None, en weggelaten uit all_balanced. Vergelijk hun "
        "gemiddelden rechtstreeks, of laat ze weg."),
    "warning.smd.pooled": _each((
        "covariate(s) {covariates} do not vary (the pooled standard deviation is 0",
        "les covariables {covariates} ne varient pas (l'écart type commun vaut 0",
        "covariaten {covariates} variëren niet (de gepoolde standaardafwijking is 0"), _SMD),
    "warning.smd.group": _each((
        "covariate(s) {covariates} do not vary (the standard deviation of the {group} group "
        "is 0",
        "les covariables {covariates} ne varient pas (l'écart type du groupe {group} vaut 0",
        "covariaten {covariates} variëren niet (de standaardafwijking van de groep {group} "
        "is 0"), _SMD),
    "warning.sensitivity.evalue": (
        "nobody in the comparison group has the outcome, so the bias factor that would "
        "explain the risk difference away is infinite: the E-values are NaN. Use a longer "
        "horizon or a more common outcome.",
        "personne dans le groupe de comparaison n'a le résultat, donc le facteur de biais qui "
        "expliquerait la différence de risques est infini : les E-values sont NaN. Utilisez "
        "un horizon plus long ou un résultat plus fréquent.",
        "niemand in de vergelijkingsgroep heeft de uitkomst, dus de biasfactor die het "
        "risicoverschil zou wegverklaren is oneindig: de E-waarden zijn NaN. Gebruik een "
        "langere horizon of een vaker voorkomende uitkomst."),
    "warning.sensitivity.rosenbaum": (
        "every matched pair has equal outcomes, so there is no signed rank to test: the "
        "Rosenbaum bounds are NaN.",
        "chaque paire appariée a des résultats égaux, il n'y a donc aucun rang signé à "
        "tester : les bornes de Rosenbaum sont NaN.",
        "elk gematcht paar heeft gelijke uitkomsten, dus er is geen rangteken om te toetsen: "
        "de Rosenbaum-grenzen zijn NaN."),
    "warning.logistic.post_intake": (
        "predictors {predictors} are only known after intake (the data dictionary, or an "
        "outcome's name): the other odds ratios are then associations among people with the "
        "same value of something that happened during the programme (a mediator), not at "
        "intake. Leave them out unless that is the question.",
        "les prédicteurs {predictors} ne sont connus qu'après l'entrée (d'après le "
        "dictionnaire de données, ou le nom d'un résultat) : les autres rapports de cotes "
        "sont alors des associations entre personnes ayant la même valeur de quelque chose "
        "survenu pendant le programme (un médiateur), pas à l'entrée. Laissez-les de côté, "
        "sauf si c'est la question posée.",
        "predictoren {predictors} zijn pas na de instroom bekend (volgens het "
        "gegevenswoordenboek, of de naam van een uitkomst): de andere odds ratio's zijn dan "
        "verbanden tussen personen met dezelfde waarde van iets dat tijdens het programma "
        "gebeurde (een mediator), niet bij de instroom. Laat ze weg, tenzij dat de vraag is."),
    "warning.logistic.few_clusters": (
        "cluster-robust standard errors with only {n} clusters of {cluster} (fewer than "
        "{minimum}) are unreliable (too small); cluster by a finer unit (e.g. mentor_id) or "
        "report model-based standard errors.",
        "des erreurs types robustes aux grappes avec seulement {n} grappes de {cluster} "
        "(moins de {minimum}) ne sont pas fiables (trop petites) ; regroupez par une unité "
        "plus fine (p. ex. mentor_id) ou rapportez les erreurs types du modèle.",
        "clusterrobuuste standaardfouten met slechts {n} clusters van {cluster} (minder dan "
        "{minimum}) zijn onbetrouwbaar (te klein); cluster op een fijnere eenheid (bv. "
        "mentor_id) of rapporteer de modelgebaseerde standaardfouten."),
    "warning.logistic.events_per_variable": (
        "only {epv} events per coefficient (min(events, non-events) = {events} for {k} "
        "coefficients; fewer than {minimum}): the model is over-parameterised, its odds "
        "ratios are biased away from 1 and its CIs too narrow; drop or merge terms.",
        "seulement {epv} événements par coefficient (min(événements, non-événements) = "
        "{events} pour {k} coefficients ; moins de {minimum}) : le modèle a trop de "
        "paramètres, ses rapports de cotes sont biaisés en s'éloignant de 1 et ses IC sont "
        "trop étroits ; retirez ou regroupez des termes.",
        "slechts {epv} gebeurtenissen per coëfficiënt (min(gebeurtenissen, "
        "niet-gebeurtenissen) = {events} voor {k} coëfficiënten; minder dan {minimum}): het "
        "model heeft te veel parameters, de odds ratio's zijn van 1 weg vertekend en de BI's "
        "te smal; laat termen weg of voeg ze samen."),
    **_ICER,
}


#: Every text a report's data notes may show: the warnings, and why rows were rejected.
NOTES = {**WARNINGS, **REJECTIONS}


def warning_text(key: str, /, **fields: object) -> str:
    """The English text of the warning (or rejection reason) ``key``, its ``fields`` filled in.

    Examples
    --------
    >>> warning_text("warning.propensity.positivity", n=3)[:48]
    '3 propensity scores are within 1e-6 of 0 or 1: t'
    """
    return NOTES[key][0].format(**fields)
