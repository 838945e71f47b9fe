"""Signs a webhook body the way Stripe does, with Stripe's official Python SDK.

Usage: sign_webhook.py SECRET TIMESTAMP < body
Prints the `Stripe-Signature` header value for the body read from stdin.
"""

import sys

import stripe

secret, timestamp = sys.argv[1], int(sys.argv[2])
payload = sys.stdin.buffer.read().decode("utf-8")
sys.stdout.write(stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp))
