"""Where user records live: SQLite on a developer's machine, DynamoDB in Lambda.

Handlers never touch an adapter; they call skill.store.records (remember, forget, user_record).
"""
