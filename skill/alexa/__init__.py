"""Adapters to the Alexa platform: the API client with deadlines, the user's clock, reminders.

Below the domain: nothing here imports a handler, the content or the speech.
"""
