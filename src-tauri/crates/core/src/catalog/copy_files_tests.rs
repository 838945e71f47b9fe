//! Catalog files: JSON and CSV round trips, money in major units, formula-safe cells, and
//! bad files refused with every problem by row.

use std::collections::BTreeMap;

use super::*;

fn snapshot() -> CatalogSnapshot {
    let monthly = SnapshotPrice {
        id: Some("price_1".into()),
        currency: "eur".into(),
        unit_amount: 1_000,
        kind: "recurring".into(),
        interval: Some("month".into()),
        interval_count: Some(1),
        tax_behavior: "exclusive".into(),
        nickname: Some("-Monthly".into()),
        active: true,
        lookup_key: Some("member_monthly".into()),
        default: true,
    };
    let yen = SnapshotPrice {
        id: None,
        currency: "jpy".into(),
        unit_amount: 125_000,
        kind: "one_time".into(),
        interval: None,
        interval_count: None,
        tax_behavior: "unspecified".into(),
        nickname: None,
        active: false,
        lookup_key: None,
        default: false,
    };
    let pack = SnapshotProduct {
        key: "pack".into(),
        id: Some("prod_1".into()),
        name: "=Credit pack".into(),
        description: Some("Fifty, \"quoted\"".into()),
        active: true,
        metadata: BTreeMap::from([("credits".into(), "5000".into())]),
        tax_code: Some("txcd_10000000".into()),
        prices: vec![monthly, yen],
    };
    let empty = SnapshotProduct {
        key: "prod_2".into(),
        id: Some("prod_2".into()),
        name: "Dinner".into(),
        description: None,
        active: false,
        metadata: BTreeMap::new(),
        tax_code: None,
        prices: Vec::new(),
    };
    CatalogSnapshot {
        products: vec![pack, empty],
    }
}

#[test]
fn json_and_csv_read_back_what_they_wrote() {
    for format in [FileFormat::Json, FileFormat::Csv] {
        let text = export(&snapshot(), format).unwrap();
        assert_eq!(
            import(format, &text).unwrap(),
            snapshot(),
            "{format:?}: {text}"
        );
    }
}

#[test]
fn csv_writes_major_units_and_no_formulas() {
    let text = export(&snapshot(), FileFormat::Csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], CSV_COLUMNS.join(","));
    assert_eq!(lines.len(), 4, "two prices and a product without any");
    assert!(
        lines[1]
            .contains(",EUR,10.00,recurring,month,1,exclusive,'-Monthly,true,member_monthly,true"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].starts_with("pack,prod_1,'=Credit pack,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains(r#""{""credits"":""5000""}""#),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(",JPY,125000,one_time,,,unspecified,,false,,false"),
        "{}",
        lines[2]
    );
    assert!(lines[3].ends_with(",false,,{},,,,,,,,,,,"), "{}", lines[3]);
    let json: serde_json::Value =
        serde_json::from_str(&export(&snapshot(), FileFormat::Json).unwrap()).unwrap();
    assert_eq!(
        (json["format"].as_str(), json["version"].as_u64()),
        (Some("billfold-catalog"), Some(1))
    );
    assert_eq!(json["products"][0]["prices"][0]["unit_amount"], 1_000);
}

const HEADER: &str = "product_key,product_name,product_metadata,currency,unit_amount,type,interval,interval_count,tax_behavior";

#[test]
fn a_bad_csv_is_refused_with_every_problem_by_row() {
    let text = [
        HEADER,
        "a,Pass,,EUR,300.00,one_time,,,",
        "b,,,EUR,1.00,one_time,,,",
        "c,Coffee,,EURO,1.00,one_time,,,",
        "d,Tea,,EUR,1.005,one_time,,,",
        "e,Lunch,,EUR,5.00,one_time,month,,",
        "f,Club,,EUR,5.00,recurring,fortnight,,",
        "g,Club2,{credits: 5},EUR,5.00,recurring,month,,",
        "h,Pack,\"{\"\"credits\"\":\"\"50.00\"\"}\",EUR,5.00,one_time,,,",
        "a,Pass renamed,,EUR,400.00,one_time,,,",
        "i,Gift,,EUR,5.00,one_time,,,gross",
    ]
    .join("\n");
    let Err(Error::Validation(message)) = import(FileFormat::Csv, &text) else {
        panic!("refused")
    };
    let expected = [
        ("Row 3:", "name is missing"),
        ("Row 4:", "'EURO' is not a currency"),
        ("Row 5:", "at most 2 decimals"),
        ("Row 6:", "one_time price has no interval"),
        ("Row 7:", "'fortnight' is not a billing interval"),
        ("Row 8:", "product_metadata is a JSON object"),
        ("Row 9:", "whole number of minor units"),
        ("Row 10:", "differ from row 2"),
        ("Row 11:", "'gross' is not a tax behavior"),
    ];
    for (row, what) in expected {
        assert!(
            message
                .lines()
                .any(|line| line.starts_with(row) && line.contains(what)),
            "{row} {what} in:\n{message}"
        );
    }
    assert!(
        message.starts_with("The catalog has 9 problems; nothing was sent"),
        "{message}"
    );
}

#[test]
fn a_csv_without_keys_uses_ids_then_names_and_needs_its_columns() {
    let text = "product_id,product_name,currency,unit_amount,type,interval\nprod_9,Pass,eur,\"1,250.00\",recurring,year\n,Dinner,,,,\n";
    let snapshot = import(FileFormat::Csv, text).unwrap();
    assert_eq!(snapshot.products[0].key, "prod_9");
    assert_eq!(snapshot.products[1].key, "Dinner");
    let price = &snapshot.products[0].prices[0];
    assert_eq!(
        (
            price.unit_amount,
            price.interval_count,
            price.tax_behavior.as_str()
        ),
        (125_000, Some(1), "unspecified")
    );
    assert!(snapshot.products[1].prices.is_empty());
    let Err(Error::Validation(message)) =
        import(FileFormat::Csv, "product_name,currency\nPass,eur\n")
    else {
        panic!()
    };
    assert!(
        message.contains("Row 1") && message.contains("unit_amount, type"),
        "{message}"
    );
}

#[test]
fn a_json_file_must_be_ours_and_its_problems_name_their_place() {
    let refused = |text: &str| match import(FileFormat::Json, text) {
        Err(Error::Validation(message)) => message,
        other => panic!("{other:?}"),
    };
    assert!(refused("[1, 2]").contains("not a Billfold catalog"));
    assert!(
        refused(r#"{"format": "billfold-catalog", "version": 2, "products": []}"#)
            .contains("version 2")
    );
    let bad = r#"{"format": "billfold-catalog", "version": 1, "products": [
        {"key": "a", "name": "Pass", "active": true, "prices": [
            {"currency": "eur", "unit_amount": 100, "type": "one_time", "interval": "month", "tax_behavior": "unspecified", "active": true}
        ]},
        {"key": "b", "name": " ", "active": true}
    ]}"#;
    let message = refused(bad);
    assert!(
        message.contains("Product 1 ('Pass'), price 1: A one_time price has no interval"),
        "{message}"
    );
    assert!(
        message.contains("Product 2 (' '): A product needs a name."),
        "{message}"
    );
}
