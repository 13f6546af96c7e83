"""Phone numbers already stored go to their one stored form (``meetassist.phones``).

A data migration must not import live code (which will change), so the few rules it needs
are copied here as they were when it was written; the numbering plan is the ``phonenumbers``
library's. Text that is not a valid number stays as it is. Not reversible in content: going
back leaves the numbers in their stored form.
"""

import re

import phonenumbers
from django.db import migrations

BATCH = 2000
OLD_MOBILE_PREFIXES = {
    "162": "32", "163": "33", "164": "34", "165": "35", "166": "36", "167": "37",
    "168": "38", "169": "39", "120": "70", "121": "79", "122": "77", "126": "76",
    "128": "78", "123": "83", "124": "84", "125": "85", "127": "81", "129": "82",
    "186": "56", "188": "58", "199": "59",
}
EXCEL_TEXT = re.compile(r'="(.*)"', re.DOTALL)
WRITTEN_AS_NUMBER = re.compile(r"(?:\+|00)?[0-9 .\-()\u00a0]*[0-9][0-9 .\-()\u00a0]*")


def stored_form(typed):
    wrapped = EXCEL_TEXT.fullmatch(typed.strip())
    text = (wrapped.group(1) if wrapped else typed).strip()
    if text == "":
        return ""
    if not WRITTEN_AS_NUMBER.fullmatch(text):
        return typed
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        return typed
    if not phonenumbers.is_valid_number(number):
        national = phonenumbers.national_significant_number(number)
        prefix = OLD_MOBILE_PREFIXES.get(national[:3])
        if number.country_code != 84 or len(national) != 10 or prefix is None:
            return typed
        number = phonenumbers.parse("0" + prefix + national[3:], "VN")
        if not phonenumbers.is_valid_number(number):
            return typed
    if phonenumbers.region_code_for_number(number) != "VN":
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.sub(r"[^0-9]", "", national)


def phones_to_stored_form(apps, schema_editor):
    for name in ("Customer", "Consultant"):
        model = apps.get_model("appointments", name)
        rows = model.objects.exclude(phone_number="").order_by("pk").values_list("pk", "phone_number")
        batch = list(rows[:BATCH])
        while batch:  # by key ranges: no cursor stays open over the rows being updated
            stored = {pk: stored_form(typed) for pk, typed in batch}
            changed = [model(pk=pk, phone_number=stored[pk]) for pk, typed in batch if stored[pk] != typed]
            model.objects.bulk_update(changed, ["phone_number"])
            batch = list(rows.filter(pk__gt=batch[-1][0])[:BATCH])


class Migration(migrations.Migration):
    dependencies = [("appointments", "0004_schedule_created_at")]

    operations = [
        migrations.RunPython(phones_to_stored_form, migrations.RunPython.noop, elidable=True),
    ]
