"""The course website's build extensions (installed with the book tools, not with dlcourse).

* :mod:`dlcourse_book.sphinxext`: each inline script once per page, Font Awesome icons nested
  (listed in ``_config.yml`` under ``sphinx.extra_extensions``).
* :mod:`dlcourse_book.grader_output`: the MyST-NB renderer that keeps the grader's JSON output
  parts off the pages (registered in ``book_ext/pyproject.toml``).
"""
