"""The subscription lifecycle against stripe-sim with Stripe's official Python SDK:
trial → active → failed renewal → past_due → recovered.

Usage: subscription_lifecycle.py <stripe-sim base URL>. Exit status 1 on any mismatch.
"""

import json
import sys
import urllib.request

import stripe

DAY = 86_400


def advance(base, seconds):
    """Moves the emulator's clock (its control API; real Stripe uses test clocks)."""
    request = urllib.request.Request(
        base + "_sim/clock/advance",
        data=json.dumps({"seconds": seconds}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)["now"]


def expect(label, actual, wanted):
    print(f"{label}: {actual}")
    if actual != wanted:
        print(f"MISMATCH {label}: wanted {wanted!r}, got {actual!r}", file=sys.stderr)
        sys.exit(1)


def main():
    base = sys.argv[1]
    if not base.endswith("/"):
        base += "/"
    client = stripe.StripeClient("sk_test_" + "7" * 24, base_addresses={"api": base.rstrip("/")}, max_network_retries=0)

    customer = client.v1.customers.create(
        params={"email": "members@acme.example", "payment_method": "pm_card_visa",
                "invoice_settings": {"default_payment_method": "pm_card_visa"}}
    )
    price = client.v1.prices.create(
        params={"currency": "usd", "unit_amount": 2500, "recurring": {"interval": "month"},
                "product_data": {"name": "Community membership"}}
    )
    subscription = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": price.id}], "trial_period_days": 7}
    )
    expect("after create", subscription.status, "trialing")

    advance(base, 8 * DAY)
    subscription = client.v1.subscriptions.retrieve(subscription.id)
    expect("after the trial", subscription.status, "active")
    invoices = client.v1.invoices.list(params={"subscription": subscription.id, "status": "paid"})
    expect("paid invoice after the trial", any(i.amount_paid == 2500 for i in invoices.data), True)

    declining = client.v1.payment_methods.attach("pm_card_chargeDeclined", params={"customer": customer.id})
    client.v1.customers.update(customer.id, params={"invoice_settings": {"default_payment_method": declining.id}})
    advance(base, 31 * DAY)
    subscription = client.v1.subscriptions.retrieve(subscription.id)
    expect("after a declined renewal", subscription.status, "past_due")
    open_invoices = client.v1.invoices.list(params={"subscription": subscription.id, "status": "open"})
    expect("open renewal invoices", len(open_invoices.data), 1)

    visa = client.v1.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    client.v1.customers.update(customer.id, params={"invoice_settings": {"default_payment_method": visa.id}})
    paid = client.v1.invoices.pay(open_invoices.data[0].id)
    expect("renewal invoice after paying", paid.status, "paid")
    subscription = client.v1.subscriptions.retrieve(subscription.id)
    expect("after recovering", subscription.status, "active")

    events = client.v1.events.list(params={"type": "customer.subscription.updated", "limit": 100})
    statuses = [e.data.object["status"] for e in reversed(events.data)]
    expect("subscription went through past_due", "past_due" in statuses, True)
    print("subscription lifecycle matches")


if __name__ == "__main__":
    main()
