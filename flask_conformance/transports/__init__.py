"""Layer 2, carrying: one transport interface in-process and over the wire, loading an app, sandbox frames."""
