"""The web channel: a worker files a complaint from a phone, without signing in."""
