"""Reading the note: sentences and sections, context, typed facts with spans."""
