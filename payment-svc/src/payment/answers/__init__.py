"""The owning service's answer to each succeeded payment (applied or refused), and the sweep that
makes sure no payment is kept without one."""
