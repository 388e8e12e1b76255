"""Web app tests: API, pages, fuzzing, a real browser and gunicorn."""
