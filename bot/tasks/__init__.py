"""Tasks assigned to cadres: parsing commands, the service, and how tasks are shown."""
