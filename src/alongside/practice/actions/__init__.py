"""Every write in the practice app, one module per resource. Each action is one transaction that
validates, saves and audits (alongside.core.records)."""
