"""claimledger: a ledger of wartime allegations and their verification status, with exact provenance."""
__version__ = "0.1.0"
