"""Checksum-aware CSV archive of every table, and the seeder that reads it back."""
