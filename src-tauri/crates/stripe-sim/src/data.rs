//! One emulated Stripe account's objects and events, kept in memory as Stripe's JSON.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use tokio::sync::mpsc::UnboundedSender;

use crate::pending_items::PendingItems;
use crate::resources::ledger::Ledger;
use crate::resources::subscriptions::retries::RetrySchedule;
use crate::state::short_id;
use crate::webhooks::Delivery;

/// The kind invoice items are stored as.
const INVOICE_ITEM: &str = "invoiceitem";

/// The API version events are rendered in (what async-stripe 1.0.0-rc.10 pins).
pub const API_VERSION: &str = "2026-09-30.endive";

/// Who caused a change: the request id and idempotency key, as events record them.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// `req_…` of the API request, or `None` for changes the clock made.
    pub request_id: Option<String>,
    /// The request's `Idempotency-Key`, if any.
    pub idempotency_key: Option<String>,
}

/// An account's data as saved to a snapshot file: objects by kind, oldest first.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AccountSnapshot {
    livemode: bool,
    objects: std::collections::BTreeMap<String, Vec<Value>>,
    events: Vec<Value>,
    invoice_sequence: u64,
    invoice_prefix: String,
    webhook_secrets: HashMap<String, String>,
    /// Absent from snapshots written before schedules could be set.
    #[serde(default)]
    retry_schedule: RetrySchedule,
    /// Absent from snapshots written before the balance ledger.
    #[serde(default)]
    ledger: Ledger,
}

/// An event as kept: the fields lists filter on, and the event itself as compact JSON text.
/// Events outnumber objects several times and are read a page at a time, so text keeps a
/// big account's memory several times smaller than parsed values would.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// `evt_…`
    pub id: String,
    /// `invoice.paid`, …
    pub event_type: String,
    /// Unix seconds.
    pub created: i64,
    /// Webhooks still to deliver (the one field that changes after the event is made).
    pending_webhooks: i64,
    body: Box<str>,
}

impl StoredEvent {
    fn new(event: &Value) -> Self {
        StoredEvent {
            id: event["id"].as_str().unwrap_or_default().to_string(),
            event_type: event["type"].as_str().unwrap_or_default().to_string(),
            created: event["created"].as_i64().unwrap_or_default(),
            pending_webhooks: event["pending_webhooks"].as_i64().unwrap_or_default(),
            body: event.to_string().into_boxed_str(),
        }
    }

    /// The event as Stripe shows it.
    pub fn to_value(&self) -> Value {
        let mut event: Value = serde_json::from_str(&self.body).unwrap_or_default();
        event["pending_webhooks"] = json!(self.pending_webhooks);
        event
    }
}

/// An account's data. Cloned only to dry-run a change (invoice previews).
#[derive(Debug, Default, Clone)]
pub struct AccountData {
    /// Whether the account's key is a live one.
    pub livemode: bool,
    objects: HashMap<String, Value>,
    /// Stored objects already serialized, by id, for big list pages; dropped on every change.
    /// (A `RefCell` is enough: the whole account sits behind one mutex.)
    rendered: RefCell<HashMap<String, Arc<[u8]>>>,
    order: HashMap<String, Vec<String>>,
    events: Vec<StoredEvent>,
    invoice_sequence: u64,
    /// Prefix of this account's invoice numbers (e.g. `A1B2C3D4`).
    pub invoice_prefix: String,
    /// Signing secrets of webhook endpoints by endpoint id (kept off the endpoint object,
    /// which shows the secret only in the create answer).
    pub webhook_secrets: HashMap<String, String>,
    /// When failed subscription payments are retried, and how dunning ends.
    pub retry_schedule: RetrySchedule,
    /// The fee table and which transactions each payout took.
    pub ledger: Ledger,
    /// Where emitted events go to be delivered to webhook endpoints, once delivery runs.
    pub outbox: Option<UnboundedSender<Delivery>>,
    /// The newest invoice previews, for their lines (not kept across a restart).
    pub previews: crate::resources::subscriptions::preview::RecentPreviews,
    /// Invoice items not on an invoice yet, by customer (rebuilt on restore).
    pending_items: PendingItems,
}

impl AccountData {
    /// An empty account.
    pub fn new(livemode: bool) -> Self {
        AccountData {
            livemode,
            invoice_prefix: short_id()[..8].to_ascii_uppercase(),
            ..AccountData::default()
        }
    }

