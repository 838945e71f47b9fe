//! Demo data: two conferences' Stripe accounts with customers, a catalog, purchase-order
//! invoices in every state, subscriptions in every status, payments, refunds and a dispute,
//! after six months of members joining, changing and leaving ([`members`]).
//!
//! The seed drives the emulator through its own HTTP API, as a client would, so every object
//! passes the same rules and emits the same events as real traffic.

mod members;

use std::net::SocketAddr;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One demo account: a conference with its own (fake, test-mode) secret key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoAccount {
    /// Display name.
    pub name: &'static str,
    /// The account's fake secret key; it only ever works against the emulator.
    pub key: &'static str,
    /// Default currency.
    pub currency: &'static str,
    /// The URL name Billfold gives an account of this name; purchase-order invoices carry it
    /// in their metadata, as Billfold's own do.
    pub slug: &'static str,
}

/// The two demo conferences.
pub const DEMO_ACCOUNTS: [DemoAccount; 2] = [
    DemoAccount {
        name: "RustConf Europe 2027",
        key: "sk_test_demo0RustConfEurope2027xxxxxxxxxx",
        currency: "eur",
        slug: "rustconf-europe-2027",
    },
    DemoAccount {
        name: "FinOps Summit 2027",
        key: "sk_test_demo0FinOpsSummit2027xxxxxxxxxxxx",
        currency: "usd",
        slug: "finops-summit-2027",
    },
];

/// Why seeding stopped.
#[derive(Debug)]
pub struct SeedError(pub String);

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "demo seed failed: {}", self.0)
    }
}

impl std::error::Error for SeedError {}

/// How often a rate-limited request is retried (50 ms apart) before seeding gives up.
const RATE_LIMIT_RETRIES: usize = 400;

/// A minimal form-encoding client for the emulator's own API.
pub(crate) struct Api {
    addr: SocketAddr,
    key: String,
}

impl Api {
    pub(crate) fn new(addr: SocketAddr, key: &str) -> Self {
        Api { addr, key: key.to_string() }
    }

    /// `POST path` with form parameters; a non-2xx answer is an error naming the step.
    pub(crate) async fn post<K: AsRef<str>>(&self, path: &str, form: &[(K, String)]) -> Result<Value, SeedError> {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter().map(|(k, v)| (k.as_ref(), v.as_str())))
            .finish();
        self.send("POST", path, &body, "application/x-www-form-urlencoded", true).await
    }

    /// `POST path` with no parameters (state transitions).
    pub(crate) async fn act(&self, path: &str) -> Result<Value, SeedError> {
        self.send("POST", path, "", "application/x-www-form-urlencoded", true).await
    }

    /// `DELETE path`.
    pub(crate) async fn delete(&self, path: &str) -> Result<Value, SeedError> {
        self.send("DELETE", path, "", "application/x-www-form-urlencoded", true).await
    }

    /// `POST` to the control API with a JSON body.
    pub(crate) async fn control(&self, path: &str, json: &str) -> Result<Value, SeedError> {
        self.send("POST", path, json, "application/json", false).await
    }

    /// Sends a request, waiting out the per-key rate limit (429) like a patient client.
    async fn send(&self, method: &str, path: &str, body: &str, content_type: &str, auth: bool) -> Result<Value, SeedError> {
        for _ in 0..RATE_LIMIT_RETRIES {
            match self.send_once(method, path, body, content_type, auth).await? {
                (429, _) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
                (status, value) if (200..300).contains(&status) => return Ok(value),
                (status, value) => return Err(SeedError(format!("{method} {path} answered {status}: {value}"))),
            }
        }
        Err(SeedError(format!("{method} {path}: still rate limited")))
    }

    async fn send_once(&self, method: &str, path: &str, body: &str, content_type: &str, auth: bool) -> Result<(u16, Value), SeedError> {
        let io = |err: std::io::Error| SeedError(format!("{method} {path}: {err}"));
        let mut stream = TcpStream::connect(self.addr).await.map_err(io)?;
        let auth = if auth { format!("Authorization: Bearer {}\r\n", self.key) } else { String::new() };
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{auth}Content-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        stream.write_all(request.as_bytes()).await.map_err(io)?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.map_err(io)?;
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").ok_or_else(|| SeedError(format!("{method} {path}: no answer")))?;
        let status = head.split_whitespace().nth(1).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0);
        Ok((status, serde_json::from_str(body).unwrap_or(Value::Null)))
    }
}

/// The id field of an answer.
pub(crate) fn id(value: &Value) -> String {
    value["id"].as_str().unwrap_or_default().to_string()
}

