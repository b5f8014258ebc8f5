"""Refunds: full or partial by staff or an integrator; automatic for late and extra captures and
for every payment its owning service refuses (payment.answers)."""
