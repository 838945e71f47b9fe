"""Runs one scenario against stripe-sim and against localstripe, with Stripe's official Python
SDK, and compares what both answer for the subset both emulate.

Usage: differential_localstripe.py <stripe-sim base URL> <localstripe base URL>

localstripe speaks a 2017 API, so only fields both have are compared; each place where its
old API differs is noted next to the step that works around it. Exit status 1 on any mismatch.
"""

import sys

import stripe

KEY = "sk_test_" + "4" * 24


def scenario(base, has_prices):
    """The shared scenario; returns the facts to compare, normalised. `has_prices` is false
    for localstripe, whose 2017 API has plans instead of prices."""
    client = stripe.StripeClient(KEY, base_addresses={"api": base.rstrip("/")}, max_network_retries=0)
    facts = {}

    customer = client.v1.customers.create(params={"email": "ap@acme.example", "name": "Acme GmbH", "metadata": {"po": "PO-1"}})
    facts["customer"] = {"email": customer.email, "name": customer.name, "metadata": customer.metadata.to_dict(), "object": customer.object}
    client.v1.customers.create(params={"email": "other@acme.example"})

    listed = client.v1.customers.list(params={"email": "ap@acme.example"})
    facts["list_by_email"] = [c.email for c in listed.data]

    updated = client.v1.customers.update(customer.id, params={"name": "Acme AG"})
    facts["customer_update"] = {"name": updated.name, "email": updated.email}

    # localstripe lists oldest first; Stripe (and stripe-sim) newest first. Only the page
    # size and has_more are compared; the order is checked by stripe-sim's own tests.
    everyone = client.v1.customers.list(params={"limit": 1})
    facts["first_page"] = {"count": len(everyone.data), "has_more": everyone.has_more}

    product = client.v1.products.create(params={"name": "Gold sponsorship"})
    facts["product"] = {"name": product.name, "active": product.active, "object": product.object}

    try:
        client.v1.customers.retrieve("cus_doesnotexist")
        facts["missing_customer"] = "no error"
    except stripe.InvalidRequestError as err:
        # localstripe answers 404 with its own wording; the status and error type are what
        # both must share.
        facts["missing_customer"] = {"status": err.http_status, "type": err.error.type if err.error else None}

    paid = client.v1.payment_intents.create(
        params={"amount": 5000, "currency": "usd", "customer": customer.id, "payment_method": "pm_card_visa", "confirm": True}
    )
    facts["payment_intent"] = {"status": paid.status, "amount": paid.amount, "currency": paid.currency}

    partial = client.v1.refunds.create(params={"payment_intent": paid.id, "amount": 2000})
    facts["partial_refund"] = {"status": partial.status, "amount": partial.amount}
    # localstripe refunds the whole charge again when no amount is given, even after a
    # partial refund; Stripe refunds what remains (3000 here). Only the status is compared.
    rest = client.v1.refunds.create(params={"payment_intent": paid.id})
    facts["remaining_refund"] = {"status": rest.status}

    pending = client.v1.payment_intents.create(params={"amount": 3000, "currency": "usd", "customer": customer.id})
    canceled = client.v1.payment_intents.cancel(pending.id)
    facts["cancel"] = {"before": pending.status, "after": canceled.status}

    card = client.v1.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    client.v1.customers.update(customer.id, params={"invoice_settings": {"default_payment_method": card.id}})
    if has_prices:
        monthly = client.v1.prices.create(
            params={"currency": "usd", "unit_amount": 2500, "recurring": {"interval": "month"}, "product": product.id}
        )
        item = {"price": monthly.id}
    else:
        plan = client.v1.plans.create(params={"amount": 2500, "currency": "usd", "interval": "month", "product": product.id})
        item = {"plan": plan.id}
    subscription = client.v1.subscriptions.create(params={"customer": customer.id, "items": [item]})
    first = client.v1.invoices.retrieve(subscription.latest_invoice)
    facts["subscription"] = {"status": subscription.status, "invoice": first.status, "due": first.amount_due, "paid": first.amount_paid}
    # localstripe answers `incomplete` for a trial; Stripe says `trialing` (checked on
    # stripe-sim alone below), so trials are not compared.
    canceled = client.v1.subscriptions.cancel(subscription.id)
    facts["subscription_cancel"] = {"status": canceled.status}

    deleted = client.v1.customers.delete(customer.id)
    facts["deleted"] = {"deleted": deleted.deleted}
    return facts


def stripe_sim_only(base):
    """What localstripe gets wrong or lacks, checked on stripe-sim alone."""
    client = stripe.StripeClient(KEY, base_addresses={"api": base.rstrip("/")}, max_network_retries=0)
    paid = client.v1.payment_intents.create(
        params={"amount": 5000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True}
    )
    client.v1.refunds.create(params={"payment_intent": paid.id, "amount": 2000})
    rest = client.v1.refunds.create(params={"payment_intent": paid.id})
    assert rest.amount == 3000, f"the second refund should be what remains, got {rest.amount}"
    try:
        # localstripe does not know Stripe's declining test card at all.
        client.v1.payment_intents.create(
            params={"amount": 5000, "currency": "usd", "payment_method": "pm_card_chargeDeclined", "confirm": True}
        )
        raise AssertionError("a declined card must raise")
    except stripe.CardError as err:
        assert err.code == "card_declined", err.code
    customer = client.v1.customers.create(
        params={"payment_method": "pm_card_visa", "invoice_settings": {"default_payment_method": "pm_card_visa"}}
    )
    monthly = client.v1.prices.create(
        params={"currency": "usd", "unit_amount": 2500, "recurring": {"interval": "month"}, "product_data": {"name": "Plan"}}
    )
    trial = client.v1.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": monthly.id}], "trial_period_days": 7}
    )
    assert trial.status == "trialing", trial.status
    print("stripe-sim-only checks pass")


def main():
    sim, localstripe = sys.argv[1], sys.argv[2]
    ours = scenario(sim, has_prices=True)
    theirs = scenario(localstripe, has_prices=False)
    mismatches = [key for key in ours if ours[key] != theirs.get(key)]
    for key in ours:
        marker = "DIFFERS" if key in mismatches else "same"
        print(f"{marker:8} {key}: stripe-sim={ours[key]!r} localstripe={theirs.get(key)!r}")
    if mismatches:
        print(f"{len(mismatches)} of {len(ours)} facts differ", file=sys.stderr)
        sys.exit(1)
    print(f"all {len(ours)} facts agree")
    stripe_sim_only(sim)


if __name__ == "__main__":
    main()
