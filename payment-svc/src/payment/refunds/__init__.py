"""Refunds: full or partial by staff or an integrator, automatic for late and extra captures."""
