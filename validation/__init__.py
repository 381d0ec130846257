"""Full-size validation studies of evalkit (scripts; importable for the CI-size tests)."""
