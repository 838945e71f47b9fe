//! The cached resources: which Stripe object type lands in which table, with which typed
//! columns taken from which JSON fields, and how each is listed for a backfill.

use rusqlite::types::Value as SqlValue;
use serde_json::Value;

/// How a typed column is read from the object's JSON.
#[derive(Debug, Clone, Copy)]
pub enum Get {
    /// A string (or null) at a path.
    Text(&'static [&'static str]),
    /// An integer (or null) at a path.
    Int(&'static [&'static str]),
    /// A boolean at a path, stored as 0/1.
    Bool(&'static [&'static str]),
    /// An expandable reference: the id string, or the `id` of an expanded object.
    Id(&'static [&'static str]),
    /// Worked out from the whole object (with all its children) by a function: a value no
    /// single field holds, such as a subscription's monthly recurring revenue.
    Derived(fn(&Value) -> SqlValue),
}

impl Get {
    /// The column's value for one object.
    pub fn read(self, object: &Value) -> SqlValue {
        match self {
            Get::Text(path) => at(object, path)
                .as_str()
                .map_or(SqlValue::Null, |s| SqlValue::Text(s.into())),
            Get::Int(path) => at(object, path)
                .as_i64()
                .map_or(SqlValue::Null, SqlValue::Integer),
            Get::Bool(path) => at(object, path)
                .as_bool()
                .map_or(SqlValue::Null, |b| SqlValue::Integer(b.into())),
            Get::Id(path) => {
                id_of(at(object, path)).map_or(SqlValue::Null, |s| SqlValue::Text(s.into()))
            }
            Get::Derived(derive) => derive(object),
        }
    }
}

/// The value at a path, or null.
fn at<'a>(object: &'a Value, path: &[&str]) -> &'a Value {
    path.iter()
        .fold(object, |node, key| node.get(*key).unwrap_or(&Value::Null))
}

/// The id a reference field holds, expanded or not.
pub fn id_of(field: &Value) -> Option<&str> {
    field
        .as_str()
        .or_else(|| field.get("id").and_then(Value::as_str))
}

/// A child list embedded in the parent (`lines`, `items`), kept in its own table and replaced
/// whole whenever a newer snapshot of the parent is applied.
#[derive(Debug)]
pub struct Children {
    /// The parent's field holding `{data, has_more}`.
    pub field: &'static str,
    /// The child table.
    pub table: &'static str,
    /// Its column naming the parent.
    pub parent_column: &'static str,
    /// Typed columns of a child.
    pub columns: &'static [(&'static str, Get)],
}

impl Children {
    /// The list path that returns every child of `parent_id` (used when `has_more`).
    pub fn list(&self, parent_id: &str) -> (String, Vec<(String, String)>) {
        match self.field {
            "lines" => (format!("/v1/invoices/{parent_id}/lines"), Vec::new()),
            _ => (
                "/v1/subscription_items".to_string(),
                vec![("subscription".to_string(), parent_id.to_string())],
            ),
        }
    }
}

/// Stripe embeds at most this many items of a child list in its parent (`has_more` tells
/// when there are more).
pub const EMBEDDED_ITEMS: usize = 10;

/// An object a parent's list answer carries expanded (`expand[]=data.<path>`). It is stored in
/// its own kind's table with the parent's version, and the parent's raw JSON keeps only its id,
/// as Stripe sends the parent unexpanded.
#[derive(Debug)]
pub struct Expanded {
    /// Where the reference sits in the parent.
    pub path: &'static [&'static str],
    /// The resource the expanded object is cached as.
    pub resource: &'static str,
}

/// How a backfill lists a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// One account-wide list (`GET path?limit=100&…`).
    Account(&'static str, &'static [(&'static str, &'static str)]),
    /// Never listed by a backfill: Stripe lists these only per parent, which would cost a
    /// request per parent. The backfill gets the ones its parents' lists expand; opening a
    /// parent fetches its full list; events keep both fresh. A backfill sweeps only the rows
    /// whose parent (in `table`, named by `column`) is gone.
    PerParent {
        /// The parent's cache table.
        table: &'static str,
        /// The column naming the parent.
        column: &'static str,
    },
}

/// One cached resource.
#[derive(Debug)]
pub struct Kind {
    /// The name the UI and `DataChanged` use (`"invoices"`).
    pub resource: &'static str,
    /// Stripe's `object` value (`"invoice"`).
    pub object: &'static str,
    /// The cache table.
    pub table: &'static str,
    /// Typed columns: SQL name and where its value comes from.
    pub columns: &'static [(&'static str, Get)],
    /// How a backfill lists it.
    pub listing: Listing,
    /// An embedded child list kept in its own table.
    pub children: Option<Children>,
    /// Objects its list answers carry expanded, kept in their own tables.
    pub expanded: &'static [Expanded],
}

