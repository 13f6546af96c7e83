"""MeetAssist's AWS platform as code: one CDK stack per concern, for each stage.

- ``settings``: what differs between the stages, and the cdk.json context an operator sets.
- ``zappa_file``: zappa_settings.json read (region, function name) and written back.
- ``network``: VPC over two zones, security groups, S3 and Secrets Manager endpoints.
- ``data``: RDS PostgreSQL with its secret, ElastiCache Redis.
- ``archive``: the retained archive bucket and the stage's deploy bucket.
- ``roles``: the Lambda function's and the worker host's roles, the function's log group.
- ``workers``: the EC2 host running Celery worker and beat (``worker_boot.sh``).
- ``assembly``: every stage's stacks in one app, checked by cdk-nag (``nag``).
- ``outputs``: a deployed stage's stack outputs, as ``zappa_from_outputs.py`` reads them.

Dependencies point one way: settings ← network ← data, archive ← roles ← workers.
"""
