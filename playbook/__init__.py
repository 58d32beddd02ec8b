"""playbook: a Jupyter-based playbook for process facilitation."""

from .startup import defer

__version__ = "0.1.0"

defer()  # before anything imports jsonschema: see playbook/startup.py
