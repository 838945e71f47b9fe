//! Copying a catalog between two accounts of one stripe-sim: the dry run is what applying
//! does (compared object by object in the target's Stripe), a second copy does nothing, a
//! changed price becomes a new price and the old one archived, a dry run gone stale is
//! refused, a kill mid-apply resumes into exactly one of each object, files (JSON and CSV)
//! plan what the account does, and bad files are refused by row with nothing sent.

use std::collections::BTreeMap;
use std::sync::Arc;

use billfold_core::catalog::{
    export_snapshot, import_snapshot, CopySource, FileFormat, ProductChange,
};
use billfold_core::gateway::{Gateway, GatewayConfig};
use billfold_core::journal::{self, OperationKind, OperationStatus};
use billfold_core::secrets::Secret;
use billfold_core::store::{Store, DATABASE_FILE};
use billfold_core::sync::NoObserver;
use billfold_core::Error;
use serde_json::Value;

mod catalog_copy_support;
#[path = "support/kill.rs"]
mod kill;

use catalog_copy_support::{by_name, fixture, made_prices, planned_prices, price};

/// Set in the environment of the child process the kill test starts.
const CHILD_ENV: &str = "BILLFOLD_CATALOG_COPY_CHILD";
/// The child's secret key, kept out of the config.
const CHILD_KEY_ENV: &str = "BILLFOLD_CATALOG_COPY_CHILD_KEY";

#[tokio::test]
async fn the_dry_run_is_what_apply_does_and_a_second_copy_sends_nothing() {
    let f = fixture().await;
    f.seed().await;
    let plan = f.plan(&f.source_account());
    let changes: Vec<(&str, ProductChange)> = plan
        .products
        .iter()
        .map(|p| (p.name.as_str(), p.change))
        .collect();
    assert_eq!(
        changes,
        [
            ("Credit pack", ProductChange::Update),
            ("Membership", ProductChange::Create),
            ("Pass", ProductChange::Create)
        ]
    );
    assert_eq!(
        plan.notes,
        ["'Workshop' is archived in the source and not copied."]
    );
    let counts = &plan.counts;
    assert_eq!(
        (
            counts.products_created,
            counts.products_updated,
            counts.products_archived
        ),
        (2, 1, 0)
    );
    assert_eq!(
        (
            counts.prices_created,
            counts.prices_archived,
            counts.requests
        ),
        (4, 0, 10)
    );
    let target_ids: BTreeMap<String, String> = f
        .app
        .store()
        .catalog_snapshot(&f.target)
        .unwrap()
        .products
        .into_iter()
        .map(|product| (product.id.unwrap(), product.name))
        .collect();
    let expected_prices = planned_prices(&plan, &target_ids);

    let before = f.sim.request_count();
    let result = f
        .app
        .apply_catalog_copy(&f.target, &f.source_account(), &plan.digest)
        .await
        .unwrap();
    assert_eq!(f.sim.request_count() - before, 10, "one request per action");
    assert_eq!(result.counts, plan.counts);
    let operation = result.operation_id.unwrap();

    let (products, prices) = f.target_stripe().await;
    let mut names: Vec<&str> = products
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Credit pack", "Membership", "Pass", "Sponsorship"],
        "nothing archived, nothing twice"
    );
    assert_eq!(made_prices(&prices, &products, &operation), expected_prices);
    assert_eq!(
        prices
            .iter()
            .filter(|price| price["active"] == false)
            .count(),
        0,
        "the archived early bird stays behind"
    );
    let source = f.app.store().catalog_snapshot(&f.source).unwrap();
    for name in ["Credit pack", "Membership", "Pass"] {
        let copy = by_name(&products, name);
        let original = source.products.iter().find(|p| p.name == name).unwrap();
        assert_eq!(
            copy["metadata"]["billfold_key"],
            original.id.as_deref().unwrap(),
            "{name} is keyed by its source"
        );
        let default = prices
            .iter()
            .find(|price| price["id"] == copy["default_price"])
            .unwrap();
        let wanted = original.prices.iter().find(|price| price.default).unwrap();
        assert_eq!(
            default["unit_amount"], wanted.unit_amount,
            "{name}'s default price"
        );
    }
    assert_eq!(
        by_name(&products, "Credit pack")["metadata"]["credits"],
        "5000"
    );
    assert_eq!(
        by_name(&products, "Membership")["metadata"]["track"],
        "main"
    );
    let sponsorship = by_name(&products, "Sponsorship");
    assert!(sponsorship["metadata"].get("billfold_key").is_none() && sponsorship["active"] == true);

    // The cache has what Stripe has.
    let cached = f.app.store().catalog_snapshot(&f.target).unwrap();
    let cached_prices: usize = cached
        .products
        .iter()
        .map(|product| product.prices.len())
        .sum();
    assert_eq!((cached.products.len(), cached_prices), (4, prices.len()));

    let again = f.plan(&f.source_account());
    assert!(again.actions.is_empty(), "{:?}", again.actions);
    assert_eq!(again.counts.products_unchanged, 3);
    let before = (f.sim.request_count(), f.operations());
    let nothing = f
        .app
        .apply_catalog_copy(&f.target, &f.source_account(), &again.digest)
        .await
        .unwrap();
    assert_eq!(nothing.operation_id, None);
    assert_eq!(
        (f.sim.request_count(), f.operations()),
        before,
        "no request, no operation"
    );
}

