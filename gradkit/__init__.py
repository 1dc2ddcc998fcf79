"""gradkit: learn convolutional networks by building them from scratch in NumPy."""

__version__ = "0.1.0"
