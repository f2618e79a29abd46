"""Reading: one file → its text and page fields (``readers``; saved web pages in ``html_page``
and ``page_chrome``), and the display text a user reads and cites (``cleaning``).
"""
