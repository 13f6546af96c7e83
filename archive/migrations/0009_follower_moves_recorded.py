# The appointment table's change-record function, frozen here (archive.core.change_record.
# function_sql at this migration): when an appointment changes month, its feedback's old
# and new months are recorded whether or not this database holds the feedback, so archived
# feedback it never loaded follows its appointment (archive.export.retention).

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION archive_note_appointment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
    INSERT INTO archive_change (table_name, month)
    SELECT DISTINCT 'appointment', date_trunc('month', r."date")::date FROM new_rows r;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO archive_change (table_name, month)
    SELECT DISTINCT 'appointment', date_trunc('month', r."date")::date FROM old_rows r;
    INSERT INTO archive_change (table_name, month, key, made)
    SELECT 'appointment', date_trunc('month', r."date")::date, jsonb_build_array(COALESCE((r."appointment_id")::text, '')), r."created_at" FROM old_rows r
    WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n."appointment_id" = r."appointment_id");
    INSERT INTO archive_change (table_name, month) SELECT DISTINCT 'appointmentfeedback', v.m FROM old_rows o JOIN new_rows n ON n."appointment_id" = o."appointment_id" CROSS JOIN LATERAL (VALUES (date_trunc('month', o."date")::date), (date_trunc('month', n."date")::date)) v(m) WHERE date_trunc('month', o."date")::date IS DISTINCT FROM date_trunc('month', n."date")::date;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO archive_change (table_name, month, key, made)
    SELECT 'appointment', date_trunc('month', r."date")::date, jsonb_build_array(COALESCE((r."appointment_id")::text, '')), r."created_at" FROM old_rows r;
  ELSIF TG_OP = 'TRUNCATE' THEN
    INSERT INTO archive_change (table_name, month) VALUES ('appointment', NULL), ('appointmentfeedback', NULL);
  END IF;
  RETURN NULL;
END $$;"""

BEFORE = r"""
CREATE OR REPLACE FUNCTION archive_note_appointment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
    INSERT INTO archive_change (table_name, month)
    SELECT DISTINCT 'appointment', date_trunc('month', r."date")::date FROM new_rows r;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO archive_change (table_name, month)
    SELECT DISTINCT 'appointment', date_trunc('month', r."date")::date FROM old_rows r;
    INSERT INTO archive_change (table_name, month, key, made)
    SELECT 'appointment', date_trunc('month', r."date")::date, jsonb_build_array(COALESCE((r."appointment_id")::text, '')), r."created_at" FROM old_rows r
    WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n."appointment_id" = r."appointment_id");
    INSERT INTO archive_change (table_name, month) SELECT DISTINCT 'appointmentfeedback', v.m FROM old_rows o JOIN new_rows n ON n."appointment_id" = o."appointment_id" CROSS JOIN LATERAL (VALUES (date_trunc('month', o."date")::date), (date_trunc('month', n."date")::date)) v(m) WHERE date_trunc('month', o."date")::date IS DISTINCT FROM date_trunc('month', n."date")::date AND EXISTS (SELECT 1 FROM "appointments_appointmentfeedback" c WHERE c."appointment_id" = o."appointment_id");
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO archive_change (table_name, month, key, made)
    SELECT 'appointment', date_trunc('month', r."date")::date, jsonb_build_array(COALESCE((r."appointment_id")::text, '')), r."created_at" FROM old_rows r;
  ELSIF TG_OP = 'TRUNCATE' THEN
    INSERT INTO archive_change (table_name, month) VALUES ('appointment', NULL), ('appointmentfeedback', NULL);
  END IF;
  RETURN NULL;
END $$;
"""


def _function(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0008_change_record_made"),
    ]

    operations = [
        migrations.RunPython(_function(FUNCTION), _function(BEFORE)),
    ]
