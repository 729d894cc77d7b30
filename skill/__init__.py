"""Muscle Twitch Guide: an Alexa skill that answers questions about muscle twitching.

Start at `skill/app.py` (the skill object and the Lambda entry point), then `skill/handlers/`.
"""
