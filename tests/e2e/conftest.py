"""The end-to-end tests. Having this conftest puts tests/e2e on ``sys.path`` (pytest's default
"prepend" import mode), so that the tests here and in browser/ can ``import serving``, ``authn``,
``pages_setup``."""
