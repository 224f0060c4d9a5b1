"""A corrected, careful app: the reference of the ``robust`` profile."""
