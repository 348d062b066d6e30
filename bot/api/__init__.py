"""Small HTTP API for onboarding flows: post to a client's channels without knowing channel ids."""
