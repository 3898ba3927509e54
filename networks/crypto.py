"""Kept for the migrations that name `networks.crypto.EncryptedJSONField`: the field lives in core/crypto.py."""

from core.crypto import EncryptedJSONField

__all__ = ["EncryptedJSONField"]
