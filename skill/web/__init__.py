"""Hosting the skill as an HTTPS web service: the Flask app and Alexa request verification.

Never shipped to Lambda; it uses the same skill object (skill.app.build_skill) as every other
way in.
"""
