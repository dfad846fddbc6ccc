"""Plain-English names for the release's tables, columns and codes.

A manifest entry may carry its own (a table's ``title``, a dimension's ``labels``); these
are the defaults for the codes pupilstats publishes (``schema/codes.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

DIMENSION_LABELS: dict[str, str] = {
    "school": "School",
    "phase": "Phase",
    "key_stage": "Key stage",
    "fsm": "Free school meals",
    "fsm6": "Free school meals in the last 6 years",
    "disadvantaged": "Disadvantaged",
    "eal": "English as an additional language",
    "sen_provision": "SEN provision",
    "sen": "SEN provision",
    "idaci_band": "IDACI band",
    "sex": "Sex",
    "ethnic_group": "Ethnic group",
    "ethnicity": "Ethnic group",
    "ethnicity_major": "Ethnic group",
    "year": "Year",
    "academic_year": "Academic year",
    "outcome": "Outcome",
    "time_period": "Period",
}

CODE_LABELS: dict[str, dict[str, str]] = {
    "fsm": {"Y": "Eligible", "N": "Not eligible"},
    "fsm6": {"Y": "Ever-6 FSM", "N": "Not Ever-6 FSM"},
    "disadvantaged": {"Y": "Disadvantaged", "N": "Not disadvantaged"},
    "eal": {"Y": "EAL", "N": "English first language"},
    "sen_provision": {"N": "No SEN", "K": "SEN support", "E": "EHC plan"},
    "sen": {"N": "No SEN", "K": "SEN support", "E": "EHC plan"},
    "sex": {"F": "Girls", "M": "Boys"},
    "school": {"primary": "Primary", "secondary": "Secondary", "special": "Special"},
}

COLUMN_LABELS: dict[str, str] = {
    "pupils": "Pupils",
    "percentage": "Percentage",
    "ci_lower": "95% CI lower",
    "ci_upper": "95% CI upper",
    "average_reading_score": "Average scaled score in reading",
    "average_maths_score": "Average scaled score in maths",
    "average_attainment8": "Average Attainment 8",
    "average_progress8": "Average Progress 8",
    "overall_absence_rate": "Overall absence rate",
}

TOTAL_LABEL = "All pupils"
SCHOOL_TOTAL_LABEL = "Local authority"


def humanise(name: str) -> str:
    """``ks2_rwm_expected`` -> ``Ks2 rwm expected``: a readable fallback for a name."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def dimension_label(column: str) -> str:
    return DIMENSION_LABELS.get(column, humanise(column))


def column_label(column: str) -> str:
    return COLUMN_LABELS.get(column, humanise(column))


def code_label(column: str, code: str, total: str, own: Mapping[str, str] | None = None) -> str:
    """The label of ``code`` in dimension ``column``: the manifest's own, a default, or the
    code itself; the total reads "All pupils" (the LA for the school dimension)."""
    if own and code in own:
        return own[code]
    if code == total:
        return SCHOOL_TOTAL_LABEL if column == "school" else TOTAL_LABEL
    return CODE_LABELS.get(column, {}).get(code, code)


PROPER_WORDS: frozenset[str] = frozenset({"English"})


def in_sentence(label: str) -> str:
    """``label`` as it reads inside a sentence: "Free school meals" -> "free school meals",
    but "SEN provision", "IDACI band" and "English ..." keep their capitals."""
    first = label.split(" ", 1)[0]
    if first in PROPER_WORDS or not first[:1].isupper() or first[1:] != first[1:].lower():
        return label
    return label[:1].lower() + label[1:]


def own_title(entry: Mapping[str, object]) -> str | None:
    """A table's title as the manifest gives it (``title`` or ``description``), if any."""
    for key in ("title", "description"):
        value = entry.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def table_title(name: str, entry: Mapping[str, object]) -> str:
    """A table's title: the manifest's ``title`` or ``description``, else its name."""
    return own_title(entry) or humanise(name)
