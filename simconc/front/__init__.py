"""The front ends: the command line (``cli``), the pytest plugin (``pytest_plugin``, loaded by
``_simconc_pytestplugin``), hypothesis strategies of schedules (``strategies``) and the
scenario listing (``scenarios``). Nothing below imports them."""
