"""Layer 4, targets: one factory for every kind of target, the spec's client, live servers, checks."""
