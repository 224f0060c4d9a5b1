"""The lesson's code as it means it: the reference of the ``tutorial`` profile."""
