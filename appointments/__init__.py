"""The consulting business: customers, consultants, slots, appointments, programs."""
