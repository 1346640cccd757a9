"""The admin area: sign-in, sessions, CSRF, throttling, the incident forms, API tokens
and the write API.

Flow: `guard` decides from the raw path whether a request is public, admin (a
session cookie) or write API (a bearer token) and refuses what is not allowed
before any handler runs; views parse the form (`forms`), call one storage write
(`storage.incidents.writes`, `storage.incidents.edits`, which also write the audit
log) and redirect; pages render from one context object (`incident_context`,
`render`) with templates/admin/.
"""
