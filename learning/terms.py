"""School terms, for the reflective review each term: autumn (September to December), spring
(January to March) and summer (April to August). Cairn's own simple division [U]."""

from datetime import date


def term_start(day: date) -> date:
    if day.month >= 9:
        return date(day.year, 9, 1)
    if day.month >= 4:
        return date(day.year, 4, 1)
    return date(day.year, 1, 1)


def term_label(start: date) -> str:
    name = {9: "Autumn", 4: "Summer", 1: "Spring"}[start.month]
    return f"{name} term {start.year}"
