"""Persistence for the Clientes register: models, engine, repository, secrets, migrations."""
