"""piramide: measure a municipality's resilience against undermining crime with the
Piramide Fitte Gemeenten. Everything runs locally."""

__version__ = "0.1.0"
