"""The participation room: participants join from their phones; the facilitator steers from notebook 05.

``store`` keeps a room in SQLite beside the session (no web framework, so notebooks use it directly);
``pages`` renders the room's pages and the results fragment the report shares; ``service`` is the Tornado
application (imported only by ``playbook room`` and the hub service).
"""
