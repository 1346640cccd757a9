"""Messages to subscribers of the public page: confirmation mails, incident and
maintenance notices by email and by webhook (docs/subscribers.md)."""
