"""Build tools: the interaction model generator and the deployment packager.

Developer-side only (never shipped to Lambda); they read content/ and interaction_models/.
"""