#[tokio::test]
async fn a_changed_price_is_a_new_price_and_a_stale_dry_run_is_refused() {
    let f = fixture().await;
    f.seed().await;
    let first = f.plan(&f.source_account());
    f.app
        .apply_catalog_copy(&f.target, &f.source_account(), &first.digest)
        .await
        .unwrap();

    let source = f.app.store().catalog_snapshot(&f.source).unwrap();
    let membership = source
        .products
        .iter()
        .find(|p| p.name == "Membership")
        .unwrap();
    let monthly = membership
        .prices
        .iter()
        .find(|p| p.default)
        .unwrap()
        .id
        .clone()
        .unwrap();
    f.app
        .replace_price(
            &f.source,
            &monthly,
            price(1_200, Some("month"), Some("Monthly")),
        )
        .await
        .unwrap();
    let stale = f.plan(&f.source_account());
    let pack = source
        .products
        .iter()
        .find(|p| p.name == "Credit pack")
        .unwrap()
        .id
        .clone()
        .unwrap();
    f.app
        .set_product_active(&f.source, &pack, false)
        .await
        .unwrap();

    let before = (f.sim.request_count(), f.operations());
    let refused = f
        .app
        .apply_catalog_copy(&f.target, &f.source_account(), &stale.digest)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::PlanChanged(_)), "{refused}");
    assert_eq!(
        refused.payload().code,
        billfold_core::ErrorCode::PlanChanged
    );
    assert_eq!(
        (f.sim.request_count(), f.operations()),
        before,
        "nothing sent, nothing recorded"
    );

    let plan = f.plan(&f.source_account());
    let texts: Vec<&str> = plan
        .actions
        .iter()
        .map(|action| action.text.as_str())
        .collect();
    assert_eq!(texts.len(), 4, "{texts:?}");
    assert!(
        texts[0].starts_with("Archive product 'Credit pack'"),
        "{texts:?}"
    );
    assert!(
        texts[1].contains("EUR 12.00 per month")
            && texts[1].contains("Stripe prices cannot change"),
        "{texts:?}"
    );
    assert_eq!(texts[2], "Make it the default price");
    assert!(
        texts[3].starts_with("Archive price EUR 10.00 per month"),
        "{texts:?}"
    );
    assert_eq!(
        (
            plan.counts.prices_created,
            plan.counts.prices_archived,
            plan.counts.products_archived
        ),
        (1, 1, 1)
    );

    f.app
        .apply_catalog_copy(&f.target, &f.source_account(), &plan.digest)
        .await
        .unwrap();
    let (products, prices) = f.target_stripe().await;
    let copy = by_name(&products, "Membership");
    let monthly: Vec<&Value> = prices
        .iter()
        .filter(|p| p["product"] == copy["id"] && p["recurring"]["interval"] == "month")
        .collect();
    assert_eq!(monthly.len(), 2);
    let new = monthly.iter().find(|p| p["active"] == true).unwrap();
    assert_eq!(new["unit_amount"], 1_200);
    assert_eq!(copy["default_price"], new["id"]);
    assert_eq!(
        monthly.iter().find(|p| p["active"] == false).unwrap()["unit_amount"],
        1_000
    );
    assert_eq!(by_name(&products, "Credit pack")["active"], false);
    assert_eq!(by_name(&products, "Sponsorship")["active"], true);
    assert!(f.plan(&f.source_account()).actions.is_empty());
}

/// The child's side of the kill test: record and run the copy until killed.
async fn run_as_child(config: &str) {
    let config: Value = serde_json::from_str(config).unwrap();
    let dir = std::path::PathBuf::from(config["dir"].as_str().unwrap());
    let store = Arc::new(Store::open(&dir.join(DATABASE_FILE)).unwrap());
    let account = config["account"].as_str().unwrap();
    let key = Secret::new(std::env::var(CHILD_KEY_ENV).unwrap());
    let mode = GatewayConfig::for_mode(billfold_core::accounts::Mode::Test);
    let gateway = Gateway::new(
        store.clone(),
        account,
        config["base"].as_str().unwrap(),
        &key,
        mode,
    )
    .unwrap();
    let operation = journal::begin(
        &store,
        account,
        OperationKind::CopyCatalog,
        config["plan"].clone(),
    )
    .unwrap();
    journal::run(&store, &gateway, &operation.id).await.unwrap();
    panic!("the child was meant to be killed before finishing");
}

