"""Why a row was rejected at loading, in words: ``key: (en, fr, nl)``.

The loader writes the English text in the ``reason`` column of a load result's
``rejected`` table (:mod:`evalkit.data.parsing`, :mod:`evalkit.data.checks`); a report
shows it in its language, as it shows warnings (:func:`evalkit._warning_texts.warning_text`,
:func:`evalkit.reporting.part.reword_note`). Fields name columns, allowed values, limits
and file lines, never a value of an identifier or free-text column.
"""

from __future__ import annotations

__all__ = ["REJECTIONS"]

_WHAT = {"integer": ("a whole number", "un nombre entier", "een geheel getal"),
         "number": ("a number", "un nombre", "een getal")}
_LIMITS = {
    "at_least": ("expected {what} of at least {minimum}", "attendu : {what} d'au moins "
                 "{minimum}", "verwacht: {what} van minstens {minimum}"),
    "at_most": ("expected {what} of at most {maximum}", "attendu : {what} d'au plus "
                "{maximum}", "verwacht: {what} van hoogstens {maximum}"),
    "between": ("expected {what} from {minimum} to {maximum}", "attendu : {what} de "
                "{minimum} à {maximum}", "verwacht: {what} van {minimum} tot {maximum}"),
}
_WHOLE = ("expected a whole number such as 34 or 34.0", "un nombre entier était attendu, "
          "comme 34 ou 34.0", "een geheel getal verwacht, zoals 34 of 34.0")
_NO_SEPARATORS = (" (no spaces or thousands separators)",
                  " (sans espaces ni séparateurs de milliers)",
                  " (zonder spaties of scheidingstekens voor duizendtallen)")

#: Each kind of direct identifier (:data:`evalkit.data.schema.IDENTIFIER_KINDS`): what it
#: is, and the same with an article.
_IDENTIFIERS = {
    "national_number": (("national register number", "numéro de registre national",
                         "rijksregisternummer"),
                        ("a", "un", "een")),
    "email": (("e-mail address", "adresse e-mail", "e-mailadres"), ("an", "une", "een")),
    "phone": (("phone number", "numéro de téléphone", "telefoonnummer"), ("a", "un", "een")),
    "birth_date": (("date of birth", "date de naissance", "geboortedatum"),
                   ("a", "une", "een")),
    "name": (("person's name", "nom d'une personne", "naam van een persoon"),
             ("a", "un", "een")),
    "address": (("postal address", "adresse postale", "postadres"), ("a", "une", "een")),
}
_FOUND_BY = {"name": (" (by name)", " (d'après le nom)", " (op basis van de naam)"),
             "content": (" (by content)", " (d'après le contenu)",
                         " (op basis van de inhoud)")}
_NOT_A_PSEUDONYM = (
    ("{column} looks like ", ", not a pseudonym; replace the ids with keyed pseudonyms "
     "(evalkit pseudonymise)"),
    ("{column} ressemble à ", ", pas à un pseudonyme ; remplacez les identifiants par des "
     "pseudonymes à clé (evalkit pseudonymise)"),
    ("{column} lijkt op ", ", niet op een pseudoniem; vervang de id's door pseudoniemen "
     "met sleutel (evalkit pseudonymise)"))

_FIELDS = ("line {line} has {fields} fields, the header has {columns}; ",
           "la ligne {line} a {fields} champs, l'en-tête en a {columns} ; ",
           "regel {line} heeft {fields} velden, de koptekst heeft er {columns}; ")
_UNQUOTED = (("a value probably contains an unquoted {sep} (", "), or the line ends with "
              "extra {sep}: put that value in double quotes, or remove the extra {sep}"),
             ("une valeur contient probablement un {sep} sans guillemets (", "), ou la ligne "
              "se termine par des {sep} en trop : mettez cette valeur entre guillemets "
              "doubles, ou retirez les {sep} en trop"),
             ("een waarde bevat waarschijnlijk een {sep} zonder aanhalingstekens (", "), of "
              "de regel eindigt op een extra {sep}: zet die waarde tussen dubbele "
              "aanhalingstekens, of verwijder de extra {sep}"))
_EXAMPLES = {"too_many_comma": ("a decimal comma such as 12,5, or text", "une virgule "
                                "décimale comme 12,5, ou du texte", "een decimale komma "
                                "zoals 12,5, of tekst"),
             "too_many": ("text", "du texte", "tekst")}

