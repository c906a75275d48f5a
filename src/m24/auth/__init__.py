"""Identity: token validation, the principal, the development issuer (the identity issue builds on this)."""