    /// A fresh id with Stripe's prefix for the kind (`cus`, `in`, …).
    pub fn new_id(prefix: &str) -> String {
        format!("{prefix}_{}", short_id())
    }

    /// Stores a new object of `kind` (its `id` field must be set).
    pub fn insert(&mut self, kind: &'static str, object: Value) {
        if kind == INVOICE_ITEM {
            self.pending_items.stored(&object);
        }
        let id = object["id"].as_str().unwrap_or_default().to_string();
        self.order.entry(kind.to_string()).or_default().push(id.clone());
        self.rendered.get_mut().remove(&id);
        self.objects.insert(id, object);
    }

    /// An object by id.
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.objects.get(id)
    }

    /// An object of a given `object` type by id (so `cus_…` is never read as an invoice).
    pub fn get_of(&self, object_type: &str, id: &str) -> Option<&Value> {
        self.objects.get(id).filter(|object| object["object"] == object_type)
    }

    /// Replaces a stored object.
    pub fn put(&mut self, object: Value) {
        let Some(id) = object["id"].as_str().map(str::to_string) else { return };
        self.rendered.get_mut().remove(&id);
        if let Some(old) = self.objects.insert(id.clone(), object).filter(|old| old["object"] == INVOICE_ITEM) {
            self.pending_items.replaced(&old, &self.objects[&id]);
        }
    }

    /// Removes an object.
    pub fn remove(&mut self, kind: &'static str, id: &str) -> Option<Value> {
        if let Some(ids) = self.order.get_mut(kind) {
            ids.retain(|candidate| candidate != id);
        }
        self.rendered.get_mut().remove(id);
        let removed = self.objects.remove(id);
        if let Some(item) = removed.as_ref().filter(|_| kind == INVOICE_ITEM) {
            self.pending_items.removed(item);
        }
        removed
    }

    /// `customer`'s invoice items not on an invoice yet, oldest first.
    pub fn pending_items_of<'a>(&'a self, customer: &str) -> impl Iterator<Item = &'a Value> + 'a {
        self.pending_items.of(customer).filter_map(|id| self.objects.get(id))
    }

    /// Objects of a kind, oldest first.
    pub fn all(&self, kind: &'static str) -> impl DoubleEndedIterator<Item = &Value> {
        self.order
            .get(kind)
            .map(|ids| ids.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|id| self.objects.get(id))
    }

    /// Objects of a kind stored before `id`, newest first: what follows cursor `id` in a
    /// newest-first list. Found by comparing ids in insertion order, with no lookup per
    /// skipped object. `None` when `id` is not of this kind.
    pub fn older_than(&self, kind: &'static str, id: &str) -> Option<impl Iterator<Item = &Value>> {
        let ids = self.order.get(kind)?;
        let position = ids.iter().rposition(|candidate| candidate == id)?;
        Some(ids[..position].iter().rev().filter_map(|id| self.objects.get(id)))
    }

    /// `object`'s JSON as the API shows it (see [`public_view`]); kept for next time when
    /// it is a stored object itself.
    pub fn rendered(&self, object: &Value) -> Arc<[u8]> {
        let id = object["id"].as_str().unwrap_or_default();
        let stored = self.objects.get(id).is_some_and(|stored| std::ptr::eq(stored, object));
        if stored {
            if let Some(bytes) = self.rendered.borrow().get(id) {
                return bytes.clone();
            }
        }
        let bytes: Arc<[u8]> = serde_json::to_vec(public_view(object).as_ref()).unwrap_or_default().into();
        if stored {
            self.rendered.borrow_mut().insert(id.to_string(), bytes.clone());
        }
        bytes
    }

    /// Everything worth keeping across a restart (caches and the delivery channel are not).
    pub fn to_snapshot(&self) -> AccountSnapshot {
        let objects = self
            .order
            .iter()
            .map(|(kind, ids)| (kind.clone(), ids.iter().filter_map(|id| self.objects.get(id).cloned()).collect()))
            .collect();
        AccountSnapshot {
            livemode: self.livemode,
            objects,
            events: self.events.iter().map(StoredEvent::to_value).collect(),
            invoice_sequence: self.invoice_sequence,
            invoice_prefix: self.invoice_prefix.clone(),
            webhook_secrets: self.webhook_secrets.clone(),
            retry_schedule: self.retry_schedule.clone(),
            ledger: self.ledger.clone(),
        }
    }

    /// Replaces this account's data with a snapshot's, keeping its delivery channel.
    pub fn restore(&mut self, snapshot: AccountSnapshot) {
        self.livemode = snapshot.livemode;
        self.objects.clear();
        self.order.clear();
        self.rendered.get_mut().clear();
        self.pending_items = PendingItems::default();
        for (kind, objects) in snapshot.objects {
            let ids = self.order.entry(kind.clone()).or_default();
            for object in objects {
                if kind == INVOICE_ITEM {
                    self.pending_items.stored(&object);
                }
                let id = object["id"].as_str().unwrap_or_default().to_string();
                ids.push(id.clone());
                self.objects.insert(id, object);
            }
        }
        self.events = snapshot.events.iter().map(StoredEvent::new).collect();
        self.invoice_sequence = snapshot.invoice_sequence;
        self.invoice_prefix = snapshot.invoice_prefix;
        self.webhook_secrets = snapshot.webhook_secrets;
        self.retry_schedule = snapshot.retry_schedule;
        self.ledger = snapshot.ledger;
    }

    /// The next invoice number, `PREFIX-0001` style.
    pub fn next_invoice_number(&mut self) -> String {
        self.invoice_sequence += 1;
        format!("{}-{:04}", self.invoice_prefix, self.invoice_sequence)
    }

    /// Records an event about `object`; `previous` holds the changed fields' old values.
    pub fn emit(&mut self, event_type: &str, object: &Value, previous: Option<Value>, origin: &Origin, now: i64) {
        let mut data = Map::new();
        data.insert("object".into(), public_view(object).into_owned());
        if let Some(previous) = previous {
            data.insert("previous_attributes".into(), previous);
        }
        let targets: Vec<(String, String)> = self
            .all(crate::webhooks::KIND)
            .filter(|endpoint| crate::webhooks::wants(endpoint, event_type))
            .filter_map(|endpoint| {
                let id = endpoint["id"].as_str()?;
                Some((endpoint["url"].as_str()?.to_string(), self.webhook_secrets.get(id)?.clone()))
            })
            .collect();
        let event_id = Self::new_id("evt");
        let event = json!({
            "id": event_id,
            "object": "event",
            "api_version": API_VERSION,
            "created": now,
            "type": event_type,
            "livemode": self.livemode,
            "pending_webhooks": targets.len(),
            "data": data,
            "request": { "id": origin.request_id, "idempotency_key": origin.idempotency_key },
        });
        if let Some(outbox) = &self.outbox {
            let body = event.to_string();
            for (url, secret) in targets {
                // A closed outbox means the runtime is gone; the event stays listable.
                let _ = outbox.send(Delivery { event_id: event_id.clone(), body: body.clone(), url, secret });
            }
        }
        self.events.push(StoredEvent::new(&event));
    }

    /// Counts one webhook of an event as delivered.
    pub fn webhook_delivered(&mut self, event_id: &str) {
        if let Some(event) = self.events.iter_mut().rev().find(|event| event.id == event_id) {
            event.pending_webhooks = (event.pending_webhooks - 1).max(0);
        }
    }

    /// Whether the account holds no objects and no events yet.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty() && self.events.is_empty()
    }

    /// Events, oldest first.
    pub fn events(&self) -> &[StoredEvent] {
        &self.events
    }
}

