"""Phone numbers in one stored form: the national form Vietnamese staff type (``0912345678``).

Every way in (admin forms, the archive codec for seed and upload, demo data) goes through
``phone_normalize``; search goes through ``phone_search_terms``. The numbering plan is the
``phonenumbers`` library's (region VN). What it does not know is ours, written here:

- the 2018 renumbering of 11-digit mobiles (``OLD_MOBILE_PREFIXES``, from the Ministry of
  Information and Communications' table): the library validates today's plan only;
- what spreadsheets do to a number: Excel's ``="0912…"`` text trick, a lost leading zero
  (the library reads ``912345678`` and ``2438261234`` as national numbers by itself);
- which characters a number may be written with: only digits, spaces, dots, dashes,
  brackets and a leading ``+`` or ``00``. The library would also pick a number out of
  ``Tel: 0912…`` or drop an extension; such text is kept as typed instead, never cut.

Stored form: a valid Vietnamese number as its national form without separators
(``0912345678``, ``02438261234``; service numbers have no leading zero: ``19001234``,
``18001090``), a valid foreign number in E.164 (``+16502530000``). Anything else (not a
valid number, an emergency short code such as ``113``, an extension) is kept exactly as
typed and reported as not valid, so callers count or show a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

REGION = "VN"
PHONE_FIELDS = frozenset({"phone_number"})  # the model fields that hold a phone number
# Old 11-digit mobile prefixes (national number, without its 0) → today's. The last seven
# digits did not change. Converted only when the number is not valid as it is.
OLD_MOBILE_PREFIXES = {
    "162": "32", "163": "33", "164": "34", "165": "35", "166": "36", "167": "37",
    "168": "38", "169": "39", "120": "70", "121": "79", "122": "77", "126": "76",
    "128": "78", "123": "83", "124": "84", "125": "85", "127": "81", "129": "82",
    "186": "56", "188": "58", "199": "59",
}  # fmt: skip
_EXCEL_TEXT = re.compile(r'="(.*)"', re.DOTALL)
_WRITTEN_AS_NUMBER = re.compile(r"(?:\+|00)?[0-9 .\-()\u00a0]*[0-9][0-9 .\-()\u00a0]*")
_NOT_DIGIT = re.compile(r"[^0-9]")
_SEARCH_TERM = re.compile(r"\+?[0-9 .\-()]*[0-9][0-9 .\-()]*")


@dataclass(frozen=True)
class PhoneReading:
    """What ``phone_normalize`` made of a text: the text to store, and whether it is valid."""

    text: str
    valid: bool  # a number of the plan (an empty text counts as valid: no number)
    changed: bool  # ``text`` differs from what was typed


def phone_normalize(typed: str) -> PhoneReading:
    """The stored form of a phone number as typed; invalid text comes back as typed."""
    wrapped = _EXCEL_TEXT.fullmatch(typed.strip())
    text = (wrapped.group(1) if wrapped else typed).strip()
    if text == "":
        return PhoneReading("", True, typed != "")
    number = _parse(text) if _WRITTEN_AS_NUMBER.fullmatch(text) else None
    if number is None:
        return PhoneReading(typed, False, False)
    stored = _stored_form(number)
    return PhoneReading(stored, True, stored != typed)


def _parse(text: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return number
    national = phonenumbers.national_significant_number(number)
    new_prefix = OLD_MOBILE_PREFIXES.get(national[:3])
    if number.country_code != 84 or len(national) != 10 or new_prefix is None:
        return None
    renumbered = phonenumbers.parse("0" + new_prefix + national[3:], REGION)
    return renumbered if phonenumbers.is_valid_number(renumbered) else None


def _stored_form(number: phonenumbers.PhoneNumber) -> str:
    if phonenumbers.region_code_for_number(number) != REGION:
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return _NOT_DIGIT.sub("", phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))


def stored_form_pattern() -> str:
    """A regular expression (no anchors) for the most common stored forms, from the
    library's own plan: ``0`` and a mobile or landline number. Everything it matches
    ``phone_normalize`` returns unchanged and valid; a fast path may take such text as it is.
    """
    plan = phonenumbers.PhoneMetadata.metadata_for_region(REGION)
    mobile, landline = plan.mobile.national_number_pattern, plan.fixed_line.national_number_pattern
    return f"(?a:0(?:{mobile}|{landline}))"  # ASCII: \d is 0-9 only


def phone_search_terms(term: str) -> list[str]:
    """What a stored number may contain when staff search for ``term`` (empty: not a number).

    ``0912``, ``912 345``, ``+84 912``, ``0084912`` and ``+84912345678`` all find
    ``0912345678``: separators go, an international prefix becomes the national ``0``, a
    whole number is put in its stored form.
    """
    term = term.strip()
    if not _SEARCH_TERM.fullmatch(term):
        return []
    whole = phone_normalize(term)
    digits = _NOT_DIGIT.sub("", term)
    terms = {whole.text} if whole.valid else set()
    if term.startswith("+84"):
        terms.add("0" + digits[2:])
    elif digits.startswith("0084"):
        terms.add("0" + digits[4:])
    else:
        terms.add(digits)
    return sorted(t for t in terms if t and t != "0")
