"""Slack adapter: a slack-bolt ``AsyncApp`` that renders the command core as Block Kit.

``app.build_app`` wires handlers; ``runner.run_slack`` serves it (Socket Mode or HTTP);
``manifest.build_manifest`` describes the Slack app to create.
"""
