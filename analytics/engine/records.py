"""The period's records and the roll's dimensions, as DuckDB tables the measures read."""

from datetime import date, datetime, time, timedelta
from pathlib import Path
from uuid import UUID

import duckdb
from django.conf import settings

from analytics.engine.figures import AGE_BANDS, NEGLECT_CP_CODE
from analytics.engine.loading import _load, _q
from analytics.periods import Period
from analytics.reference import ethnicity_groups, household_factors
from concerns.models import Category
from pupils.models import SenStatus, Sex, SocialCareStatus

# The records as the measures read them, cut from the store's copy to the chosen schools and
# to what had been written by the end of the period ($end_epoch): the same rows, by the same
# rules, that were once read from the database for each dashboard (ADR 11).
_SQL_RECORDS = """
CREATE TEMP TABLE concerns AS
    SELECT pk AS concern_id, school_id, occurred, written FROM base_concerns
    WHERE school_id IN (SELECT school_id FROM chosen) AND written <= $end_epoch;
CREATE TEMP TABLE subjects AS
    SELECT s.concern_id, s.pupil_id FROM base_subjects s SEMI JOIN concerns USING (concern_id);
CREATE TEMP TABLE categories AS
    WITH latest AS (
        SELECT v.concern_id, arg_max(v.pk, v.number) AS version_id
        FROM base_versions v SEMI JOIN concerns USING (concern_id)
        WHERE v.written <= $end_epoch GROUP BY ALL
    )
    SELECT l.concern_id, c.category_id
    FROM latest l JOIN base_version_categories c USING (version_id);
CREATE TEMP TABLE decisions AS
    SELECT d.concern_id, d.outcome, d.decided, d.review_date
    FROM base_decisions d SEMI JOIN concerns USING (concern_id)
    WHERE d.decided <= $end_epoch;
CREATE TEMP TABLE actions AS
    SELECT c.school_id, a.due_on, a.created, x.completed
    FROM base_actions a JOIN concerns c USING (concern_id)
    LEFT JOIN base_completions x ON x.action_id = a.pk
    WHERE a.created <= $end_epoch;
CREATE TEMP TABLE factors AS
    SELECT f.school_id, f.pupil_id, f.code FROM base_factors f
    WHERE f.school_id IN (SELECT school_id FROM chosen)
      AND f.recorded <= $end_epoch AND f.known_from <= $end
      AND NOT EXISTS (SELECT 1 FROM base_factor_withdrawals w
                      WHERE w.factor_id = f.pk AND w.withdrawn <= $end_epoch);
CREATE TEMP TABLE encompass AS
    SELECT school_id, pupil_id,
           CAST(timezone($tz, to_timestamp(occurred)) AS DATE) AS occurred
    FROM base_encompass
    WHERE school_id IN (SELECT school_id FROM chosen)
      AND occurred BETWEEN $start_epoch AND $end_epoch;
"""


def _category_labels(school_ids: list[UUID]) -> tuple[dict[str, str], frozenset[str]]:
    """Category labels by code, and the codes that are neglect (CP code NEG)."""
    labels: dict[str, str] = {}
    neglect: set[str] = set()
    for code, label, cp_code in Category.objects.filter(school_id__in=school_ids).values_list(
        "code", "label", "cp_code"
    ):
        labels.setdefault(code, label)
        if cp_code == NEGLECT_CP_CODE:
            neglect.add(code)
    return labels, frozenset(neglect)


_SQL_SETUP = """
CREATE TEMP VIEW r AS SELECT * FROM $roll;
CREATE TEMP TABLE cur_cat AS
    SELECT DISTINCT c.concern_id, k.code, k.cp_code
    FROM categories c JOIN category_codes k USING (category_id);
CREATE TEMP TABLE inper AS
    SELECT * FROM concerns WHERE occurred BETWEEN $start AND $end;
CREATE TEMP TABLE cp AS
    SELECT DISTINCT i.school_id, i.concern_id, s.pupil_id, i.written
    FROM inper i JOIN subjects s USING (concern_id);
CREATE TEMP TABLE cpc AS
    SELECT cp.*, k.code, k.cp_code FROM cp JOIN cur_cat k USING (concern_id);
CREATE TEMP TABLE neg_concerns AS
    SELECT DISTINCT concern_id FROM cur_cat WHERE cp_code = 'NEG';
CREATE TEMP TABLE kids AS
    SELECT DISTINCT school_id, pupil_id FROM cp;
CREATE TEMP TABLE cur_dec AS
    SELECT concern_id, arg_max(outcome, decided) AS outcome,
           arg_max(review_date, decided) AS review_date,
           min(decided) AS first_decided
    FROM decisions GROUP BY ALL;
CREATE TEMP TABLE first_beyond AS
    SELECT concern_id, min(decided) AS decided FROM decisions
    WHERE outcome NOT IN ('nfa', 'monitor') GROUP BY ALL;
"""


