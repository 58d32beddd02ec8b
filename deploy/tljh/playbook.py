# The Littlest JupyterHub: open every participant's JupyterLab on the playbook's start notebook.
# Copy this file to /opt/tljh/config/jupyterhub_config.d/ and run `sudo tljh-config reload hub`.
# Each participant's copy of the playbook comes from /etc/skel/playbook (see the README).
c.Spawner.default_url = "/lab/tree/playbook/00_start_here.ipynb"  # noqa: F821
