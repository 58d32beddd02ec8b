"""playbook: a Jupyter-based playbook for process facilitation."""

from . import classcode
from .startup import defer

__version__ = "0.1.0"

defer()  # before anything imports jsonschema: see playbook/startup.py
classcode.install()  # before the first dataclass of the package: see playbook/classcode.py
