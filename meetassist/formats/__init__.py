"""Date and time formats, one style per language (FORMAT_MODULE_PATH), read before Django's.

Django's own give each language two date styles: the admin's changelists and read-only
fields use DATE_FORMAT ("Ngày 05 tháng 3 năm 2025", "March 5, 2025") and our pages the short
one ("05-03-2025", "03/05/2025"), so one page showed both. Here the long and the short are
the same style: ``05/03/2025 14:30`` in Vietnamese, ``5 Mar 2025 14:30`` in English, times
on the 24-hour clock in both. Input formats are not set: inputs keep Django's (the admin's
calendar writes ISO dates, which every language reads).
"""
