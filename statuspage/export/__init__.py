"""Static export: the pages, feeds, JSON and badges as files for any static host."""
