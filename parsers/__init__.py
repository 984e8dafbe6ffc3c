"""netstat-normalizer: netstat and ss output from many systems, as canonical typed records."""