impl Kind {
    /// The `expand[]` pairs of its backfill list.
    pub fn expand_query(&self) -> impl Iterator<Item = (String, String)> {
        self.expanded
            .iter()
            .map(|e| ("expand[]".to_string(), format!("data.{}", e.path.join("."))))
    }
}

const CREATED: (&str, Get) = ("created", Get::Int(&["created"]));

/// Every cached resource, parents before children: the order a backfill runs in. Payment
/// methods come last: a backfill only sweeps them, once customers are final.
pub static KINDS: &[Kind] = &[
    Kind {
        resource: "products",
        object: "product",
        table: "cache_products",
        columns: &[
            ("name", Get::Text(&["name"])),
            ("active", Get::Bool(&["active"])),
            CREATED,
        ],
        listing: Listing::Account("/v1/products", &[]),
        children: None,
        expanded: &[],
    },
    Kind {
        resource: "prices",
        object: "price",
        table: "cache_prices",
        columns: &[
            ("product_id", Get::Id(&["product"])),
            ("currency", Get::Text(&["currency"])),
            ("unit_amount", Get::Int(&["unit_amount"])),
            ("type", Get::Text(&["type"])),
            ("active", Get::Bool(&["active"])),
            CREATED,
        ],
        listing: Listing::Account("/v1/prices", &[]),
        children: None,
        expanded: &[],
    },
    Kind {
        resource: "customers",
        object: "customer",
        table: "cache_customers",
        columns: &[
            ("name", Get::Text(&["name"])),
            ("email", Get::Text(&["email"])),
            ("currency", Get::Text(&["currency"])),
            ("balance", Get::Int(&["balance"])),
            ("delinquent", Get::Bool(&["delinquent"])),
            CREATED,
        ],
        listing: Listing::Account("/v1/customers", &[]),
        children: None,
        expanded: &[Expanded {
            path: &["invoice_settings", "default_payment_method"],
            resource: "payment_methods",
        }],
    },
    Kind {
        resource: "coupons",
        object: "coupon",
        table: "cache_coupons",
        columns: &[
            ("name", Get::Text(&["name"])),
            ("duration", Get::Text(&["duration"])),
            ("valid", Get::Bool(&["valid"])),
            ("amount_off", Get::Int(&["amount_off"])),
            ("currency", Get::Text(&["currency"])),
            CREATED,
        ],
        listing: Listing::Account("/v1/coupons", &[]),
        children: None,
        expanded: &[],
    },
    Kind {
        resource: "subscriptions",
        object: "subscription",
        table: "cache_subscriptions",
        columns: &[
            ("customer_id", Get::Id(&["customer"])),
            ("status", Get::Text(&["status"])),
            ("currency", Get::Text(&["currency"])),
            ("cancel_at_period_end", Get::Bool(&["cancel_at_period_end"])),
            CREATED,
            // The list sorts by these (migration 0013); the customer's name and email are
            // copied from the cached customer by triggers, as Stripe's subscription has none.
            ("trial_end", Get::Int(&["trial_end"])),
            ("current_period_end", Get::Derived(crate::subscriptions::mrr::period_end_column)),
            ("next_renewal", Get::Derived(crate::subscriptions::mrr::next_renewal_column)),
            ("mrr", Get::Derived(crate::subscriptions::mrr::mrr_column)),
        ],
        // Without `status=all` Stripe leaves canceled subscriptions out.
        listing: Listing::Account("/v1/subscriptions", &[("status", "all")]),
        children: Some(Children {
            field: "items",
            table: "cache_subscription_items",
            parent_column: "subscription_id",
            columns: &[
                ("price_id", Get::Id(&["price"])),
                ("quantity", Get::Int(&["quantity"])),
            ],
        }),
        // Its discounts come expanded in a backfill's list (Stripe names them by id only).
        expanded: &[Expanded {
            path: &["discounts"],
            resource: "discounts",
        }],
    },
    Kind {
        resource: "discounts",
        object: "discount",
        table: "cache_discounts",
        columns: &[
            ("customer_id", Get::Id(&["customer"])),
            ("subscription_id", Get::Id(&["subscription"])),
            ("invoice_id", Get::Id(&["invoice"])),
            ("coupon_id", Get::Id(&["source", "coupon"])),
            ("starts_at", Get::Int(&["start"])),
            ("ends_at", Get::Int(&["end"])),
        ],
        listing: Listing::PerParent {
            table: "cache_subscriptions",
            column: "subscription_id",
        },
        children: None,
        expanded: &[],
    },
    Kind {
        resource: "invoices",
        object: "invoice",
        table: "cache_invoices",
        columns: &[
            ("number", Get::Text(&["number"])),
            ("customer_id", Get::Id(&["customer"])),
            (
                "subscription_id",
                Get::Id(&["parent", "subscription_details", "subscription"]),
            ),
            ("status", Get::Text(&["status"])),
            ("collection_method", Get::Text(&["collection_method"])),
            ("currency", Get::Text(&["currency"])),
            ("total", Get::Int(&["total"])),
            ("amount_due", Get::Int(&["amount_due"])),
            ("amount_paid", Get::Int(&["amount_paid"])),
            ("amount_remaining", Get::Int(&["amount_remaining"])),
            ("due_date", Get::Int(&["due_date"])),
            CREATED,
            // As Stripe put them on the invoice: the list sorts and searches by them.
            ("customer_name", Get::Text(&["customer_name"])),
            ("customer_email", Get::Text(&["customer_email"])),
            // Aging as of a date reads when it was finalized and closed (migration 0019).
            ("finalized_at", Get::Int(&["status_transitions", "finalized_at"])),
            ("paid_at", Get::Int(&["status_transitions", "paid_at"])),
            ("voided_at", Get::Int(&["status_transitions", "voided_at"])),
            ("uncollectible_at", Get::Int(&["status_transitions", "marked_uncollectible_at"])),
        ],
        listing: Listing::Account("/v1/invoices", &[]),
        children: Some(Children {
            field: "lines",
            table: "cache_invoice_lines",
            parent_column: "invoice_id",
            columns: &[
                ("description", Get::Text(&["description"])),
                ("currency", Get::Text(&["currency"])),
                ("amount", Get::Int(&["amount"])),
                ("quantity", Get::Int(&["quantity"])),
            ],
        }),
        expanded: &[],
    },
    Kind {
        resource: "invoice_payments",
        object: "invoice_payment",
        table: "cache_invoice_payments",
        columns: &[
            ("invoice_id", Get::Id(&["invoice"])),
            ("status", Get::Text(&["status"])),
            ("currency", Get::Text(&["currency"])),
            ("amount_paid", Get::Int(&["amount_paid"])),
            ("amount_requested", Get::Int(&["amount_requested"])),
            CREATED,
        ],
        listing: Listing::Account("/v1/invoice_payments", &[]),
        children: None,
        expanded: &[],
    },
    Kind {
        resource: "credit_notes",
        object: "credit_note",
        table: "cache_credit_notes",
        columns: &[
            ("number", Get::Text(&["number"])),
            ("invoice_id", Get::Id(&["invoice"])),
            ("customer_id", Get::Id(&["customer"])),
            ("status", Get::Text(&["status"])),
            ("currency", Get::Text(&["currency"])),
            ("total", Get::Int(&["total"])),
            CREATED,
        ],
        listing: Listing::Account("/v1/credit_notes", &[]),
        children: None,
        expanded: &[],
    },
    Kind {
        resource: "payment_intents",
        object: "payment_intent",
        table: "cache_payment_intents",
        columns: &[
            ("customer_id", Get::Id(&["customer"])),
            ("status", Get::Text(&["status"])),
            ("currency", Get::Text(&["currency"])),
            ("amount", Get::Int(&["amount"])),
            ("amount_received", Get::Int(&["amount_received"])),
            ("latest_charge_id", Get::Id(&["latest_charge"])),
            ("description", Get::Text(&["description"])),
            CREATED,
        ],
        listing: Listing::Account("/v1/payment_intents", &[]),
        children: None,
        expanded: &[],
    },
    Kind {
        resource: "charges",
        object: "charge",
        table: "cache_charges",
        columns: &[
            ("customer_id", Get::Id(&["customer"])),
            ("payment_intent_id", Get::Id(&["payment_intent"])),
            ("status", Get::Text(&["status"])),
            ("currency", Get::Text(&["currency"])),
            ("amount", Get::Int(&["amount"])),
            ("amount_refunded", Get::Int(&["amount_refunded"])),
            ("refunded", Get::Bool(&["refunded"])),
            ("disputed", Get::Bool(&["disputed"])),
            CREATED,
        ],
        listing: Listing::Account("/v1/charges", &[]),
        children: None,
        expanded: &[],
    },
    Kind {
        resource: "refunds",
        object: "refund",
        table: "cache_refunds",
        columns: &[
            ("charge_id", Get::Id(&["charge"])),
            ("payment_intent_id", Get::Id(&["payment_intent"])),
            ("status", Get::Text(&["status"])),
            ("currency", Get::Text(&["currency"])),
            ("amount", Get::Int(&["amount"])),
            CREATED,
        ],
        listing: Listing::Account("/v1/refunds", &[]),
        children: None,
        expanded: &[],
    },
    Kind {
        resource: "disputes",
        object: "dispute",
        table: "cache_disputes",
        columns: &[
            ("charge_id", Get::Id(&["charge"])),
            ("payment_intent_id", Get::Id(&["payment_intent"])),
            ("status", Get::Text(&["status"])),
            ("reason", Get::Text(&["reason"])),
            ("currency", Get::Text(&["currency"])),
            ("amount", Get::Int(&["amount"])),
            ("due_by", Get::Int(&["evidence_details", "due_by"])),
            CREATED,
        ],
        listing: Listing::Account("/v1/disputes", &[]),
        children: None,
        expanded: &[],
    },
    Kind {
        resource: "payouts",
        object: "payout",
        table: "cache_payouts",
        columns: &[
            ("status", Get::Text(&["status"])),
            ("currency", Get::Text(&["currency"])),
            ("amount", Get::Int(&["amount"])),
            ("arrival_date", Get::Int(&["arrival_date"])),
            ("automatic", Get::Bool(&["automatic"])),
            CREATED,
        ],
        listing: Listing::Account("/v1/payouts", &[]),
        children: None,
        expanded: &[],
    },
    Kind {
        resource: "payment_methods",
        object: "payment_method",
        table: "cache_payment_methods",
        columns: &[
            ("customer_id", Get::Id(&["customer"])),
            ("type", Get::Text(&["type"])),
            CREATED,
        ],
        listing: Listing::PerParent {
            table: "cache_customers",
            column: "customer_id",
        },
        children: None,
        expanded: &[],
    },
];

