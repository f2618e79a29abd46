"""Practices: the directory of named practices (``directory``, their names and spellings in
``names``) and other townships' similar practice (``similar``).
"""
