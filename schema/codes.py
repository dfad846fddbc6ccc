"""DfE code sets used by the school census and the pupil-level inputs.

Each set is the list of valid codes for one census item, as published in the DfE
*School census business and technical specification* (common basic data set). The
synthetic generator draws from these sets, the loader and the expectation suites check
against them, and the aggregations group by them: there is one place to change a code.
"""

from __future__ import annotations

SEX: tuple[str, ...] = ("M", "F")
"""Sex as recorded on the census (CBDS 100011)."""

NC_YEARS: tuple[str, ...] = ("R", *(str(y) for y in range(1, 14)))
"""National Curriculum year groups, Reception then 1-13."""

ENROLMENT_STATUS: tuple[str, ...] = ("C", "M", "S")
"""C current single registration, M main dual registration, S subsidiary dual."""

SEN_PROVISION: tuple[str, ...] = ("N", "K", "E")
"""N no special provision, K SEN support, E Education, Health and Care plan."""

FIRST_LANGUAGE: tuple[str, ...] = ("ENG", "ENB", "OTH", "OTB", "NOT")
"""First language (CBDS 100127, summary codes): ENG English, ENB believed to be English,
OTH other than English, OTB believed other than English, NOT information not obtained.
A pupil counts as EAL when the code is OTH or OTB."""

EAL_CODES: frozenset[str] = frozenset({"OTH", "OTB"})

ETHNICITY_MAJOR_GROUP: dict[str, str] = {
    "WBRI": "White",
    "WIRI": "White",
    "WIRT": "White",
    "WOTH": "White",
    "WROM": "White",
    "MWBC": "Mixed",
    "MWBA": "Mixed",
    "MWAS": "Mixed",
    "MOTH": "Mixed",
    "AIND": "Asian",
    "APKN": "Asian",
    "ABAN": "Asian",
    "AOTH": "Asian",
    "BCRB": "Black",
    "BAFR": "Black",
    "BOTH": "Black",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Unclassified",
    "NOBT": "Unclassified",
}
"""DfE extended ethnicity codes (main codes) and the major group each belongs to."""

ETHNICITY: tuple[str, ...] = tuple(ETHNICITY_MAJOR_GROUP)

PHASES: tuple[str, ...] = ("primary", "secondary", "special")
"""School phases of the synthetic borough (all-through schools are not modelled)."""

KEY_STAGE_OF_NC_YEAR: dict[str, str] = {
    "R": "R-6",
    **{str(y): "R-6" for y in range(1, 7)},
    **{str(y): "KS3" for y in range(7, 10)},
    **{str(y): "KS4" for y in range(10, 12)},
    "12": "KS5",
    "13": "KS5",
}
"""National Funding Formula basic-entitlement phase of each NC year: primary (R-6), KS3
(7-9), KS4 (10-11). Years 12-13 are funded outside the schools block (KS5)."""

IDACI_BANDS: tuple[tuple[str, float, float], ...] = (
    ("A", 0.50, 1.00),
    ("B", 0.40, 0.50),
    ("C", 0.35, 0.40),
    ("D", 0.30, 0.35),
    ("E", 0.25, 0.30),
    ("F", 0.20, 0.25),
    ("G", 0.00, 0.20),
)
"""NFF IDACI bands 2025-26 as (band, lower bound inclusive, upper bound exclusive; band A
includes 1.0). Only bands A-F attract funding; G is the unfunded remainder."""

KS2_NON_SCORE_CODES: tuple[str, ...] = ("A", "B", "M", "T", "U")
"""KS2 test outcomes that are not a scaled score: A absent, B working below the test
standard, M missing, T unable to access, U maladministration."""

KS2_WRITING_TA: tuple[str, ...] = ("GDS", "EXS", "WTS", "PK4", "PK3", "PK2", "PK1", "BLW", "A", "D")
"""KS2 writing teacher assessment outcomes; EXS and GDS meet the expected standard."""

NCMP_SCHOOL_YEARS: tuple[str, ...] = ("R", "6")

CONSENT_TYPES: tuple[str, ...] = ("research_opt_out", "parental_restriction")
"""research_opt_out: the pupil's data may not be used for research or statistics.
parental_restriction: only name, address and date of birth may be passed to Youth Support
Services (section 507B)."""

RECORDED_BY: tuple[str, ...] = ("parent", "carer", "young_person")


def idaci_band(score: float) -> str:
    """Return the NFF IDACI band (A-G) of an IDACI score in [0, 1]."""
    for band, lower, upper in IDACI_BANDS:
        if lower <= score < upper or (band == "A" and score == upper):
            return band
    raise ValueError(f"IDACI score {score!r} is outside [0, 1]")