/// The resource name of cached events in `DataChanged`.
pub const EVENTS_RESOURCE: &str = "events";

/// The kind caching Stripe objects of type `object`, if any.
pub fn by_object(object: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|kind| kind.object == object)
}

/// The kind with resource name `resource`, if any.
pub fn by_resource(resource: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|kind| kind.resource == resource)
}

/// Whether an event about `object` removes it from the cache. `customer.subscription.deleted`
/// does not: a canceled subscription stays listable. A detached payment method is no longer
/// listed under any customer, so it goes too.
pub fn removes(event_type: &str, object: &Value) -> bool {
    let object_type = object["object"].as_str().unwrap_or_default();
    if object["deleted"] == Value::Bool(true) {
        return true;
    }
    match object_type {
        "subscription" => false,
        "payment_method" => event_type == "payment_method.detached" || object["customer"].is_null(),
        _ => event_type.ends_with(".deleted"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn columns_read_plain_nested_and_expanded_fields() {
        let invoice = json!({
            "customer": {"id": "cus_1", "object": "customer"},
            "parent": {"subscription_details": {"subscription": "sub_1"}},
            "total": 1200, "due_date": null, "number": "A-1",
        });
        assert_eq!(
            Get::Id(&["customer"]).read(&invoice),
            SqlValue::Text("cus_1".into())
        );
        assert_eq!(
            Get::Id(&["parent", "subscription_details", "subscription"]).read(&invoice),
            SqlValue::Text("sub_1".into())
        );
        assert_eq!(Get::Int(&["total"]).read(&invoice), SqlValue::Integer(1200));
        assert_eq!(Get::Int(&["due_date"]).read(&invoice), SqlValue::Null);
        assert_eq!(
            Get::Text(&["missing", "deep"]).read(&invoice),
            SqlValue::Null
        );
        assert_eq!(
            Get::Bool(&["x"]).read(&json!({"x": true})),
            SqlValue::Integer(1)
        );
    }

    #[test]
    fn deletions_are_told_from_cancellations() {
        assert!(removes("customer.deleted", &json!({"object": "customer"})));
        assert!(removes("invoice.deleted", &json!({"object": "invoice"})));
        assert!(!removes(
            "customer.subscription.deleted",
            &json!({"object": "subscription"})
        ));
        assert!(removes(
            "payment_method.detached",
            &json!({"object": "payment_method", "customer": null})
        ));
        assert!(!removes(
            "payment_method.attached",
            &json!({"object": "payment_method", "customer": "cus_1"})
        ));
        assert!(!removes("invoice.updated", &json!({"object": "invoice"})));
    }

    #[test]
    fn every_kind_has_a_unique_resource_object_and_table() {
        for (i, a) in KINDS.iter().enumerate() {
            for b in &KINDS[i + 1..] {
                assert_ne!(a.resource, b.resource);
                assert_ne!(a.object, b.object);
                assert_ne!(a.table, b.table);
            }
        }
        assert_eq!(by_object("invoice").unwrap().resource, "invoices");
        assert!(by_object("invoiceitem").is_none());
    }
}
