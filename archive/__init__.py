"""Checksum-aware CSV archive of every table, and the seeder that reads it back.

A module imports only from the layers listed above its own (docs/architecture.md, "Layers"):

- core/     tables (the registry), codec, escape, spreadsheet, calendar, sql, status,
            csvfile, collision, change_record, lock, progress; then models.py
- storage/  backends, layout (object keys), objects, streams, manifest, keys
- export/   database → archive: run, context, table, drift, sources, pg_source, ownership,
            retention, history_merge
- seed/     archive → database: run, plan, load, reader (and its parts), verify, loaders/,
            upload
            (export and seed never import each other)
- audit/    verify (verify_archive), rebuild (the manifest from the objects)
- surface   services, selectors, schedule, checks; uploads; tasks; admin/, management/:
            what commands, tasks and the dashboard call
"""
