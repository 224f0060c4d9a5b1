"""The lesson's app as written (``lesson``) and a careful one (``robust``)."""
