"""The DynamoDB table's layout, apart from the adapter so that reading it costs no boto3 import
(skill/store/dynamodb.py imports boto3 as soon as it is imported)."""

# The DynamoDB table's partition key and the item attribute holding the record (Lambda).
# template.yaml declares the same key; tests/test_state_dynamodb.py builds its table from the
# template, so the two cannot drift apart.
STATE_TABLE_KEY = "id"
STATE_TABLE_ATTRIBUTE = "attributes"
# The record's version number, for writes conditional on what was read (optimistic concurrency).
STATE_TABLE_VERSION = "version"
# The deletion marker a record was created after (skill/store/records.py explains markers).
STATE_TABLE_BORN = "born"
# A deletion marker's expiry (epoch seconds): the table's time-to-live attribute (template.yaml).
STATE_TABLE_EXPIRES = "expires"
# A token for the one write that produced the item. A write whose reply is lost (a time-out) may
# still have landed; botocore then sends it again, the copy fails its condition, and the token
# read back says the first one landed, so the turn's changes are neither dropped nor counted twice.
STATE_TABLE_WRITER = "writer"
