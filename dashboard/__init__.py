"""Staff overview pages and their JSON endpoints."""