/// Seeds both demo accounts on the emulator listening at `addr`. The history starts six months
/// ago with the members ([`members`]); the rest starts two weeks ago, and the clock is moved to
/// the present on the way, so some invoices are overdue (by the real calendar too) and
/// renewals have happened.
pub async fn seed(addr: SocketAddr) -> Result<(), SeedError> {
    let clock = Api::new(addr, DEMO_ACCOUNTS[0].key);
    let history_days = members::MONTH_DAYS * (members::MONTHS - 1) + members::DAYS_BEFORE_REST;
    clock.control("/_sim/clock/start", &format!("{{\"seconds_ago\": {}}}", (history_days + 14) * 86_400)).await?;
    let mut plans = Vec::new();
    for account in DEMO_ACCOUNTS {
        plans.push(seed_catalog(&Api::new(addr, account.key), account).await?);
    }
    let mut joined: Vec<members::Members> = DEMO_ACCOUNTS.iter().map(|_| members::Members::default()).collect();
    for month in 0..members::MONTHS {
        for ((account, plans), joined) in DEMO_ACCOUNTS.into_iter().zip(&plans).zip(&mut joined) {
            members::seed_month(&Api::new(addr, account.key), &plans.members, month, joined).await?;
        }
        let days = if month + 1 < members::MONTHS { members::MONTH_DAYS } else { members::DAYS_BEFORE_REST };
        clock.control("/_sim/clock/advance", &format!("{{\"seconds\": {}}}", days * 86_400)).await?;
    }
    let mut before = Vec::new();
    for (account, plans) in DEMO_ACCOUNTS.into_iter().zip(plans) {
        before.push(seed_before_clock(&Api::new(addr, account.key), account, plans).await?);
    }
    clock.control("/_sim/clock/advance", &format!("{{\"seconds\": {}}}", 14 * 86_400)).await?;
    for (account, catalog) in DEMO_ACCOUNTS.into_iter().zip(before) {
        seed_after_clock(&Api::new(addr, account.key), account, &catalog).await?;
    }
    Ok(())
}

/// The catalog's prices, made first so the members can use them.
pub(crate) struct Prices {
    ticket: String,
    workshop: String,
    members: members::Plans,
}

async fn seed_catalog(api: &Api, account: DemoAccount) -> Result<Prices, SeedError> {
    let c = account.currency.to_string();
    let product = |name: &str| vec![("name", name.to_string())];
    let ticket_product = id(&api.post("/v1/products", &product("Conference ticket")).await?);
    let workshop_product = id(&api.post("/v1/products", &product("Workshop seat")).await?);
    let membership_product = id(&api.post("/v1/products", &product("Community membership")).await?);
    let sponsor_product = id(&api.post("/v1/products", &product("Sponsor plan")).await?);
    let price = |product: &str, amount: i64, interval: Option<&str>| {
        let mut form = vec![("product", product.to_string()), ("currency", c.clone()), ("unit_amount", amount.to_string())];
        if let Some(interval) = interval {
            form.push(("recurring[interval]", interval.to_string()));
        }
        form
    };
    let ticket = id(&api.post("/v1/prices", &price(&ticket_product, 59_900, None)).await?);
    let workshop = id(&api.post("/v1/prices", &price(&workshop_product, 24_900, None)).await?);
    let membership = id(&api.post("/v1/prices", &price(&membership_product, 2_500, Some("month"))).await?);
    let sponsor = id(&api.post("/v1/prices", &price(&sponsor_product, 1_200_000, Some("year"))).await?);
    Ok(Prices { ticket, workshop, members: members::Plans { membership, sponsor } })
}

/// Ids made before the clock moves that the second half needs.
pub(crate) struct Catalog {
    ticket: String,
    workshop: String,
    membership: String,
    customers: Vec<String>,
    declining: String,
}

const ORGANIZATIONS: [(&str, &str); 8] = [
    ("Acme GmbH", "ap@acme.example"),
    ("Globex Corporation", "billing@globex.example"),
    ("Initech", "accounts@initech.example"),
    ("Umbrella Events", "finance@umbrella.example"),
    ("Hooli", "payables@hooli.example"),
    ("Stark Industries", "invoices@stark.example"),
    ("Wayne Foundation", "ap@wayne.example"),
    ("Tyrell Systems", "billing@tyrell.example"),
];

