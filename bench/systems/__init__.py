"""The measured systems, each answering the same full search request (see ``base.Answer``)."""
