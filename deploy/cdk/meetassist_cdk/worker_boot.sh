#!/bin/bash
# MeetAssist worker host, first boot: install the app from git and start the project's
# systemd units (deploy/systemd). The workers stack fills in the dollar-brace names
# (CloudFormation Fn::Sub); shell variables here are written $LIKE_THIS, without braces.
set -euxo pipefail
export AWS_DEFAULT_REGION=${AWS::Region}
dnf install -y python3.11 python3.11-pip git
id meetassist >/dev/null 2>&1 || useradd --system --create-home --home-dir /opt/meetassist meetassist
if [ ! -d /opt/meetassist/app ]; then
  sudo -u meetassist git clone --branch ${RepoRef} ${RepoUrl} /opt/meetassist/app
fi
cd /opt/meetassist/app
sudo -u meetassist python3.11 -m venv .venv
sudo -u meetassist .venv/bin/pip install --quiet -e .
# SECRET_KEY lives in the stage's remote_env file, written once after the first
# `cdk deploy` (DEPLOY.md, step 3): wait for it rather than fail the boot.
until aws s3 cp s3://${DeployBucket}/${RemoteEnvKey} /run/meetassist-remote-env.json; do sleep 30; done
SECRET_KEY=$(python3.11 -c 'import json, sys; print(json.load(open(sys.argv[1]))["SECRET_KEY"])' /run/meetassist-remote-env.json)
rm -f /run/meetassist-remote-env.json
install -d -m 750 -g meetassist /etc/meetassist
install -m 640 -g meetassist /dev/null /etc/meetassist/worker.env
cat > /etc/meetassist/worker.env <<ENV
DEBUG=false
SECRET_KEY=$SECRET_KEY
ALLOWED_HOSTS=localhost
DATABASE_SECRET_ARN=${DatabaseSecretArn}
ARCHIVE_BUCKET=${ArchiveBucket}
AWS_DEFAULT_REGION=${AWS::Region}
CELERY_BROKER_URL=${BrokerUrl}
LOG_FORMAT=json
ENV
cp deploy/systemd/meetassist-worker.service deploy/systemd/meetassist-beat.service /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now meetassist-worker meetassist-beat
