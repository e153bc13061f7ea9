"""Dates: ``parse_date`` (ISO, "May 30, 2021", "30 May 2021", RFC 2822 → ISO
``YYYY-MM-DD``) and ``strip_date_line`` (the issue date line near the top of a
plain-text issue)."""
from __future__ import annotations

import re
from datetime import date

_DATE_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i + 1 for i, m in enumerate(_DATE_WORDS)}
_D_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\b")
_D_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_D_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")


def parse_date(value: str | None) -> str | None:
    """An ISO ``YYYY-MM-DD`` from common date spellings, else None."""
    if not value:
        return None
    value = value.strip()
    candidates: list[tuple[int, int, int]] = []
    if m := _D_ISO.search(value):
        candidates.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    if m := _D_MDY.search(value):
        month = _MONTHS.get(m.group(1)[:3].lower())
        if month:
            candidates.append((int(m.group(3)), month, int(m.group(2))))
    if m := _D_DMY.search(value):
        month = _MONTHS.get(m.group(2)[:3].lower())
        if month:
            candidates.append((int(m.group(3)), month, int(m.group(1))))
    for y, mo, d in candidates:
        try:
            return date(y, mo, d).isoformat()
        except ValueError:
            continue
    try:  # RFC 2822 (mail, RSS)
        import email.utils
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def strip_date_line(text: str) -> tuple[str, str | None]:
    """A short line near the top that is only a date (optionally labelled) is the
    issue date; it is removed from the text."""
    lines = text.splitlines()
    for n, line in enumerate(lines[:15]):
        s = line.strip()
        if not s or len(s) > 60:
            continue
        rest = re.sub(r"^(?:published|posted|date|issue date|sent)\s*[:\-–]?\s*", "", s, flags=re.I)
        found = parse_date(rest)
        if found and len(re.sub(r"[\d\W_]+", " ", rest).split()) <= 3:
            return "\n".join(lines[:n] + lines[n + 1:]), found
    return text, None

