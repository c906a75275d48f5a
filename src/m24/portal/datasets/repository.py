"""Reading the dataset catalogue: one filter, used by GraphQL and the web pages alike."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from m24.auth.principal import Principal
from m24.portal.datasets.models import Dataset
from m24.portal.datasets.service import visible_condition
from m24.portal.text_filter import contains_all_words


@dataclass(frozen=True)
class DatasetFilter:
    """Exact facet values (already validated) and free words; None means no filter."""

    theme: str | None = None
    data_kind: str | None = None
    access_tier: str | None = None
    process: str | None = None
    equipment: str | None = None
    labelled: bool | None = None
    standard: str | None = None
    text: str | None = None


def catalogue_conditions(principal: Principal, flt: DatasetFilter) -> list[sa.ColumnElement[bool]]:
    """What the principal may see (published, or their agency's or company's), narrowed by the filter."""
    conditions: list[sa.ColumnElement[bool]] = [visible_condition(principal)]
    for column, value in (
        (Dataset.theme, flt.theme),
        (Dataset.process, flt.process),
        (Dataset.equipment, flt.equipment),
        (Dataset.data_standard, flt.standard),
        (Dataset.data_kind, flt.data_kind),
        (Dataset.access_tier, flt.access_tier),
    ):
        if value is not None:
            conditions.append(column == value)
    if flt.labelled is not None:
        conditions.append(Dataset.is_labelled.is_(flt.labelled))
    if flt.text is not None:
        conditions.append(contains_all_words(flt.text, Dataset.title, Dataset.description))
    return conditions
