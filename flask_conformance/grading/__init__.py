"""Layer 5, grading and reports: grades, results.json, feedback.md, report.html and its charts, JUnit."""
