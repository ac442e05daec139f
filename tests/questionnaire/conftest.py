"""The reference playbook (its volume step has the branching and number questions buyers mistype) is the
``reference`` fixture of tests/conftest.py."""
