from motcua.dossiers.tests.conftest import make_procedure, vn, world  # noqa: F401
