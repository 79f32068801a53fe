"""The throughput benchmark's parts: a generated mirror, its server, the measured arms and the report."""
