"""The purchases source's small tables and their two deliveries.

Providers come as a full snapshot in both deliveries (one name corrected, one provider new);
contracts and prices as changes only (a new contract, a contract whose end was decided, a
mistaken contract and price tombstoned).
"""

from __future__ import annotations

import polars as pl

from . import params
from .catalogue import Catalogue
from .days import Window, day_number
from .deliveries import Split, combined, mistakes, on_day, random_days, stamp

_LETTERS, _ASCII = ["ä", "ö", "å", "Ä", "Ö", "Å"], ["a", "o", "a", "A", "O", "A"]


def provider_split(catalogue: Catalogue, window: Window, rng) -> Split:
    """Full snapshots; the first spells one name without its ä/ö, the second adds a provider."""
    providers = catalogue.providers
    known = providers.head(len(params.PROVIDERS))
    known = stamp(
        known, pl.lit(random_days(rng, window.start - 400, window.start - 30, known.height)), rng
    )
    garbled = known["name"].str.contains("[äöå]").arg_true()[0]
    first = known.with_columns(
        name=pl.when(pl.int_range(pl.len()) == garbled)
        .then(pl.col("name").str.replace_many(_LETTERS, _ASCII))
        .otherwise(pl.col("name"))
    )
    fix_day = min(window.first_delivery + 3, window.as_of)
    fixed = stamp(known[garbled], pl.lit(fix_day).cast(pl.Date), rng)
    late = stamp(providers.tail(1), late_signing_day(catalogue), rng)
    second = pl.concat(
        [known.with_row_index("_i").filter(pl.col("_i") != garbled).drop("_i"), fixed, late]
    )
    return Split(first, second.sort("business_id"))


def late_signing_day(catalogue: Catalogue) -> pl.Expr:
    valid_from = catalogue.contracts.filter(pl.col("contract_id") == catalogue.late_contract_id)[
        "valid_from"
    ][0]
    return pl.lit(day_number(valid_from) - 3).cast(pl.Date)


def signed(frame: pl.DataFrame, rng) -> pl.Expr:
    """Contracts are recorded 5–60 days before they start."""
    lead = pl.Series(rng.integers(5, 61, frame.height), dtype=pl.Int64)
    return pl.col("valid_from") - pl.duration(days=lead)


def contract_split(catalogue: Catalogue, window: Window, rng) -> Split:
    contracts = catalogue.contracts
    t1 = on_day(window.first_delivery)
    known = contracts.filter(pl.col("valid_from") <= t1)
    first = stamp(known, signed(known, rng), rng).with_columns(
        valid_to=pl.when(pl.col("_end_decided_later")).then(None).otherwise(pl.col("valid_to"))
    )
    ended = known.filter(pl.col("_end_decided_later"))
    second = pl.concat(
        [
            stamp(
                ended,
                pl.lit(random_days(rng, window.first_delivery + 1, window.as_of, ended.height)),
                rng,
            ),
            stamp(contracts.filter(pl.col("valid_from") > t1), late_signing_day(catalogue), rng),
        ]
    )
    mistaken = (
        known.filter(~pl.col("_end_decided_later"))
        .head(1)
        .with_columns(contract_id=pl.col("contract_id").str.replace(r"-(\d{3})$", "-9$1"))
    )
    return combined(Split(first, second), mistakes(mistaken, window, rng))


def price_split(catalogue: Catalogue, window: Window, rng) -> Split:
    prices = catalogue.outcome_prices.join(
        catalogue.contracts.select("contract_id", "valid_from"),
        on="contract_id",
        maintain_order="left",
    )
    t1 = on_day(window.first_delivery)
    known = prices.filter(pl.col("valid_from") <= t1)
    first = stamp(known, signed(known, rng), rng)
    second = stamp(prices.filter(pl.col("valid_from") > t1), late_signing_day(catalogue), rng)
    return combined(Split(first, second), mistakes(unpriced_outcome(catalogue), window, rng))


def unpriced_outcome(catalogue: Catalogue) -> pl.DataFrame:
    """A price entered for an outcome the contract does not pay for (later removed)."""
    outcome_based = catalogue.contracts.filter(pl.col("pricing_model") == "OUTCOME_BASED")
    pairs = outcome_based.select("contract_id", "valid_from").join(
        pl.DataFrame({"outcome_type": list(params.BONUS_RANGE)}), how="cross"
    )
    return (
        pairs.join(catalogue.outcome_prices, on=["contract_id", "outcome_type"], how="anti")
        .sort("contract_id", "outcome_type")
        .head(1)
        .with_columns(bonus_eur=pl.lit(450.0))
    )
