"""Course tooling (not the lesson): executing notebooks, the editions, the site, the data manifest.

Run the tools as modules from the course root, e.g. ``python -m tools.execute_notebooks 05`` or
``python -m tools.build_course``; tests and benchmarks import them as ``tools.notebook_tools`` etc.
"""
