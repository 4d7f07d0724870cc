"""What the codes are (CMS descriptors) and what their documents require (corpus, index)."""
