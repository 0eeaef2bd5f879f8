"""Demo-data generator: a landing folder that follows the data contract, with its ground truth."""

from .landing import generate_landing

__all__ = ["generate_landing"]