REJECTIONS = {
    **{f"rejected.{key}": tuple(head + first + example + last for head, (first, last), example
                                in zip(_FIELDS, _UNQUOTED, examples, strict=True))
       for key, examples in _EXAMPLES.items()},
    "rejected.too_few": tuple(head + tail for head, tail in zip(_FIELDS, (
        "a {sep} is probably missing or the line was cut, so its values cannot be matched "
        "to the columns: add the missing {sep} (empty values are allowed)",
        "un {sep} manque probablement ou la ligne a été coupée, donc ses valeurs ne peuvent "
        "pas être associées aux colonnes : ajoutez le {sep} manquant (les valeurs vides sont "
        "permises)",
        "er ontbreekt waarschijnlijk een {sep} of de regel werd afgebroken, dus de waarden "
        "kunnen niet aan de kolommen gekoppeld worden: voeg de ontbrekende {sep} toe (lege "
        "waarden zijn toegestaan)"), strict=True)),
    "rejected.stray_quote": (
        "line {line} has a double quote that opens a value and is probably not closed (the "
        "value would run to line {last}); the lines after line {line} were read on their "
        "own: remove that quote, or close it",
        "la ligne {line} a un guillemet double qui ouvre une valeur et n'est probablement pas "
        "fermé (la valeur irait jusqu'à la ligne {last}) ; les lignes après la ligne {line} "
        "ont été lues séparément : retirez ce guillemet, ou fermez-le",
        "regel {line} heeft een dubbel aanhalingsteken dat een waarde opent en waarschijnlijk "
        "niet gesloten is (de waarde zou doorlopen tot regel {last}); de regels na regel "
        "{line} werden apart gelezen: verwijder dat aanhalingsteken, of sluit het"),
    **{f"identifier.{kind}_by_{how}": tuple(w + b for w, b in zip(words, by, strict=True))
       for kind, (words, _) in _IDENTIFIERS.items() for how, by in _FOUND_BY.items()},
    **{f"rejected.id_looks_like_{kind}": tuple(
        f"{head}{article} {word}{tail}" for (head, tail), article, word in zip(
            _NOT_A_PSEUDONYM, articles, words, strict=True))
       for kind, (words, articles) in _IDENTIFIERS.items()},
    **{f"rejected.{kind}_{limit}": tuple(t.replace("{what}", w) for t, w in zip(
        texts, what, strict=True)) for kind, what in _WHAT.items()
       for limit, texts in _LIMITS.items()},
    "rejected.date": (
        "expected a date as YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY (day first), "
        "or an Excel date",
        "une date était attendue, au format AAAA-MM-JJ, JJ/MM/AAAA, JJ-MM-AAAA ou JJ.MM.AAAA "
        "(le jour d'abord), ou une date Excel",
        "een datum verwacht als JJJJ-MM-DD, DD/MM/JJJJ, DD-MM-JJJJ of DD.MM.JJJJ (dag "
        "eerst), of een Excel-datum"),
    "rejected.zero_date": (
        "Excel's zero date (1899-12-30, 00/01/1900, or 1904-01-01 in a 1904 workbook), which "
        "Excel exports for an empty date cell: enter the date, or leave the cell empty",
        "date zéro d'Excel (1899-12-30, 00/01/1900, ou 1904-01-01 dans un classeur 1904), "
        "qu'Excel exporte pour une cellule de date vide : saisissez la date, ou laissez la "
        "cellule vide",
        "nuldatum van Excel (1899-12-30, 00/01/1900, of 1904-01-01 in een 1904-werkmap), die "
        "Excel exporteert voor een lege datumcel: vul de datum in, of laat de cel leeg"),
    "rejected.early": (
        "date before {earliest}, too early for a programme date: check the year",
        "date antérieure au {earliest}, trop tôt pour une date de programme : vérifiez "
        "l'année",
        "datum vóór {earliest}, te vroeg voor een programmadatum: controleer het jaar"),
    "rejected.late": (
        "date after the extraction date ({latest}): check the year; if the data were "
        "extracted later, pass it as extraction_date",
        "date postérieure à la date d'extraction ({latest}) : vérifiez l'année ; si les "
        "données ont été extraites plus tard, indiquez-le avec extraction_date",
        "datum na de extractiedatum ({latest}): controleer het jaar; als de gegevens later "
        "zijn geëxtraheerd, geef dat op als extraction_date"),
    "rejected.boolean": (
        "expected yes or no (true/false, yes/no, y/n, ja/nee, waar/onwaar, oui/non, "
        "vrai/faux, 1/0)",
        "oui ou non était attendu (true/false, yes/no, y/n, ja/nee, waar/onwaar, oui/non, "
        "vrai/faux, 1/0)",
        "ja of nee verwacht (true/false, yes/no, y/n, ja/nee, waar/onwaar, oui/non, "
        "vrai/faux, 1/0)"),
    "rejected.integer": tuple(w + s for w, s in zip(_WHOLE, _NO_SEPARATORS, strict=True)),
    "rejected.fraction": tuple(w + s for w, s in zip(_WHOLE, (
        "; the file stores a number with decimals",
        " ; le fichier contient un nombre à décimales",
        "; het bestand bevat een getal met decimalen"), strict=True)),
    "rejected.infinite": (
        "expected a number; the file stores an infinite value",
        "un nombre était attendu ; le fichier contient une valeur infinie",
        "een getal verwacht; het bestand bevat een oneindige waarde"),
    "rejected.line_break": (
        "the value holds a line break, which no value of this column has (in a CSV, a double "
        "quote before it is probably not closed, so the value ran into the next lines): "
        "remove the line break, or close or remove the quote",
        "la valeur contient un saut de ligne, ce qu'aucune valeur de cette colonne ne contient "
        "(dans un CSV, un guillemet double placé avant n'est probablement pas fermé, et la "
        "valeur a débordé sur les lignes suivantes) : supprimez le saut de ligne, ou fermez "
        "ou supprimez le guillemet",
        "de waarde bevat een regeleinde, wat geen enkele waarde van deze kolom heeft (in een "
        "CSV is een dubbel aanhalingsteken ervoor waarschijnlijk niet gesloten, zodat de "
        "waarde doorliep in de volgende regels): verwijder het regeleinde, of sluit of "
        "verwijder het aanhalingsteken"),
    "rejected.number": tuple(w + s for w, s in zip((
        "expected a number such as 1234.50 or 1234,50",
        "un nombre était attendu, comme 1234.50 ou 1234,50",
        "een getal verwacht, zoals 1234.50 of 1234,50"), _NO_SEPARATORS, strict=True)),
    "rejected.ambiguous": (
        "ambiguous number: the comma may be a thousands separator or a decimal comma; write "
        "1234 or 1.234",
        "nombre ambigu : la virgule peut être un séparateur de milliers ou une virgule "
        "décimale ; écrivez 1234 ou 1.234",
        "dubbelzinnig getal: de komma kan een scheidingsteken voor duizendtallen of een "
        "decimale komma zijn; schrijf 1234 of 1.234"),
    "rejected.category": (
        "expected one of {allowed} (case, accents, spaces and punctuation are ignored)",
        "une des valeurs {allowed} était attendue (la casse, les accents, les espaces et la "
        "ponctuation ne comptent pas)",
        "een van {allowed} verwacht (hoofdletters, accenten, spaties en leestekens tellen "
        "niet)"),
    "rejected.empty_row": ("empty row", "ligne vide", "lege rij"),
    "rejected.missing": ("missing value (required)", "valeur manquante (obligatoire)",
                         "ontbrekende waarde (verplicht)"),
    "rejected.duplicate": (
        "duplicate key ({key}) also on row(s) {rows}",
        "clé en double ({key}), aussi à la ou aux lignes {rows}",
        "dubbele sleutel ({key}), ook op rij(en) {rows}"),
    "rejected.exit_before_intake": (
        "exit date is on or before the intake date",
        "la date de sortie est égale ou antérieure à la date d'entrée",
        "de uitstroomdatum valt op of vóór de instroomdatum"),
    "rejected.exit_after_end": (
        "exit date is after the end of follow-up (follow_up_end)",
        "la date de sortie est postérieure à la fin du suivi (follow_up_end)",
        "de uitstroomdatum valt na het einde van de opvolging (follow_up_end)"),
    "rejected.end_before_intake": (
        "end of follow-up is before the intake date",
        "la fin du suivi est antérieure à la date d'entrée",
        "het einde van de opvolging valt vóór de instroomdatum"),
    "rejected.censored_exit": (
        "a censored row ('still searching') has an exit date; empty it or set exit_type",
        "une ligne censurée ('encore en recherche') a une date de sortie ; videz-la ou "
        "renseignez exit_type",
        "een gecensureerde rij ('zoekt nog') heeft een uitstroomdatum; maak die leeg of vul "
        "exit_type in"),
    "rejected.exit_needs_date": (
        "an exit other than 'censored' needs an exit date",
        "une sortie autre que 'censored' demande une date de sortie",
        "een andere uitstroom dan 'censored' vereist een uitstroomdatum"),
    "rejected.duo_after_dropout": (
        "a duo cannot be completed after a first-meeting dropout",
        "un duo ne peut pas être achevé après un abandon à la première rencontre",
        "een duo kan niet voltooid zijn na uitval bij de eerste ontmoeting"),
    "rejected.orphan": (
        "participant_id not found in the participants file",
        "participant_id introuvable dans le fichier des participants",
        "participant_id niet gevonden in het deelnemersbestand"),
}
