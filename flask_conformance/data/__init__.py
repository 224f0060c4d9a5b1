"""Layer 0, data: requests and answers, the requirement registry, atomic files, limits, grader errors."""
