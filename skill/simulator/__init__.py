"""The local simulator: what Alexa would do with a typed utterance, with no Amazon account.

It talks to the skill only through `skill.app.lambda_handler`, exactly as Alexa does.
"""
