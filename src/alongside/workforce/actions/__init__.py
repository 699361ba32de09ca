"""Every write in the workforce app, one module per resource. Each action is one transaction that
validates, saves and audits (alongside.core.records)."""
