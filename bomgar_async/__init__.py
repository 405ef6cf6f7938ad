"""bomgar_async: an async, typed SDK for the Bomgar / BeyondTrust Remote Support APIs."""
