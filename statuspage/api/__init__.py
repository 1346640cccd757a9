"""The public JSON API: Statuspage v2 reads, uptime figures, the OpenAPI document."""