/// Lines an invoice embeds; the rest are read from `GET /v1/invoices/{id}/lines`.
const EMBEDDED_LINES: usize = 10;

/// An object as the API shows it. The store keeps an invoice's every line (its amounts are
/// derived from them), but Stripe embeds only the first ten, with `has_more`.
pub fn public_view(object: &Value) -> std::borrow::Cow<'_, Value> {
    let lines = object["lines"]["data"].as_array().map_or(0, Vec::len);
    if object["object"] != "invoice" || lines <= EMBEDDED_LINES {
        return std::borrow::Cow::Borrowed(object);
    }
    let mut view = object.clone();
    if let Some(data) = view["lines"]["data"].as_array_mut() {
        data.truncate(EMBEDDED_LINES);
    }
    view["lines"]["has_more"] = Value::Bool(true);
    std::borrow::Cow::Owned(view)
}

/// The top-level fields that differ, with their old values (for `previous_attributes`).
pub fn changed_fields(old: &Value, new: &Value) -> Option<Value> {
    let (Some(old), Some(new)) = (old.as_object(), new.as_object()) else { return None };
    let changed: Map<String, Value> = old
        .iter()
        .filter(|(key, value)| new.get(*key) != Some(value))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    (!changed.is_empty()).then_some(Value::Object(changed))
}