#[tokio::test]
async fn a_copy_killed_mid_apply_resumes_into_exactly_one_of_each() {
    if let Ok(config) = std::env::var(CHILD_ENV) {
        return run_as_child(&config).await;
    }
    let f = fixture().await;
    f.seed().await;
    let plan = f.plan(&f.source_account());
    let config = serde_json::json!({
        "dir": f.dir.path(), "account": f.target, "base": f.sim.base_url(), "plan": plan,
    });
    let env = [
        (CHILD_ENV, config.to_string()),
        (CHILD_KEY_ENV, f.target_key.clone()),
    ];
    let env: Vec<(&str, &str)> = env
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    // Killed while its fifth request (the new membership's first price) is in flight.
    kill::kill_child_in_flight(
        &f.sim,
        "a_copy_killed_mid_apply_resumes_into_exactly_one_of_each",
        &env,
        5,
    )
    .await;

    let pending = journal::unfinished(f.app.store()).unwrap();
    assert_eq!(pending.len(), 1, "the killed copy is pending");
    assert_eq!(
        (pending[0].kind, pending[0].step),
        (OperationKind::CopyCatalog, 4),
        "four answers saved"
    );
    assert_eq!(f.app.resume_operations().await.unwrap(), 1);
    assert_eq!(
        f.app.store().operation(&pending[0].id).unwrap().status,
        OperationStatus::Done
    );

    let (products, prices) = f.target_stripe().await;
    assert_eq!(products.len(), 4, "one product each");
    assert_eq!(
        prices.len() as u32,
        plan.counts.prices_created + 1,
        "the plan's prices once, and the sponsorship's"
    );
    assert!(
        f.plan(&f.source_account()).actions.is_empty(),
        "the resumed answers reached the cache"
    );
}

#[tokio::test]
async fn files_plan_what_the_account_does_and_read_back_what_was_exported() {
    let f = fixture().await;
    f.seed().await;
    let from_account = f.plan(&f.source_account());
    let snapshot = f.app.store().catalog_snapshot(&f.source).unwrap();
    for format in [FileFormat::Json, FileFormat::Csv] {
        let contents = f.app.export_catalog(&f.source, format).unwrap();
        assert_eq!(
            import_snapshot(format, &contents).unwrap(),
            snapshot,
            "{format:?} round trip"
        );
        assert_eq!(export_snapshot(&snapshot, format).unwrap(), contents);
        let from_file = f.plan(&CopySource::File { format, contents });
        assert_eq!(
            from_file, from_account,
            "{format:?} plans what the account does"
        );
    }
    let contents = f.app.export_catalog(&f.source, FileFormat::Csv).unwrap();
    let file = CopySource::File {
        format: FileFormat::Csv,
        contents,
    };
    f.app
        .apply_catalog_copy(&f.target, &file, &from_account.digest)
        .await
        .unwrap();
    assert!(
        f.plan(&f.source_account()).actions.is_empty(),
        "the file's copy is the account's"
    );
}

#[tokio::test]
async fn bad_files_are_refused_by_row_and_send_nothing() {
    let f = fixture().await;
    f.seed().await;
    let csv = "product_key,product_name,currency,unit_amount,type,interval\n\
               a,Pass,EUR,300.00,one_time,\n\
               b,,EUR,1.00,one_time,\n\
               c,Club,EUR,12.345,recurring,month\n\
               d,Lunch,EUR,5.00,one_time,month\n";
    let bad = [
        CopySource::File {
            format: FileFormat::Csv,
            contents: csv.into(),
        },
        CopySource::File {
            format: FileFormat::Json,
            contents: r#"{"format": "billfold-catalog", "version": 9, "products": []}"#.into(),
        },
        CopySource::File {
            format: FileFormat::Json,
            contents: "not json".into(),
        },
        CopySource::Account(f.target.clone()),
    ];
    let before = (f.sim.request_count(), f.operations());
    let messages: Vec<String> = bad
        .iter()
        .map(|source| match f.app.plan_catalog_copy(&f.target, source) {
            Err(Error::Validation(message)) => message,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(
        messages[0].contains("Row 3: The product name is missing."),
        "{}",
        messages[0]
    );
    assert!(
        messages[0].contains("Row 4: '12.345' is not an amount"),
        "{}",
        messages[0]
    );
    assert!(
        messages[0].contains("Row 5: A one_time price has no interval"),
        "{}",
        messages[0]
    );
    assert!(messages[1].contains("version 9"));
    assert!(messages[2].contains("not a Billfold catalog"));
    assert!(messages[3].contains("another account"));
    let applied = f
        .app
        .apply_catalog_copy(&f.target, &bad[0], "0")
        .await
        .unwrap_err();
    assert!(matches!(applied, Error::Validation(_)), "{applied}");
    assert_eq!(
        (f.sim.request_count(), f.operations()),
        before,
        "nothing sent, nothing recorded"
    );
}

#[tokio::test]
async fn sync_keeps_a_copied_catalog_unchanged() {
    let f = fixture().await;
    f.seed().await;
    let plan = f.plan(&f.source_account());
    f.app
        .apply_catalog_copy(&f.target, &f.source_account(), &plan.digest)
        .await
        .unwrap();
    f.app.sync_once(&f.target, &NoObserver).await.unwrap();
    f.app.sync_once(&f.source, &NoObserver).await.unwrap();
    assert!(
        f.plan(&f.source_account()).actions.is_empty(),
        "what sync brings back plans nothing"
    );
}
