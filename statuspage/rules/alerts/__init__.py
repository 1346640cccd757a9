"""Alert rules: what each rule measures over a window, and how an alert moves from
pending to firing to resolved. The evaluator (`statuspage.alerting`) feeds them."""
