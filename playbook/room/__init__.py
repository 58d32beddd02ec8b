"""The participation room: participants join from their phones; the facilitator steers from notebook 05.

``store`` keeps a room in SQLite beside the session (no web framework, so notebooks use it directly);
``pages`` renders the room's pages and the results fragment the report shares; ``rooms`` and ``service``
are the Tornado service (its rooms in memory, its HTTP handlers), ``local`` runs it for one session
(``playbook room``) and ``hub`` as a JupyterHub service. Only those last four import Tornado.
"""
