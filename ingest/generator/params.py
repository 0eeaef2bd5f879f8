"""Every number that shapes the demo data, in one place.

The ground truth (`_ground_truth.json`) copies these tables, so an analyst can check a mart
against the parameter that produced it. Probabilities are per episode unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

GENERATOR_VERSION = "1.0.0"

# Persons are simulated in chunks of this size, each with its own random streams, so memory
# stays flat however many persons are asked for.
CHUNK_PERSONS = 25_000

# Invoice lines above this many rows are written as Parquet instead of .xlsx: a sheet holds at
# most 1 048 576 rows, and xlsxwriter writes about 50 000 cells a second (100 000 rows ≈ 30 s).
XLSX_MAX_ROWS = 100_000

# The first delivery is the state this many days before as_of; the second is the state on as_of.
# (The benchmark's nightly scenario makes it 1: the second delivery is one day's changes.)
FIRST_DELIVERY_LAG_DAYS = 31

# TE24 reform: municipalities took over employment services; Lahti and Päijät-Häme moved to
# outcome-based purchases through dynamic purchasing systems from this date.
CONTRACT_SWITCH = date(2025, 1, 1)

# --- Geography ---------------------------------------------------------------------------------
# Approximate population in thousands, used only as sampling weights. Codes must exist in the
# municipality seed under the named employment area (checked at run time).
MUNICIPALITY_WEIGHTS: dict[int, dict[str, float]] = {
    8: {"091": 675},
    19: {"398": 121},
    31: {
        "016": 8,
        "081": 2.7,
        "098": 23,
        "111": 18,
        "142": 6.6,
        "316": 4.2,
        "560": 16,
        "576": 2.8,
        "781": 3.5,
    },
    39: {
        "837": 255,
        "020": 16,
        "177": 1.8,
        "211": 33,
        "291": 2.1,
        "418": 24,
        "536": 35,
        "562": 9,
        "604": 20,
        "635": 6.5,
        "702": 4.2,
        "887": 4.7,
        "908": 21,
        "922": 4.5,
        "936": 6.5,
        "980": 34,
    },
    11: {"245": 38, "753": 22},
}

# --- Persons -----------------------------------------------------------------------------------
# Age on as_of: (low, high inclusive, share). About 30 % are under 30 at their first episode.
AGE_BANDS = ((17, 29, 0.30), (30, 49, 0.43), (50, 64, 0.27))
NEW_CENTURY_SIGN_SHARE = 0.005  # persons given one of the 2023 century signs (Y…U, B…F)
BIRTH_YEAR_MISSING_SHARE = 0.08
DISABILITY_SHARE = {"under_30": 0.18, "30_49": 0.24, "50_plus": 0.32}
# Mother tongue shares by employment area: (fi, sv) and the rest is foreign-language.
SWEDISH_SHARE = {8: 0.05, 19: 0.005, 31: 0.005, 39: 0.006, 11: 0.12}
FOREIGN_SHARE = {8: 0.27, 19: 0.13, 31: 0.07, 39: 0.12, 11: 0.12}
FOREIGN_LANGUAGES = {
    "ru": 20,
    "et": 10,
    "ar": 14,
    "so": 10,
    "en": 9,
    "fa": 6,
    "ku": 5,
    "uk": 9,
    "zh": 3,
    "vi": 4,
    "sq": 3,
    "tr": 3,
    "es": 2,
    "th": 2,
}
EDUCATION = {"BASIC": 0.30, "UPPER_SECONDARY": 0.45, "TERTIARY": 0.18, "UNKNOWN": 0.07}
EDUCATION_MISSING_SHARE = 0.03
MOVER_SHARE = 0.03  # persons who move to another area right after their first exit

# --- Labour-market history before the first episode ---------------------------------------------
LONG_PRIOR_SPELL_SHARE = 0.38  # first episode starts after >= 365 days of unemployment
SHORT_PRIOR_MEAN_DAYS = 100
LONG_PRIOR_EXTRA_MEAN_DAYS = 400
LAID_OFF_SHARE = 0.08  # initial spell begins as a full lay-off
PRIOR_JOB_SHARE = 0.65  # non-youth with an open-market job before the spell
PRIOR_STUDY_SHARE = 0.5  # youth in degree education before the spell
PRIOR_STATUS_DAYS = (200, 3000)  # how long that job or study lasted
LAY_OFF_DAYS = (30, 200)

# --- Episodes ----------------------------------------------------------------------------------
MAX_EPISODES_PER_YEAR = 1.0  # at most round(years * this) + 1 episodes per person
NEXT_EPISODE_WAIT = (14, 100)  # minimum days + exponential mean from the free point


@dataclass(frozen=True)
class Service:
    base_weight: float
    duration_days: tuple[int, int]  # planned duration, uniform


SERVICES: dict[str, Service] = {
    "SUBSIDISED_WORK": Service(10, (180, 365)),
    "WORK_TRIAL": Service(5, (30, 180)),
    "LABOUR_MARKET_TRAINING": Service(10, (90, 300)),
    "SELF_MOTIVATED_STUDY": Service(4, (180, 720)),
    "JOB_SEARCH_COACHING": Service(20, (30, 120)),
    "JOB_COACHING": Service(10, (90, 270)),
    "IPS_SUPPORTED_EMPLOYMENT": Service(3, (180, 720)),
    "REHABILITATIVE_WORK": Service(6, (90, 540)),
    "WORKSHOP": Service(4, (60, 270)),
    "WORK_ABILITY_ASSESSMENT": Service(4, (21, 90)),
}

# Multipliers on the service weights for a person in the target group at the episode start.
SERVICE_MIX_FACTORS: dict[str, dict[str, float]] = {
    "YOUTH": {
        "WORKSHOP": 5,
        "SELF_MOTIVATED_STUDY": 2,
        "WORK_TRIAL": 1.5,
        "REHABILITATIVE_WORK": 0.6,
    },
    "LONG_TERM_UNEMPLOYED": {
        "REHABILITATIVE_WORK": 4,
        "SUBSIDISED_WORK": 2,
        "WORK_ABILITY_ASSESSMENT": 2,
        "JOB_SEARCH_COACHING": 0.6,
    },
    "PARTIAL_WORK_ABILITY": {
        "IPS_SUPPORTED_EMPLOYMENT": 8,
        "WORK_ABILITY_ASSESSMENT": 3,
        "JOB_COACHING": 2,
        "REHABILITATIVE_WORK": 1.5,
    },
    "FOREIGN_LANGUAGE": {"LABOUR_MARKET_TRAINING": 2.5, "SELF_MOTIVATED_STUDY": 2},
}

# A referral is a next service starting within 90 days of the exit. Only long services without
# open-market employment before the referring episode's 12-month follow-up day qualify, so a
# referral never changes the referring episode's declared outcomes.
REFERRAL_SERVICE_WEIGHTS = {
    "REHABILITATIVE_WORK": 4,
    "SUBSIDISED_WORK": 3,
    "LABOUR_MARKET_TRAINING": 2,
}
REFERRAL_GAP_DAYS = (1, 90)


@dataclass(frozen=True)
class Outcome:
    """Outcome parameters of one service × operating model.

    p_during: open-market employment starts during the episode (THL: 49 % for IPS).
    keep_6m / find_6m: P(EMPLOYED_OPEN on exit + 182) if employed during / if not.
    stay_12m / find_12m: P(EMPLOYED_OPEN on exit + 365) if employed on exit + 182 / if not.
    find_* are multiplied by the target-group multipliers below (capped at FIND_CAP).
    """

    p_during: float
    keep_6m: float
    find_6m: float
    stay_12m: float
    find_12m: float


# Keyed by (service_code, operating_model); None = no operating model.
OUTCOMES: dict[tuple[str, str | None], Outcome] = {
    ("IPS_SUPPORTED_EMPLOYMENT", "IPS"): Outcome(0.49, 0.72, 0.14, 0.85, 0.12),
    ("JOB_COACHING", "INDIVIDUAL_COACHING"): Outcome(0.20, 0.65, 0.20, 0.80, 0.12),
    ("JOB_COACHING", None): Outcome(0.16, 0.62, 0.17, 0.78, 0.10),
    # Group coaching is the designed weak model of the COACHING category.
    ("JOB_SEARCH_COACHING", "GROUP_COACHING"): Outcome(0.05, 0.55, 0.09, 0.72, 0.07),
    ("JOB_SEARCH_COACHING", "INDIVIDUAL_COACHING"): Outcome(0.12, 0.65, 0.22, 0.80, 0.12),
    ("JOB_SEARCH_COACHING", None): Outcome(0.08, 0.60, 0.18, 0.78, 0.10),
    ("LABOUR_MARKET_TRAINING", "VOCATIONAL_TRAINING"): Outcome(0.10, 0.70, 0.32, 0.82, 0.15),
    ("LABOUR_MARKET_TRAINING", "INTEGRATION_TRAINING"): Outcome(0.04, 0.60, 0.16, 0.78, 0.10),
    ("SELF_MOTIVATED_STUDY", None): Outcome(0.06, 0.70, 0.26, 0.82, 0.14),
    ("WORK_TRIAL", None): Outcome(0.10, 0.70, 0.20, 0.80, 0.10),
    # Job pools are the designed strong model of SUBSIDISED_WORK (Tampere: subsidised work should
    # lead to the open labour market).
    ("SUBSIDISED_WORK", "JOB_POOL"): Outcome(0.0, 0.0, 0.36, 0.82, 0.12),
    ("SUBSIDISED_WORK", None): Outcome(0.0, 0.0, 0.20, 0.78, 0.08),
    ("REHABILITATIVE_WORK", "GROUP_ACTIVITY"): Outcome(0.0, 0.0, 0.05, 0.70, 0.04),
    ("REHABILITATIVE_WORK", None): Outcome(0.0, 0.0, 0.04, 0.70, 0.04),
    ("WORKSHOP", "WORKSHOP"): Outcome(0.05, 0.60, 0.14, 0.75, 0.08),
    ("WORK_ABILITY_ASSESSMENT", None): Outcome(0.0, 0.0, 0.06, 0.70, 0.05),
}

GROUP_MULTIPLIERS = {
    "YOUTH": 1.15,
    "LONG_TERM_UNEMPLOYED": 0.6,
    "PARTIAL_WORK_ABILITY": 0.7,
    "FOREIGN_LANGUAGE": 0.8,
}
FIND_CAP = 0.95

# Where in the episode open-market employment starts. Activating services end when the job
# starts (within the last days of the planned episode); coaching-type services go on as in-work
# support, so the job starts between these fractions of the planned duration.
ONSET_FRACTION = (0.15, 0.85)
ACTIVATING_ONSET_LAST_DAYS = 31

DESIGNED_CONTRASTS = {
    "SCALE_CANDIDATE": [("IPS", "COACHING"), ("JOB_POOL", "SUBSIDISED_WORK")],
    "BELOW_BASELINE": [("GROUP_COACHING", "COACHING")],
}

# --- After exit (not employed on exit + 182 nor + 365) -----------------------------------------
# Weights of what the person does instead; youth study more, referral depends on the service.
IDLE_PATH_WEIGHTS = {"UNEMPLOYED": 0.45, "SHORT_JOB": 0.12, "EDUCATION": 0.08, "OUTSIDE": 0.10}
YOUTH_EDUCATION_FACTOR = 3.0
REFERRAL_WEIGHT = {"WORK_ABILITY_ASSESSMENT": 0.6, "WORKSHOP": 0.35}
REFERRAL_WEIGHT_DEFAULT = 0.2
SHORT_JOB_BEFORE_LATE_JOB_SHARE = 0.3
JOB_START_MEAN_DAYS = 40  # days from exit to an open-market job reached within 6 months
TAIL_JOB_MEAN_DAYS = 700  # a job held on exit + 365 lasts this much longer on average
EDUCATION_DAYS = (700, 1400)
# End reasons of exits that were not followed by work or study at once (nor a move).
PLAIN_END_REASONS = {"COMPLETED": 0.62, "INTERRUPTED": 0.30, "OTHER": 0.08}
OUTSIDE_DAYS = (200, 1500)

# --- Providers, contracts, prices -------------------------------------------------------------
# Fictional organisations. Business IDs come from Faker; home municipalities from the areas.
PROVIDERS: tuple[tuple[str, str, int | None], ...] = (
    ("Väylä Työhön ry", "NGO", 8),
    ("Kiintopiste Mielenterveysyhdistys ry", "NGO", 8),
    ("Nuorten Työpolku ry", "NGO", 8),
    ("Kotoutumisen Tuki ry", "NGO", 8),
    ("Stiftelsen Skärgårdsarbete sr", "NGO", 11),
    ("Päijänteen Pajat ry", "NGO", 19),
    ("Elämänote-säätiö sr", "NGO", 31),
    ("Tammerkosken Työpajat ry", "NGO", 39),
    ("Hämeenkadun Mielenterveysseura ry", "NGO", 39),
    ("Ystävyyden Säätiö sr", "NGO", 19),
    ("Työosuuskunta Kädentaito osk", "SOCIAL_ENTERPRISE", 8),
    ("Reilu Työ Oy", "SOCIAL_ENTERPRISE", 8),
    ("Pyörä ja Pöytä Oy", "SOCIAL_ENTERPRISE", 19),
    ("Sosiaalinen Osaamo Oy", "SOCIAL_ENTERPRISE", 39),
    ("Mahdollistajat Oy", "SOCIAL_ENTERPRISE", 31),
    ("Kierrätyskeskus Kiertäjä Oy", "SOCIAL_ENTERPRISE", 39),
    ("Arbetsgemenskapen Öst Ab", "SOCIAL_ENTERPRISE", 11),
    ("Valmennus Pohjola Oy", "COMPANY", 8),
    ("Urapolku Oy", "COMPANY", 8),
    ("Työkyky Kärki Oy", "COMPANY", 8),
    ("Osaamiskeskus Länsi Oy", "COMPANY", 39),
    ("Rekrytointi Ässä Oy", "COMPANY", 39),
    ("Kasvu ja Kehitys Oy", "COMPANY", 19),
    ("Lähiö Koulutus Oy", "COMPANY", 8),
    ("Sävel Valmennus Oy", "COMPANY", 31),
    ("Koulutuskuntayhtymä Sälli", "PUBLIC", 39),
    ("Hämeen Koulutusyhtymä Häkä", "PUBLIC", 31),
    ("Pääkaupungin Ammattiopisto-yhtymä", "PUBLIC", 8),
    ("Osatyökykyisten Työyhtiö Oy", "PUBLIC", None),
)
# Joins through the dynamic purchasing system between the two deliveries (no customers yet).
LATE_PROVIDER = ("Työpolku Myötätuuli Oy", "SOCIAL_ENTERPRISE", 19)


@dataclass(frozen=True)
class Offer:
    """One way an area provides a service: a purchase contract or its own unit (sector None)."""

    service: str
    model: str | None
    sector: str | None
    route: str | None = None
    pricing: str | None = None
    weight: float = 1.0
    eras: tuple[int, ...] = (0, 1)  # 0 = before CONTRACT_SWITCH, 1 = from it on


_OWN = None
COMMON_OFFERS: tuple[Offer, ...] = (
    Offer("IPS_SUPPORTED_EMPLOYMENT", "IPS", _OWN, weight=0.3),
    Offer("IPS_SUPPORTED_EMPLOYMENT", "IPS", "NGO", "TENDER", "PER_CUSTOMER_MONTH", 0.7),
    Offer("JOB_COACHING", None, _OWN, weight=0.2),
    Offer("JOB_COACHING", "INDIVIDUAL_COACHING", "COMPANY", "TENDER", "PER_CUSTOMER_MONTH", 0.8),
    Offer("JOB_SEARCH_COACHING", None, _OWN, weight=0.15),
    Offer("JOB_SEARCH_COACHING", "GROUP_COACHING", "COMPANY", "TENDER", "PER_CUSTOMER_DAY", 0.4),
    Offer(
        "JOB_SEARCH_COACHING",
        "INDIVIDUAL_COACHING",
        "COMPANY",
        "SERVICE_VOUCHER",
        "PER_CUSTOMER_MONTH",
        0.35,
    ),
    # Bought in-house from a municipal education federation (sidosyksikkö).
    Offer(
        "LABOUR_MARKET_TRAINING",
        "VOCATIONAL_TRAINING",
        "PUBLIC",
        "IN_HOUSE",
        "PER_CUSTOMER_DAY",
        0.6,
    ),
    Offer(
        "LABOUR_MARKET_TRAINING",
        "INTEGRATION_TRAINING",
        "COMPANY",
        "TENDER",
        "PER_CUSTOMER_DAY",
        0.4,
    ),
    Offer("SELF_MOTIVATED_STUDY", None, _OWN),
    Offer("WORK_TRIAL", None, _OWN),
    Offer("SUBSIDISED_WORK", None, _OWN, weight=0.4),
    Offer("SUBSIDISED_WORK", "JOB_POOL", "SOCIAL_ENTERPRISE", "GRANT", "FIXED_MONTHLY", 0.6),
    Offer("REHABILITATIVE_WORK", None, _OWN, weight=0.3),
    Offer("REHABILITATIVE_WORK", "GROUP_ACTIVITY", "NGO", "TENDER", "PER_CUSTOMER_DAY", 0.7),
    Offer("WORKSHOP", "WORKSHOP", "NGO", "GRANT", "FIXED_MONTHLY", 0.8),
    Offer("WORKSHOP", "WORKSHOP", _OWN, weight=0.2),
    Offer("WORK_ABILITY_ASSESSMENT", None, _OWN, weight=0.3),
    Offer("WORK_ABILITY_ASSESSMENT", None, "COMPANY", "TENDER", "PER_CUSTOMER_MONTH", 0.7),
)

# Lahti and Päijät-Häme buy coaching outcome-based through a dynamic purchasing system from the
# switch on; these replace the common coaching contracts there in era 1.
OUTCOME_BASED_AREAS = (19, 31)
OUTCOME_BASED_OFFERS: tuple[Offer, ...] = (
    Offer(
        "JOB_COACHING",
        "INDIVIDUAL_COACHING",
        "SOCIAL_ENTERPRISE",
        "DYNAMIC_PURCHASING_SYSTEM",
        "OUTCOME_BASED",
        0.7,
        (1,),
    ),
    Offer(
        "IPS_SUPPORTED_EMPLOYMENT",
        "IPS",
        "NGO",
        "DYNAMIC_PURCHASING_SYSTEM",
        "OUTCOME_BASED",
        0.6,
        (1,),
    ),
    Offer(
        "JOB_SEARCH_COACHING",
        "INDIVIDUAL_COACHING",
        "SOCIAL_ENTERPRISE",
        "DYNAMIC_PURCHASING_SYSTEM",
        "OUTCOME_BASED",
        0.35,
        (1,),
    ),
    Offer(
        "WORKSHOP",
        "WORKSHOP",
        "NGO",
        "DYNAMIC_PURCHASING_SYSTEM",
        "OUTCOME_BASED",
        0.7,
        (1,),
    ),
)
# Helsinki also buys outcome-based job coaching from a social enterprise.
AREA_EXTRA_OFFERS = {
    8: (
        Offer(
            "JOB_COACHING",
            "INDIVIDUAL_COACHING",
            "SOCIAL_ENTERPRISE",
            "TENDER",
            "OUTCOME_BASED",
            0.3,
        ),
    )
}

# Base prices (EUR, VAT-free) drawn uniformly per contract.
UNIT_PRICE_RANGE = {
    "PER_CUSTOMER_DAY": (28.0, 62.0),
    "PER_CUSTOMER_MONTH": (420.0, 1250.0),
    "FIXED_MONTHLY": (6_000.0, 28_000.0),
    "OUTCOME_BASED": (240.0, 620.0),  # per customer-month, the fixed part
}
# Bonus per outcome type (EUR): range; every outcome-based contract prices EMPLOYED_OPEN.
BONUS_RANGE = {
    "EMPLOYED_OPEN": (300.0, 900.0),
    "EMPLOYED_OPEN_SUSTAINED_6M": (900.0, 2_600.0),
    "DEGREE_EDUCATION_START": (250.0, 600.0),
    "SUBSIDISED_EMPLOYMENT": (150.0, 400.0),
}
BONUS_TYPE_SHARE = {  # share of outcome-based contracts that price the type
    "EMPLOYED_OPEN": 1.0,
    "EMPLOYED_OPEN_SUSTAINED_6M": 0.75,
    "DEGREE_EDUCATION_START": 0.5,
    "SUBSIDISED_EMPLOYMENT": 0.35,
}
INVOICE_DAY_RANGE = (3, 14)  # invoices are dated this day of the month after the period
CREDIT_SHARE = 0.02

# Designed bonus claims: the share of eligible outcomes (or episodes) turned into each kind.
CLAIM_SHARE = {
    "VERIFIED": 0.9,  # of real outcomes inside the contract's window
    "AMOUNT_MISMATCH": 0.08,  # of those claims, the amount is off
    "DUPLICATE_CLAIM": 0.06,  # of verified claims, claimed again a month later
    "PREMATURE": 0.6,  # of recent jobs: 6-month sustained claimed too early
    "NOT_IN_REGISTER": 0.06,  # of exited episodes without a job: employment claimed anyway
    "NOT_IN_CONTRACT": 0.3,  # of real outcomes an outcome-based contract does not price
    "NOT_IN_CONTRACT_PER_CUSTOMER": 0.01,  # of jobs on per-customer contracts (no bonuses)
    "NO_EPISODE": 0.8,  # of jobs found 91–300 days after the exit
}

# --- Participation surveys --------------------------------------------------------------------
SURVEYED_CATEGORIES = ("COACHING", "REHABILITATION")
SURVEY_SHARE = 0.6
END_RESPONSE_SHARE = 0.9
FOLLOW_UP_SHARE = 0.25
ANONYMOUS_SHARE = 0.08
FEW_ITEMS_SHARE = 0.05  # fewer than 8 items answered: no participation score
ONE_ITEM_MISSING_SHARE = 0.04
WORK_ABILITY_MISSING_SHARE = 0.08
# Mean change of the latent item level (1–5 scale) from START to END by operating model;
# x 25 is roughly the change of the 0–100 participation score.
PARTICIPATION_CHANGE = {
    "IPS": 0.45,
    "WORKSHOP": 0.55,
    "GROUP_ACTIVITY": 0.35,
    "INDIVIDUAL_COACHING": 0.30,
    "GROUP_COACHING": 0.05,
    None: 0.20,
}

# --- Deliveries -------------------------------------------------------------------------------
CORRECTION_SHARE = 0.005  # rows whose first-delivery value was wrong and is corrected later
OVERLAP_PERSON_SHARE = 0.01
