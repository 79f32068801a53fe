"""Configuration: the outlets' TOML files and every project setting's default."""
