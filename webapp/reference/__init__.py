"""Reference registers the report draws on: abbreviations and good examples."""
