"""Layer 6, the pytest plugin: settings, hooks, the results collector, the spec's fixtures."""
