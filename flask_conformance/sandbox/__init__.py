"""Layer 3, isolating: the sandboxed child, its bubblewrap command, uids, cgroups and memory watch."""
