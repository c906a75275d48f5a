"""httpx clients for every outside system; each gets a timeout and typed transient/permanent errors."""
