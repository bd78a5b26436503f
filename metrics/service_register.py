"""The service register in plain words: each registered service (those serving one ward, when asked) with its
type, the groups it takes, its contract and its base.

Register figures (capacity, case workers) describe services, not people, so they are shown as registered.
"""

from __future__ import annotations

import duckdb
import polars as pl

from etl.contract.values import ServiceType
from metrics import read

# Service types in words for tables and sheets (the contract's values are codes).
SERVICE_TYPE_LABELS = {
    ServiceType.idva: "IDVA service",
    ServiceType.outreach: "Outreach",
    ServiceType.refuge: "Refuge",
    ServiceType.children: "Children's service",
    ServiceType.perpetrator_programme: "Perpetrator programme",
    ServiceType.helpline: "Helpline",
    ServiceType.counselling: "Counselling",
    ServiceType.legal: "Legal advice",
    ServiceType.other: "Other",
}


def service_type_words(column: pl.Expr) -> pl.Expr:
    """A service type in words: the label declared here, else the code with spaces."""
    labels = {str(code): label for code, label in SERVICE_TYPE_LABELS.items()}
    return column.replace_strict(labels, default=column.str.replace_all("_", " "), return_dtype=pl.String)


def service_register(con: duckdb.DuckDBPyConnection, *, ward_code: str | None = None) -> pl.DataFrame:
    """The registered services (serving `ward_code` when given) in plain words, with their bases.

    Register figures (capacity, case workers) describe services, not people, so they are shown as
    registered. A service with no base held (a refuge's address is kept confidential) has no
    latitude or longitude.
    """
    register = read.rows(con, "service_register")
    if ward_code is not None:
        register = register.filter(pl.col("wards_served").list.contains("all") | pl.col("wards_served").list.contains(ward_code))
    words = pl.element().str.replace_all("_", " ")
    return register.with_columns(
        service_type=service_type_words(pl.col("service_type")),
        client_groups=pl.col("client_groups").list.eval(words).list.join(", ").str.replace("lgbt", "LGBT+"),
        wards_served_names=pl.col("wards_served_names").fill_null("none named"),
        contract_ends=pl.when(pl.col("contract_ends_on").is_not_null())
        .then(pl.col("contract_ends_on").dt.strftime("%Y-%m-%d"))
        .when(pl.col("is_commissioned"))
        .then(pl.lit("no end date registered"))
        .otherwise(pl.lit("not commissioned")),
        by_and_for=pl.when(pl.col("is_by_and_for")).then(pl.lit("yes")).otherwise(pl.lit("no")),
        has_base=pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null(),
    ).drop("wards_served")