def _setup(
    db: duckdb.DuckDBPyConnection,
    directory: Path,
    *,
    types: dict[str, dict[str, str]],
    roll: str,
    school_ids: list[UUID],
    period: Period,
    as_of_end: datetime,
) -> None:
    """Load the per-dashboard files written in `directory` (typed by `types`), then cut the
    store's copy to the schools and period; `roll` names the store's kept roll table."""
    for name, columns in types.items():
        _load(db, name, directory / f"{name}.tsv", columns)
    db.execute("CREATE TEMP TABLE chosen (school_id UUID)")
    db.executemany("INSERT INTO chosen VALUES (?)", [(str(s),) for s in school_ids])
    # Encompass notifications from the day before the period (the engine's window for a
    # notification that bears on the period's first day) to the end of the period.
    start = datetime.combine(period.start - timedelta(days=1), time.min, tzinfo=as_of_end.tzinfo)
    values = {
        "$end_epoch": str(int(as_of_end.timestamp())),
        "$start_epoch": str(int(start.timestamp())),
        "$tz": _q(settings.TIME_ZONE),
        "$start": f"DATE '{period.start}'",
        "$end": f"DATE '{period.end}'",
        "$roll": roll,
    }
    sql = _SQL_RECORDS + _SQL_SETUP
    for placeholder, value in values.items():
        sql = sql.replace(placeholder, value)
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


def _dimension_sql(as_of: date) -> str:
    bands = " ".join(
        f"WHEN age BETWEEN {low} AND {high} THEN {_q(label)}" for low, high, label in AGE_BANDS
    )
    groups = []
    for match, group in ethnicity_groups():
        if match.endswith("*"):
            groups.append(f"WHEN ethnicity LIKE {_q(match[:-1] + '%')} THEN {_q(group)}")
        else:
            groups.append(f"WHEN ethnicity = {_q(match)} THEN {_q(group)}")
    sen = " ".join(f"WHEN sen = {_q(v)} THEN {_q(label)}" for v, label in SenStatus.choices)
    sex = " ".join(f"WHEN sex = {_q(v)} THEN {_q(label)}" for v, label in Sex.choices)
    care = " ".join(
        f"WHEN social_care = {_q(v)} THEN {_q(label)}" for v, label in SocialCareStatus.choices
    )
    return f"""
    CREATE TEMP TABLE dims AS
    SELECT school_id, pupil_id, disadvantaged, k.kid IS NOT NULL AS has_concern,
           CASE {bands} ELSE 'Not known' END AS age_band,
           CASE {sex} ELSE 'Not known' END AS sex,
           CASE WHEN ethnicity IS NULL THEN 'Not known or refused' {" ".join(groups)}
                ELSE 'Not known or refused' END AS ethnicity,
           CASE {sen} ELSE 'Not known' END AS sen,
           CASE WHEN disability THEN 'Yes' ELSE 'No' END AS disability,
           CASE WHEN disadvantaged THEN 'Yes' ELSE 'No' END AS disadvantaged_label,
           CASE {care} ELSE 'Not known' END AS social_care
    FROM (SELECT *, date_part('year', age(DATE '{as_of}', dob))::INTEGER AS age FROM r) a
    LEFT JOIN (SELECT school_id, pupil_id, pupil_id AS kid FROM kids) k USING (school_id, pupil_id)
    """


def _factor_condition(slug: str) -> str | None:
    factor = next(f for f in household_factors() if f.slug == slug)
    parts = []
    if factor.concern_categories:
        codes = ", ".join(_q(c) for c in factor.concern_categories)
        parts.append(
            "EXISTS (SELECT 1 FROM cpc x WHERE x.school_id = k.school_id "
            f"AND x.pupil_id = k.pupil_id AND x.code IN ({codes}))"
        )
    if factor.factor_codes:
        codes = ", ".join(_q(c) for c in factor.factor_codes)
        parts.append(
            "EXISTS (SELECT 1 FROM factors f WHERE f.school_id = k.school_id "
            f"AND f.pupil_id = k.pupil_id AND f.code IN ({codes}))"
        )
    if factor.encompass:
        parts.append(
            "EXISTS (SELECT 1 FROM encompass e WHERE e.school_id = k.school_id "
            "AND e.pupil_id = k.pupil_id AND e.occurred BETWEEN $start AND $end)"
        )
    flag_columns = {"disadvantaged": "disadvantaged", "free_school_meals": "fsm"}
    for flag in factor.pupil_flags:
        parts.append(
            f"EXISTS (SELECT 1 FROM r WHERE r.school_id = k.school_id "
            f"AND r.pupil_id = k.pupil_id AND r.{flag_columns[flag]})"
        )
    return " OR ".join(parts) if parts else None
