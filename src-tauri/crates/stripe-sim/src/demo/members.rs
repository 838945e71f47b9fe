//! The demo's members: people and a sponsor who subscribe, change seats and leave over the
//! months before the rest of the demo, one step a month, so MRR and its movements (new,
//! expansion, contraction, churn, reactivation) and paid renewals have a history to show.
//!
//! Each month's step runs at that month's simulated time; the clock moves between steps, so
//! renewals are billed and paid by card on the way, as they would be.

use super::{id, Api, SeedError};

/// Steps, a month apart.
pub(crate) const MONTHS: i64 = 6;
/// Days between steps.
pub(crate) const MONTH_DAYS: i64 = 30;
/// Days from the last step to the start of the rest of the demo.
pub(crate) const DAYS_BEFORE_REST: i64 = 16;

/// The recurring prices members subscribe to.
pub(crate) struct Plans {
    /// Community membership, monthly, per seat.
    pub(crate) membership: String,
    /// Sponsor plan, yearly.
    pub(crate) sponsor: String,
}

/// The members made so far in one account, and their subscriptions.
#[derive(Default)]
pub(crate) struct Members {
    customers: Vec<(&'static str, String)>,
    /// (member name, subscription id, its first item's id)
    subscriptions: Vec<(&'static str, String, String)>,
}

impl Members {
    fn customer(&self, name: &str) -> Result<&str, SeedError> {
        self.customers
            .iter()
            .find(|(who, _)| *who == name)
            .map(|(_, id)| id.as_str())
            .ok_or_else(|| SeedError(format!("no member {name}")))
    }

    /// The newest subscription of a member: (id, item id).
    fn subscription(&self, name: &str) -> Result<(&str, &str), SeedError> {
        self.subscriptions
            .iter()
            .rev()
            .find(|(who, _, _)| *who == name)
            .map(|(_, id, item)| (id.as_str(), item.as_str()))
            .ok_or_else(|| SeedError(format!("no subscription of {name}")))
    }
}

/// Who joins when: name, email.
const PEOPLE: [(&str, &str); 7] = [
    ("Ada Lovelace", "ada@lovelace.example"),
    ("Grace Hopper", "grace@hopper.example"),
    ("Nordwind Verlag", "sponsoring@nordwind.example"),
    ("Linus Lab", "office@linuslab.example"),
    ("Margaret Hamilton", "margaret@hamilton.example"),
    ("Alan Turing", "alan@turing.example"),
    ("Katherine Johnson", "katherine@johnson.example"),
];

/// Month `month`'s changes in one account.
pub(crate) async fn seed_month(api: &Api, plans: &Plans, month: i64, members: &mut Members) -> Result<(), SeedError> {
    match month {
        0 => {
            join(api, members, "Ada Lovelace").await?;
            join(api, members, "Grace Hopper").await?;
            join(api, members, "Nordwind Verlag").await?;
            subscribe(api, members, "Ada Lovelace", &plans.membership, 1, &[]).await?;
            subscribe(api, members, "Grace Hopper", &plans.membership, 1, &[]).await?;
            subscribe(api, members, "Nordwind Verlag", &plans.sponsor, 1, &[]).await?;
        }
        1 => {
            join(api, members, "Linus Lab").await?;
            join(api, members, "Margaret Hamilton").await?;
            // A team of three seats.
            subscribe(api, members, "Linus Lab", &plans.membership, 3, &[]).await?;
            // A trial that converts: the card on file pays when it ends.
            subscribe(api, members, "Margaret Hamilton", &plans.membership, 1, &[("trial_period_days", "14")]).await?;
        }
        2 => {
            // Grace leaves (churn); Linus Lab grows to five seats (expansion).
            let (grace, _) = members.subscription("Grace Hopper")?;
            api.delete(&format!("/v1/subscriptions/{grace}")).await?;
            seats(api, members, "Linus Lab", 5).await?;
        }
        3 => {
            // Linus Lab shrinks to two seats (contraction); Grace comes back (reactivation).
            seats(api, members, "Linus Lab", 2).await?;
            subscribe(api, members, "Grace Hopper", &plans.membership, 1, &[]).await?;
        }
        4 => {
            join(api, members, "Alan Turing").await?;
            join(api, members, "Katherine Johnson").await?;
            subscribe(api, members, "Alan Turing", &plans.membership, 1, &[]).await?;
            subscribe(api, members, "Katherine Johnson", &plans.membership, 1, &[]).await?;
        }
        5 => {
            // Ada leaves at the end of her period: churn once it ends.
            let (ada, _) = members.subscription("Ada Lovelace")?;
            api.post(&format!("/v1/subscriptions/{ada}"), &[("cancel_at_period_end", "true".to_string())]).await?;
        }
        _ => {}
    }
    Ok(())
}

/// A new member with a card on file.
async fn join(api: &Api, members: &mut Members, name: &'static str) -> Result<(), SeedError> {
    let email = PEOPLE
        .iter()
        .find(|(who, _)| *who == name)
        .map(|(_, email)| email.to_string())
        .ok_or_else(|| SeedError(format!("{name} is not a demo member")))?;
    let form = [
        ("name", name.to_string()),
        ("email", email),
        ("metadata[segment]", "member".to_string()),
        ("payment_method", "pm_card_visa".to_string()),
        ("invoice_settings[default_payment_method]", "pm_card_visa".to_string()),
    ];
    let customer = id(&api.post("/v1/customers", &form).await?);
    members.customers.push((name, customer));
    Ok(())
}

async fn subscribe(
    api: &Api,
    members: &mut Members,
    name: &'static str,
    price: &str,
    quantity: i64,
    extra: &[(&'static str, &str)],
) -> Result<(), SeedError> {
    let mut form = vec![
        ("customer", members.customer(name)?.to_string()),
        ("items[0][price]", price.to_string()),
        ("items[0][quantity]", quantity.to_string()),
    ];
    form.extend(extra.iter().map(|(key, value)| (*key, value.to_string())));
    let subscription = api.post("/v1/subscriptions", &form).await?;
    let item = subscription["items"]["data"][0]["id"].as_str().unwrap_or_default().to_string();
    members.subscriptions.push((name, id(&subscription), item));
    Ok(())
}

/// Changes the seats of a member's subscription from the next renewal (no proration).
async fn seats(api: &Api, members: &Members, name: &str, quantity: i64) -> Result<(), SeedError> {
    let (subscription, item) = members.subscription(name)?;
    let form = [
        ("items[0][id]", item.to_string()),
        ("items[0][quantity]", quantity.to_string()),
        ("proration_behavior", "none".to_string()),
    ];
    api.post(&format!("/v1/subscriptions/{subscription}"), &form).await?;
    Ok(())
}
