//! Purchase orders in bulk, against a real stripe-sim: CSV import (all or nothing) and
//! export (RFC 4180), and the list over ten thousand rows searched, sorted and paged in SQL.

mod po_support;

use billfold_core::po::{PoListQuery, PoStatus};
use po_support::{open_with_account, po, sim, unique_key};

fn query() -> PoListQuery {
    PoListQuery {
        limit: 50,
        ..PoListQuery::default()
    }
}

const HEADER: &str = "po_number,organization,contact_name,contact_email,billing_address,currency,payment_terms_days,notes,description,quantity,unit_price";

#[tokio::test]
async fn csv_import_is_all_or_nothing_and_exports_quote_as_rfc_4180() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
    app.create_purchase_order(&account, po("PO-EXISTS", "ap@acme.test", 1))
        .unwrap();

    let bad = format!(
        "{HEADER}\r\n\
         PO-1,Acme,Ada,ap@acme.test,,EUR,30,,Tickets,2,\"1,250.00\"\r\n\
         PO-1,,,,,,,,Booth,0,500\r\n\
         PO-2,Globex,Hank,hank@globex,,,,,Tickets,1,10\r\n\
         PO-3,Initech,Bill,bill@initech.test,,JPY,,,Tickets,1,10.50\r\n\
         po-exists,Acme,Ada,ap@acme.test,,,,,Tickets,1,10\r\n"
    );
    let report = app.import_purchase_orders_csv(&account, &bad).unwrap();
    assert_eq!(report.imported, 0);
    let rows: Vec<i64> = report.errors.iter().map(|error| error.row).collect();
    assert_eq!(rows, vec![3, 4, 5], "{:?}", report.errors);
    assert!(report.errors[0].message.contains("quantity"));
    assert!(report.errors[1].message.contains("email"));
    assert!(report.errors[2].message.contains("JPY has no decimals"));
    assert_eq!(
        app.list_purchase_orders(&account, &query()).unwrap().total,
        1,
        "nothing imported"
    );

    // Only the duplicate left: still nothing imported, and it is named.
    let clash = format!("{HEADER}\nPO-1,Acme,Ada,ap@acme.test,,,,,Tickets,1,10\npo-exists,Acme,Ada,ap@acme.test,,,,,Tickets,1,10\n");
    let report = app.import_purchase_orders_csv(&account, &clash).unwrap();
    assert_eq!(
        (report.imported, report.errors.len(), report.errors[0].row),
        (0, 1, 3),
        "{:?}",
        report.errors
    );
    assert!(report.errors[0].message.contains("already exists"));
    assert_eq!(
        app.list_purchase_orders(&account, &query()).unwrap().total,
        1
    );

    let good = format!(
        "{HEADER}\n\
         PO-1,\"Acme, \"\"The Best\"\" GmbH\",Ada,ap@acme.test,\"1 Main St\nSpringfield\",EUR,30,,Tickets,2,\"1,250.00\"\n\
         PO-1,,,,,,,,Booth,1,500\n\
         PO-2,Initech,Bill,bill@initech.test,,JPY,,,Tickets,3,\"1,500\"\n"
    );
    let report = app.import_purchase_orders_csv(&account, &good).unwrap();
    assert_eq!(
        report,
        billfold_core::po::CsvImportReport {
            imported: 2,
            errors: vec![]
        }
    );
    let page = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                search: Some("the best".into()),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(page.total, 1);
    let acme = app.purchase_order(&account, &page.rows[0].id).unwrap();
    assert_eq!(acme.summary.total, 300_000);
    assert_eq!(acme.lines.len(), 2);
    assert_eq!(
        acme.billing_address.as_deref(),
        Some("1 Main St\nSpringfield")
    );

    let export = app.export_purchase_orders_csv(&account).unwrap();
    assert!(export.starts_with("po_number,organization,"));
    assert!(
        export.contains("\"Acme, \"\"The Best\"\" GmbH\""),
        "{export}"
    );
    assert!(
        export.contains(",EUR,draft,no,3000.00,0.00,3000.00,"),
        "{export}"
    );
    assert!(export.contains(",JPY,draft,no,4500,0,4500,"), "{export}");
    assert!(export.ends_with("\r\n"));
    let mut reader = csv::Reader::from_reader(export.as_bytes());
    assert_eq!(reader.records().count(), 3);
    let payments = app.export_po_payments_csv(&account).unwrap();
    assert_eq!(payments.lines().count(), 1, "a header and no payments yet");
}

#[tokio::test]
async fn the_list_searches_filters_sorts_and_pages_ten_thousand_rows_in_sql() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (app, account) = open_with_account(dir.path(), &sim, &unique_key()).await;
    let mut text = format!("{HEADER}\n");
    for n in 0..10_000 {
        text.push_str(&format!(
            "PO-{n:05},Org {},Ada,ap{n}@org{}.test,,,,,Tickets,1,{}\n",
            n % 97,
            n % 97,
            10 + n
        ));
    }
    let report = app.import_purchase_orders_csv(&account, &text).unwrap();
    assert_eq!((report.imported, report.errors.len()), (10_000, 0));
    // One issued and made overdue in the store, to check the default order.
    let issued_id = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                search: Some("PO-00042".into()),
                ..query()
            },
        )
        .unwrap()
        .rows[0]
        .id
        .clone();
    app.issue_purchase_order(&account, &issued_id)
        .await
        .unwrap();

    let first = app.list_purchase_orders(&account, &query()).unwrap();
    assert_eq!(first.total, 10_000);
    assert_eq!(first.rows.len(), 50);
    let by_total = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                sort: Some("total".into()),
                descending: true,
                ..query()
            },
        )
        .unwrap();
    assert_eq!(by_total.rows[0].po_number, "PO-09999");
    assert_eq!(by_total.rows[0].total, 10_009 * 100);
    let page_two = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                sort: Some("po_number".into()),
                offset: 50,
                ..query()
            },
        )
        .unwrap();
    assert_eq!(page_two.rows[0].po_number, "PO-00050");
    let org = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                search: Some("org 5".into()),
                ..query()
            },
        )
        .unwrap();
    assert!(
        org.total > 0
            && org
                .rows
                .iter()
                .all(|row| row.organization.starts_with("Org 5"))
    );
    let invoiced = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                status: Some(PoStatus::Invoiced),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(invoiced.total, 1);
    let number = invoiced.rows[0].invoice_number.clone().unwrap();
    let by_number = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                search: Some(number),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(by_number.rows[0].id, issued_id);
    let percent = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                search: Some("5%_".into()),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(percent.total, 0, "% and _ are searched for, not wildcards");
    let short = app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                search: Some("5".into()),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(short.total, 10_000, "one character is too short to search by");
    assert!(short.search_hint.is_some());
    assert!(app
        .list_purchase_orders(
            &account,
            &PoListQuery {
                sort: Some("id; DROP TABLE x".into()),
                ..query()
            }
        )
        .is_err());
    assert_eq!(
        app.list_purchase_orders(
            &account,
            &PoListQuery {
                overdue_only: true,
                ..query()
            }
        )
        .unwrap()
        .total,
        0
    );

    // The issued PO (52.00 EUR, due in 30 days) is the only open balance, not yet due.
    let aging = app.aging_summary(&account).unwrap();
    assert_eq!(aging.len(), 1);
    assert_eq!(
        (aging[0].currency.as_str(), aging[0].current, aging[0].total),
        ("eur", 5_200, 5_200)
    );
}
