"""Course jobs run by ``python -m gmmlib <job>`` (see :mod:`gmmlib.__main__`)."""
