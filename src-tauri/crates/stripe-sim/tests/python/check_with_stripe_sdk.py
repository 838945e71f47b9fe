"""Cross-checks stripe-sim with Stripe's official Python SDK (stripe==16.1.0).

Usage: check_with_stripe_sdk.py BASE_URL

Runs the purchase-order invoice flow, a customer balance ledger, credit notes (preview,
create, void), a previewed subscription price change, a coupon on a subscription and the
automatic payout of card payments after the clock moves against
the emulator at BASE_URL with a fake test key and asserts on every answer. Exits 0 when all
checks pass, 1 on the first mismatch, and 2 when the `stripe` package is missing.
"""

import io
import json
import sys
import time
import urllib.request

try:
    import stripe
except ImportError:
    print("the Python package `stripe` (16.1.0) is not installed for " + sys.executable
          + "; run `make test`, which installs it into the test venv", file=sys.stderr)
    sys.exit(2)

EXPECTED_SDK = "16.1.0"


def check(condition, what, got=None):
    """Stops the run with a message naming the failed check."""
    if not condition:
        detail = "" if got is None else f" (got {got!r})"
        print(f"FAIL: {what}{detail}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


def main():
    if len(sys.argv) != 2:
        print("usage: check_with_stripe_sdk.py BASE_URL", file=sys.stderr)
        sys.exit(2)
    check(stripe.VERSION == EXPECTED_SDK, f"stripe SDK is {EXPECTED_SDK}", stripe.VERSION)
    stripe.api_base = sys.argv[1].rstrip("/")
    # Real Stripe takes uploads on files.stripe.com; the emulator on its own base URL.
    stripe.upload_api_base = stripe.api_base
    stripe.api_key = "sk_test_" + "0" * 24 + "pythonsdk"
    stripe.max_network_retries = 0
    started = int(time.time()) - 5

    email = "ap@python.example"
    customer = stripe.Customer.create(email=email, name="Python GmbH", metadata={"source": "sdk"})
    check(customer.id.startswith("cus_"), "customer id has the cus_ prefix", customer.id)
    check(customer.email == email and customer.name == "Python GmbH", "customer fields echo", customer)
    check(customer.metadata["source"] == "sdk", "customer metadata", customer.metadata)
    stripe.Customer.create(email="someone-else@python.example")
    by_email = stripe.Customer.list(email=email)
    check(by_email.object == "list", "customer list is a list", by_email.object)
    check([c.id for c in by_email.data] == [customer.id], "list by email finds exactly the customer",
          [c.id for c in by_email.data])

    product = stripe.Product.create(name="Gold sponsorship")
    check(product.id.startswith("prod_") and product.name == "Gold sponsorship", "product created", product)
    price = stripe.Price.create(product=product.id, unit_amount=1_250_000, currency="eur")
    check(price.id.startswith("price_") and price.unit_amount == 1_250_000 and price.currency == "eur",
          "price created", price)

    invoice = stripe.Invoice.create(
        customer=customer.id,
        collection_method="send_invoice",
        days_until_due=30,
        currency="eur",
        metadata={"po_number": "PO-4711"},
        custom_fields=[{"name": "PO number", "value": "PO-4711"}],
    )
    check(invoice.status == "draft", "new invoice is a draft", invoice.status)
    check(invoice.collection_method == "send_invoice", "collection method", invoice.collection_method)
    check(invoice.due_date is not None and invoice.due_date >= invoice.created + 29 * 86400,
          "due date about 30 days out", invoice.due_date)
    check(invoice.metadata["po_number"] == "PO-4711", "invoice metadata", invoice.metadata)
    check(invoice.custom_fields[0].name == "PO number" and invoice.custom_fields[0].value == "PO-4711",
          "custom field", invoice.custom_fields)

    with_lines = stripe.Invoice.add_lines(invoice.id, lines=[
        {"pricing": {"price": price.id}, "quantity": 1},
        {"price_data": {"currency": "eur", "product": product.id, "unit_amount": 150_000},
         "quantity": 2, "description": "Booth"},
        {"price_data": {"currency": "eur", "product_data": {"name": "Badges"}, "unit_amount": 9_950},
         "quantity": 10, "description": "Badges"},
    ])
    expected_total = 1_250_000 + 2 * 150_000 + 10 * 9_950
    check(len(with_lines.lines.data) == 3, "three lines added in one call", len(with_lines.lines.data))
    check(with_lines.total == expected_total, "total of the three lines", with_lines.total)
    check(with_lines.amount_due == expected_total, "amount due", with_lines.amount_due)

    finalized = stripe.Invoice.finalize_invoice(invoice.id)
    check(finalized.status == "open", "finalized invoice is open", finalized.status)
    check(bool(finalized.number), "finalized invoice has a number", finalized.number)
    check(finalized.hosted_invoice_url.startswith(sys.argv[1].rstrip("/")), "hosted invoice URL on the emulator",
          finalized.hosted_invoice_url)

    sent = stripe.Invoice.send_invoice(invoice.id)
    check(sent.status == "open", "sent invoice stays open", sent.status)

    paid = stripe.Invoice.pay(invoice.id, paid_out_of_band=True)
    check(paid.status == "paid", "paid out of band", paid.status)
    check(paid.amount_paid == expected_total and paid.amount_remaining == 0, "fully paid",
          (paid.amount_paid, paid.amount_remaining))

    events = stripe.Event.list(created={"gte": started}, limit=100)
    types = [event.type for event in events.data]
    for wanted in ["customer.created", "product.created", "price.created", "invoice.created",
                   "invoice.finalized", "invoice.sent", "invoice.paid"]:
        check(wanted in types, f"event {wanted} listed", types)
    paid_events = stripe.Event.list(type="invoice.paid")
    check(len(paid_events.data) == 1 and paid_events.data[0].data.object.id == invoice.id,
          "the invoice.paid event carries the invoice", [e.data.object.id for e in paid_events.data])

    try:
        stripe.Invoice.void_invoice(invoice.id)
        check(False, "voiding a paid invoice is refused")
    except stripe.InvalidRequestError as err:
        check(err.http_status == 400, "voiding a paid invoice is a 400 InvalidRequestError", err.http_status)

    check_balance_ledger()
    check_credit_notes()
    check_proration_preview()
    check_coupons()
    check_partial_refund()
    check_dispute_evidence()
    check_payouts()
    print("all checks passed")


def check_balance_ledger():
    """A credit on the balance pays an invoice, a credit note puts some back: the ledger
    lists each movement with Stripe's type, amount and ending balance, newest first."""
    customer = stripe.Customer.create(name="Balance AG")
    credit = stripe.Customer.create_balance_transaction(
        customer.id, amount=-20_000, currency="eur", description="Prepaid", metadata={"ref": "R-1"})
    check(credit.object == "customer_balance_transaction" and credit.id.startswith("cbtxn_"),
          "balance transaction created", credit)
    check((credit.type, credit.amount, credit.ending_balance) == ("adjustment", -20_000, -20_000),
          "an adjustment credits the balance", credit)
    check(stripe.Customer.retrieve(customer.id).balance == -20_000, "customer balance follows the ledger")

    invoice = stripe.Invoice.create(customer=customer.id, currency="eur")
    stripe.Invoice.add_lines(invoice.id, lines=[{"amount": 15_000, "description": "Workshop"}])
    finalized = stripe.Invoice.finalize_invoice(invoice.id)
    check((finalized.starting_balance, finalized.ending_balance) == (-20_000, -5_000),
          "finalizing applies the balance", (finalized.starting_balance, finalized.ending_balance))
    check(finalized.status == "paid" and finalized.amount_due == 0, "an invoice covered by credit is paid",
          (finalized.status, finalized.amount_due))

    note = stripe.CreditNote.create(invoice=invoice.id, amount=6_000)
    check(note.type == "post_payment" and note.customer_balance_transaction is not None,
          "a credit note on a balance-paid invoice credits the balance", note)

    ledger = stripe.Customer.list_balance_transactions(customer.id)
    got = [(t.type, t.amount, t.ending_balance) for t in ledger.data]
    check(got == [("credit_note", -6_000, -11_000), ("applied_to_invoice", 15_000, -5_000),
                  ("adjustment", -20_000, -20_000)], "the ledger, newest first", got)
    check(ledger.data[1].invoice == invoice.id and ledger.data[0].credit_note == note.id,
          "ledger entries name their invoice and credit note", ledger.data[:2])

    renamed = stripe.Customer.modify_balance_transaction(customer.id, credit.id, description="Prepaid 2026")
    check(renamed.description == "Prepaid 2026" and renamed.amount == -20_000, "only the description changes",
          renamed)
    again = stripe.Customer.retrieve_balance_transaction(customer.id, credit.id)
    check(again.metadata["ref"] == "R-1", "retrieved with its metadata", again.metadata)
    try:
        stripe.Customer.modify_balance_transaction(customer.id, credit.id, amount=1)
        check(False, "changing a transaction's amount is refused")
    except stripe.InvalidRequestError as err:
        check(err.code == "parameter_unknown", "amount is an unknown parameter on update", err.code)


def check_credit_notes():
    """A preview stores nothing; a credit note by lines lowers an open invoice's amount
    remaining and voiding it restores it; on a paid invoice the credit splits into balance
    credit and out of band; a new balance set on the customer is an adjustment."""
    customer = stripe.Customer.create(name="Credit KG")
    invoice = stripe.Invoice.create(customer=customer.id, currency="eur")
    stripe.Invoice.add_lines(invoice.id, lines=[
        {"amount": 6_000, "quantity": 3, "description": "Seats"},
        {"amount": 4_000, "description": "Support"},
    ])
    finalized = stripe.Invoice.finalize_invoice(invoice.id)
    seats = next(line for line in finalized.lines.data if line.description == "Seats")
    lines = [{"type": "invoice_line_item", "invoice_line_item": seats.id, "quantity": 2}]

    preview = stripe.CreditNote.preview(invoice=invoice.id, lines=lines, reason="order_change")
    check(preview.total == 4_000 and preview.lines.data[0].quantity == 2, "a preview credits two seats",
          (preview.total, preview.lines.data[0].quantity))
    check(stripe.CreditNote.list(invoice=invoice.id).data == [], "a preview stores nothing")

    note = stripe.CreditNote.create(invoice=invoice.id, lines=lines, reason="order_change", memo="Two seats less")
    check((note.status, note.type, note.total, note.memo) == ("issued", "pre_payment", 4_000, "Two seats less"),
          "a credit note on an open invoice is pre-payment", note)
    check(stripe.Invoice.retrieve(invoice.id).amount_remaining == 6_000, "it lowers the amount remaining")
    try:
        stripe.CreditNote.create(invoice=invoice.id, amount=1_000, credit_amount=1_000)
        check(False, "crediting the balance from an open invoice is refused")
    except stripe.InvalidRequestError as err:
        check(err.http_status == 400 and err.param == "credit_amount", "credit_amount on an open invoice is a 400",
              (err.http_status, err.param))
    voided = stripe.CreditNote.void_credit_note(note.id)
    check(voided.status == "void" and voided.voided_at is not None, "voided", voided)
    check(stripe.Invoice.retrieve(invoice.id).amount_remaining == 10_000, "voiding restores the amount remaining")

    stripe.Invoice.pay(invoice.id, paid_out_of_band=True)
    split = stripe.CreditNote.create(invoice=invoice.id, amount=3_000, credit_amount=2_000, out_of_band_amount=1_000)
    check((split.type, split.out_of_band_amount) == ("post_payment", 1_000), "a paid invoice's credit splits", split)
    check(stripe.Customer.retrieve(customer.id).balance == -2_000, "the credit part goes to the balance")

    stripe.Customer.modify(customer.id, balance=500)
    ledger = stripe.Customer.list_balance_transactions(customer.id)
    got = [(t.type, t.amount, t.ending_balance) for t in ledger.data]
    check(got == [("adjustment", 2_500, 500), ("credit_note", -2_000, -2_000)],
          "a new balance is an adjustment on the ledger", got)


def check_proration_preview():
    """A price change previewed with a proration date, then made with the same date: the
    invoice it bills equals the preview, whose lines are also listed at its lines URL."""
    customer = stripe.Customer.create(email="seats@python.example")
    card = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": card.id})
    product = stripe.Product.create(name="Seats")
    small = stripe.Price.create(product=product.id, unit_amount=2_000, currency="usd", recurring={"interval": "month"})
    big = stripe.Price.create(product=product.id, unit_amount=5_000, currency="usd", recurring={"interval": "month"})
    subscription = stripe.Subscription.create(customer=customer.id, items=[{"price": small.id}])
    item = subscription["items"].data[0]
    # A third into the period (month lengths divide by 3): two thirds of the 30.00 difference.
    proration_date = item.current_period_start + (item.current_period_end - item.current_period_start) // 3
    change = [{"id": item.id, "price": big.id}]

    preview = stripe.Invoice.create_preview(
        subscription=subscription.id,
        subscription_details={"items": change, "proration_date": proration_date, "proration_behavior": "always_invoice"},
    )
    check(preview.total == 2_000 and preview.status == "draft", "the preview prorates the change",
          (preview.total, preview.status))
    check(len(stripe.Invoice.list(subscription=subscription.id).data) == 1, "a preview bills nothing")
    listed = stripe.Invoice.list_lines(preview.id)
    check([line.id for line in listed.data] == [line.id for line in preview.lines.data],
          "the preview's lines are listed at its lines URL", preview.lines.url)

    updated = stripe.Subscription.modify(subscription.id, items=change, proration_date=proration_date,
                                         proration_behavior="always_invoice")
    invoice = stripe.Invoice.retrieve(updated.latest_invoice)

    def lines(inv):
        return sorted((line.amount, line.description, line.quantity) for line in inv.lines.data)

    check(lines(invoice) == lines(preview), "the invoice's lines are the preview's", (lines(invoice), lines(preview)))
    check((invoice.subtotal, invoice.total, invoice.billing_reason) == (preview.subtotal, preview.total, preview.billing_reason),
          "the invoice's totals are the preview's", (invoice.total, preview.total))
    check(invoice.status == "paid", "the change is paid at once", invoice.status)


def check_coupons():
    """A coupon redeemed on a subscription: the discount names it and the first invoice's
    total is the subtotal less the discount, as the SDK reads them."""
    coupon = stripe.Coupon.create(percent_off=25.5, duration="forever", name="Early bird")
    check((coupon.object, coupon.percent_off, coupon.duration, coupon.valid) == ("coupon", 25.5, "forever", True),
          "a percentage coupon is created", coupon)
    product = stripe.Product.create(name="Workshop seat")
    price = stripe.Price.create(product=product.id, unit_amount=4_000, currency="usd", recurring={"interval": "month"})
    customer = stripe.Customer.create(name="Coupon Ltd")
    card = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
    subscription = stripe.Subscription.create(
        customer=customer.id,
        items=[{"price": price.id}],
        default_payment_method=card.id,
        discounts=[{"coupon": coupon.id}],
        expand=["discounts", "latest_invoice"],
    )
    discount = subscription.discounts[0]
    check((discount.object, discount.source.coupon, discount.subscription) == ("discount", coupon.id, subscription.id),
          "the subscription carries the coupon's discount", discount)
    invoice = subscription.latest_invoice
    check((invoice.subtotal, invoice.total, invoice.amount_paid, invoice.status) == (4_000, 2_980, 2_980, "paid"),
          "the first invoice is 25.5% off", (invoice.subtotal, invoice.total, invoice.amount_paid, invoice.status))
    check([(a.amount, a.discount) for a in invoice.total_discount_amounts] == [(1_020, discount.id)],
          "the invoice names the discount's amount", invoice.total_discount_amounts)
    check(stripe.Coupon.retrieve(coupon.id).times_redeemed == 1, "the coupon counts the redemption")


def check_partial_refund():
    """A card payment refunded in part: the charge counts what was refunded and the refund
    list of the payment shows it, as the SDK reads them."""
    customer = stripe.Customer.create(email="refunds@python.example")
    intent = stripe.PaymentIntent.create(amount=8_000, currency="usd", customer=customer.id,
                                         payment_method="pm_card_visa", confirm=True)
    check(intent.status == "succeeded", "the card payment succeeds", intent.status)
    refund = stripe.Refund.create(payment_intent=intent.id, amount=3_000, reason="requested_by_customer",
                                  metadata={"note": "late delivery"})
    check((refund.object, refund.amount, refund.status, refund.reason) == ("refund", 3_000, "succeeded", "requested_by_customer"),
          "a partial card refund succeeds at once", refund)
    check(refund.metadata["note"] == "late delivery", "the refund keeps its metadata", refund.metadata)
    charge = stripe.Charge.retrieve(intent.latest_charge)
    check((charge.amount_refunded, charge.refunded) == (3_000, False), "the charge counts the partial refund",
          (charge.amount_refunded, charge.refunded))
    listed = stripe.Refund.list(payment_intent=intent.id)
    check([r.id for r in listed.data] == [refund.id], "the payment's refund list shows the refund", [r.id for r in listed.data])
    try:
        stripe.Refund.create(payment_intent=intent.id, amount=6_000)
        check(False, "refunding more than is left is refused")
    except stripe.InvalidRequestError as err:
        check(err.http_status == 400, "refunding more than is left is a 400 InvalidRequestError", err.http_status)
def check_dispute_evidence():
    """A disputed payment answered with an uploaded PDF: the evidence is staged, then
    submitted once, as the SDK reads the dispute and its evidence details."""
    intent = stripe.PaymentIntent.create(amount=3_300, currency="usd", payment_method="pm_card_createDispute",
                                         confirm=True)
    disputes = stripe.Dispute.list(payment_intent=intent.id)
    check(len(disputes.data) == 1, "the disputed payment has one dispute", len(disputes.data))
    dispute = disputes.data[0]
    check((dispute.status, dispute.reason, dispute.amount) == ("needs_response", "fraudulent", 3_300),
          "the dispute awaits a response", dispute)
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    pdf.name = "receipt.pdf"
    upload = stripe.File.create(purpose="dispute_evidence", file=pdf)
    check((upload.object, upload.purpose, upload.type, upload.filename) == ("file", "dispute_evidence", "pdf", "receipt.pdf"),
          "the evidence PDF is uploaded", upload)
    staged = stripe.Dispute.modify(dispute.id, submit=False,
                                   evidence={"receipt": upload.id, "product_description": "Annual plan, delivered"})
    check(staged.status == "needs_response", "staged evidence leaves the dispute open", staged.status)
    check(staged.evidence.receipt == upload.id and staged.evidence.product_description == "Annual plan, delivered",
          "the staged evidence names the file and the text", staged.evidence)
    check((staged.evidence_details.has_evidence, staged.evidence_details.submission_count) == (True, 0),
          "staged: has evidence, not submitted", staged.evidence_details)
    submitted = stripe.Dispute.modify(dispute.id, submit=True)
    check(submitted.status == "under_review", "submitted evidence puts the dispute under review", submitted.status)
    check(submitted.evidence_details.submission_count == 1, "submitted once", submitted.evidence_details)
    try:
        stripe.Dispute.modify(dispute.id, submit=True)
        check(False, "a second submission is refused")
    except stripe.InvalidRequestError as err:
        check(err.http_status == 400, "a second submission is a 400 InvalidRequestError", err.http_status)
def check_payouts():
    """A card payment, then four days on the simulated clock (the control API over HTTP): the
    daily automatic payout takes the available funds, and the balance transactions listed by
    payout add up to each payout's amount."""
    intent = stripe.PaymentIntent.create(amount=12_345, currency="usd", payment_method="pm_card_visa", confirm=True)
    charge = stripe.Charge.retrieve(intent.latest_charge, expand=["balance_transaction"])
    txn = charge.balance_transaction
    check((txn.object, txn.type, txn.amount, txn.fee, txn.status) == ("balance_transaction", "charge", 12_345, 388, "pending"),
          "the charge's balance transaction pays 2.9% + 30 and waits", txn)
    request = urllib.request.Request(stripe.api_base + "/_sim/clock/advance", data=json.dumps({"seconds": 4 * 86_400}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request) as answer:
        check("now" in json.load(answer), "the clock moved")
    payouts = stripe.Payout.list(limit=100).data
    check(len(payouts) >= 1 and all(p.status == "in_transit" and p.automatic for p in payouts), "automatic payouts are in transit", payouts)
    found = False
    for payout in payouts:
        included = list(stripe.BalanceTransaction.list(payout=payout.id, limit=100).auto_paging_iter())
        check(sum(t.net for t in included) == payout.amount, f"the transactions of {payout.id} add up to it",
              (payout.amount, [t.net for t in included]))
        found = found or any(t.id == txn.id for t in included)
    check(found, "the payment is in a payout")
    available = {b.currency: b.amount for b in stripe.Balance.retrieve().available}
    check(available.get("usd", 0) == 0, "everything available was paid out", available)
    # The account-wide ledger as the revenue reports' sync lists it: from a time, page by page.
    paged = [t.id for t in stripe.BalanceTransaction.list(created={"gte": txn.created}, limit=2).auto_paging_iter()]
    whole = [t.id for t in stripe.BalanceTransaction.list(created={"gte": txn.created}, limit=100).data]
    check(paged == whole and txn.id in whole and len(whole) >= 2, "the ledger lists from a time, page by page, the same", (paged, whole))


if __name__ == "__main__":
    main()
