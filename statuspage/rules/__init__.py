"""Pure rules: they take data and `now` and return a decision. Nothing here reads a
clock, a database or the network, so tests pass time in and check every edge."""
