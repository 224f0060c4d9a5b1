"""Layer 1, reading: URLs, pages and forms as a browser reads them, rubrics, strategies, the browser walk."""
