"""Kiểm Phiếu: offline vote counting for a Vietnamese counting board."""

__version__ = "0.1.0"
