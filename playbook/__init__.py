"""playbook: a Jupyter-based playbook for process facilitation."""

__version__ = "0.1.0"
