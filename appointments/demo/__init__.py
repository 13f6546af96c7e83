"""Demo data: a realistic, reproducible consulting business for ``manage.py demo_data``."""