async fn seed_before_clock(api: &Api, account: DemoAccount, prices: Prices) -> Result<Catalog, SeedError> {
    let Prices { ticket, workshop, members: members::Plans { membership, .. } } = prices;
    let mut customers = Vec::new();
    for (index, (name, email)) in ORGANIZATIONS.iter().enumerate() {
        let mut form = vec![("name", name.to_string()), ("email", email.to_string()), ("metadata[segment]", "sponsor".to_string())];
        if index % 2 == 0 {
            form.push(("payment_method", "pm_card_visa".to_string()));
            form.push(("invoice_settings[default_payment_method]", "pm_card_visa".to_string()));
        }
        customers.push(id(&api.post("/v1/customers", &form).await?));
    }
    let declining = id(&api
        .post(
            "/v1/customers",
            &[
                ("name", "Cyberdyne (card declines)".to_string()),
                ("email", "ap@cyberdyne.example".to_string()),
                ("payment_method", "pm_card_chargeDeclined".to_string()),
                ("invoice_settings[default_payment_method]", "pm_card_chargeDeclined".to_string()),
            ],
        )
        .await?);

    // Due in a week: overdue once the clock has moved two weeks.
    let overdue = po_invoice(api, &customers[1], account, "PO-2027-0101", 7, &[("Bronze sponsorship", 1, 350_000)]).await?;
    finalize_and_send(api, &overdue).await?;
    let overdue_part = po_invoice(api, &customers[3], account, "PO-2027-0102", 7, &[("Team tickets", 6, 59_900)]).await?;
    finalize_and_send(api, &overdue_part).await?;
    api.control(&format!("/_sim/invoices/{overdue_part}/customer_payment"), r#"{"amount": 119800, "method": "bank_transfer"}"#).await?;

    // Subscriptions that need time to reach their status.
    let subscribe = |customer: &str, extra: &[(&'static str, &str)]| {
        let mut form = vec![("customer", customer.to_string()), ("items[0][price]", membership.clone())];
        form.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        form
    };
    // Trial ends on day 3, the renewal fails on every retry: unpaid by day 14.
    api.post("/v1/subscriptions", &subscribe(&declining, &[("trial_period_days", "3")])).await?;
    // Trial ends on day 10, first retry on day 13: still past_due on day 14.
    api.post("/v1/subscriptions", &subscribe(&declining, &[("trial_period_days", "10")])).await?;
    // No payment method when the trial ends: paused.
    api.post(
        "/v1/subscriptions",
        &subscribe(&customers[1], &[("trial_period_days", "5"), ("trial_settings[end_behavior][missing_payment_method]", "pause")]),
    )
    .await?;
    // A first payment that fails and is never completed: incomplete_expired after a day.
    api.post("/v1/subscriptions", &subscribe(&declining, &[("payment_behavior", "allow_incomplete")])).await?;
    // Active and renewed once the clock moves.
    api.post("/v1/subscriptions", &subscribe(&customers[0], &[])).await?;

    Ok(Catalog { ticket, workshop, membership, customers, declining })
}

async fn seed_after_clock(api: &Api, account: DemoAccount, catalog: &Catalog) -> Result<(), SeedError> {
    let c = account.currency.to_string();
    let customers = &catalog.customers;

    // Purchase orders in every state.
    po_invoice(api, &customers[5], account, "PO-2027-0201", 30, &[("Gold sponsorship", 1, 1_250_000), ("Booth", 1, 150_000)]).await?;
    let open = po_invoice(api, &customers[2], account, "PO-2027-0202", 30, &[("Silver sponsorship", 1, 650_000), ("Speaker dinner", 8, 9_500)]).await?;
    finalize_and_send(api, &open).await?;
    let partly = po_invoice(api, &customers[4], account, "PO-2027-0203", 30, &[("Workshop seats", 12, 24_900)]).await?;
    finalize_and_send(api, &partly).await?;
    api.control(&format!("/_sim/invoices/{partly}/customer_payment"), r#"{"amount": 100000, "method": "bank_transfer"}"#).await?;
    let wire = po_invoice(api, &customers[6], account, "PO-2027-0204", 30, &[("Diversity scholarship fund", 1, 500_000)]).await?;
    finalize_and_send(api, &wire).await?;
    api.post(&format!("/v1/invoices/{wire}/pay"), &[("paid_out_of_band", "true".to_string())]).await?;
    let card = po_invoice(api, &customers[0], account, "PO-2027-0205", 30, &[("Conference tickets", 4, 59_900)]).await?;
    finalize_and_send(api, &card).await?;
    api.control(&format!("/_sim/invoices/{card}/customer_payment"), r#"{"method": "card"}"#).await?;
    let voided = po_invoice(api, &customers[7], account, "PO-2027-0206", 30, &[("Media partnership", 1, 200_000)]).await?;
    finalize_and_send(api, &voided).await?;
    api.act(&format!("/v1/invoices/{voided}/void")).await?;
    let bad_debt = po_invoice(api, &catalog.declining, account, "PO-2027-0207", 30, &[("Startup alley table", 1, 90_000)]).await?;
    finalize_and_send(api, &bad_debt).await?;
    api.act(&format!("/v1/invoices/{bad_debt}/mark_uncollectible")).await?;
    // A priced line from the catalog, to show both kinds of line.
    let priced = api.post("/v1/invoices", &po_form(&customers[2], account, "PO-2027-0208", 30)).await?;
    let priced = id(&priced);
    api.post(
        &format!("/v1/invoices/{priced}/add_lines"),
        &[("lines[0][pricing][price]", catalog.ticket.clone()), ("lines[0][quantity]", "3".into()), ("lines[1][pricing][price]", catalog.workshop.clone())],
    )
    .await?;
    finalize_and_send(api, &priced).await?;

    // More subscriptions: trialing, active, canceled, and one incomplete right now.
    let subscribe = |customer: &str| vec![("customer", customer.to_string()), ("items[0][price]", catalog.membership.clone())];
    let mut trial = subscribe(&customers[2]);
    trial.push(("trial_period_days", "30".into()));
    api.post("/v1/subscriptions", &trial).await?;
    api.post("/v1/subscriptions", &subscribe(&customers[4])).await?;
    let leaving = id(&api.post("/v1/subscriptions", &subscribe(&customers[6])).await?);
    api.delete(&format!("/v1/subscriptions/{leaving}")).await?;
    let mut incomplete = subscribe(&catalog.declining);
    incomplete.push(("payment_behavior", "allow_incomplete".into()));
    api.post("/v1/subscriptions", &incomplete).await?;

    // Card payments: refunded in part and in full, and one disputed.
    let pay = |card: &str, amount: i64| {
        vec![
            ("amount", amount.to_string()),
            ("currency", c.clone()),
            ("customer", customers[0].clone()),
            ("payment_method", card.to_string()),
            ("confirm", "true".to_string()),
            ("description", "Ticket sale".to_string()),
        ]
    };
    let partial = id(&api.post("/v1/payment_intents", &pay("pm_card_visa", 59_900)).await?);
    api.post("/v1/refunds", &[("payment_intent", partial), ("amount", "20000".into()), ("reason", "requested_by_customer".into())]).await?;
    let full = id(&api.post("/v1/payment_intents", &pay("pm_card_visa", 24_900)).await?);
    api.post("/v1/refunds", &[("payment_intent", full)]).await?;
    api.post("/v1/payment_intents", &pay("pm_card_createDispute", 59_900)).await?;
    api.post("/v1/payment_intents", &pay("pm_card_visa", 119_800)).await?;
    Ok(())
}

/// A purchase order's id as Billfold's metadata names it: UUID-shaped and the same on every
/// seed, so a snapshot and a fresh seed agree.
pub fn po_id(account: DemoAccount, po_number: &str) -> String {
    let index = DEMO_ACCOUNTS.iter().position(|candidate| candidate.key == account.key).unwrap_or(0);
    let digits: String = po_number.chars().filter(char::is_ascii_digit).collect();
    format!("00000000-de00-4000-8000-{index:04}{:0>8}", &digits[digits.len().saturating_sub(8)..])
}

/// A purchase-order invoice as Billfold issues one: sent by email, due in `days`, with the
/// PO's id, number and the account's slug in its metadata and the number printed on it.
fn po_form(customer: &str, account: DemoAccount, po_number: &str, days: i64) -> Vec<(&'static str, String)> {
    vec![
        ("customer", customer.to_string()),
        ("collection_method", "send_invoice".to_string()),
        ("days_until_due", days.to_string()),
        ("currency", account.currency.to_string()),
        ("metadata[po_id]", po_id(account, po_number)),
        ("metadata[po_number]", po_number.to_string()),
        ("metadata[account_slug]", account.slug.to_string()),
        ("custom_fields[0][name]", "PO number".to_string()),
        ("custom_fields[0][value]", po_number.to_string()),
    ]
}

/// A draft purchase-order invoice with its lines (description, quantity, unit amount).
async fn po_invoice(api: &Api, customer: &str, account: DemoAccount, po_number: &str, days: i64, lines: &[(&str, i64, i64)]) -> Result<String, SeedError> {
    let currency = account.currency;
    let invoice = id(&api.post("/v1/invoices", &po_form(customer, account, po_number, days)).await?);
    let mut form = Vec::new();
    for (index, (description, quantity, unit_amount)) in lines.iter().enumerate() {
        let key = |field: &str| format!("lines[{index}][{field}]");
        form.push((key("description"), description.to_string()));
        form.push((key("quantity"), quantity.to_string()));
        form.push((key("price_data][currency"), currency.to_string()));
        form.push((key("price_data][product_data][name"), description.to_string()));
        form.push((key("price_data][unit_amount"), unit_amount.to_string()));
    }
    api.post(&format!("/v1/invoices/{invoice}/add_lines"), &form).await?;
    Ok(invoice)
}

async fn finalize_and_send(api: &Api, invoice: &str) -> Result<(), SeedError> {
    api.act(&format!("/v1/invoices/{invoice}/finalize")).await?;
    api.act(&format!("/v1/invoices/{invoice}/send")).await?;
    Ok(())
}
