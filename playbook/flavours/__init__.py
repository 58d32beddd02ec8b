"""Flavours render the renderable tree of ``playbook.structure``: ``html`` (Jinja templates with
autoescaping, for handouts, reports, the site and widget snapshots), ``widget`` (ipywidgets) and
``text`` (the command line). They sit on the view floor; the core never imports them."""
