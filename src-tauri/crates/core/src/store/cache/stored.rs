//! What of an object's JSON goes into its row's `raw`, and how readers get the whole object
//! back. Each piece is stored once: an embedded child list's items live in the child table and
//! an expanded object in its own kind's table, so `raw` leaves out the list's `data` and keeps
//! only the expanded object's id. Readers put the items back in SQL ([`full_raw_sql`]).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::kinds::{id_of, Kind, EMBEDDED_ITEMS};
use crate::error::{Error, Result};

/// What is cut at a path.
#[derive(Debug, Clone, Copy)]
enum Cut {
    /// The entry goes (a child list's `data`).
    Remove,
    /// An expanded object becomes its id (each element's, in a list of them).
    ToId,
}

/// `object` serialized as its row's `raw`.
pub(super) fn raw_of(kind: &Kind, object: &Value) -> Result<String> {
    let mut cuts: Vec<(&[&str], Cut)> = Vec::with_capacity(2);
    let data_path: [&str; 2];
    if let Some(children) = &kind.children {
        data_path = [children.field, "data"];
        cuts.push((&data_path, Cut::Remove));
    }
    cuts.extend(kind.expanded.iter().map(|e| (e.path, Cut::ToId)));
    serde_json::to_string(&Trimmed {
        value: object,
        cuts: &cuts,
    })
    .map_err(|err| Error::Internal(err.to_string()))
}

/// A JSON value serialized without the parts `cuts` name; no copy of the value is made.
struct Trimmed<'a> {
    value: &'a Value,
    cuts: &'a [(&'a [&'a str], Cut)],
}

impl Serialize for Trimmed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let (Value::Object(map), false) = (self.value, self.cuts.is_empty()) else {
            return self.value.serialize(serializer);
        };
        let mut out = serializer.serialize_map(None)?;
        for (key, value) in map {
            let here = |(path, _): &&(&[&str], Cut)| path.first() == Some(&key.as_str());
            match self.cuts.iter().find(|cut| here(cut) && cut.0.len() == 1) {
                Some((_, Cut::Remove)) => {}
                Some((_, Cut::ToId)) => match (value, id_of(value)) {
                    (Value::Array(items), _) => {
                        let ids: Vec<&Value> = items.iter().map(|item| item.get("id").unwrap_or(item)).collect();
                        out.serialize_entry(key, &ids)?;
                    }
                    (_, Some(id)) => out.serialize_entry(key, id)?,
                    (_, None) => out.serialize_entry(key, value)?,
                },
                None if self.cuts.iter().any(|cut| here(&cut)) => {
                    let deeper: Vec<(&[&str], Cut)> = self
                        .cuts
                        .iter()
                        .filter(here)
                        .map(|(path, cut)| (&path[1..], *cut))
                        .collect();
                    out.serialize_entry(
                        key,
                        &Trimmed {
                            value,
                            cuts: &deeper,
                        },
                    )?;
                }
                None => out.serialize_entry(key, value)?,
            }
        }
        out.end()
    }
}

/// SQL for the JSON of the `kind` row aliased `row` as Stripe sent it: `raw` with its child
/// list's items put back from the child table (the first [`EMBEDDED_ITEMS`] when Stripe said
/// there were more, else all). Expanded objects stay ids, as in Stripe's unexpanded answers.
pub(crate) fn full_raw_sql(kind: &Kind, row: &str) -> String {
    let Some(children) = &kind.children else {
        return format!("{row}.raw");
    };
    let field = children.field;
    // `json()` around the subquery: a JSON subtype does not survive a subquery boundary.
    format!(
        "CASE WHEN json_type({row}.raw, '$.{field}') = 'object' THEN json_set({row}.raw, '$.{field}.data', json((
             SELECT json_group_array(json(c.raw) ORDER BY c.position) FROM {table} c
             WHERE c.account_id = {row}.account_id AND c.{parent} = {row}.id
               AND (c.position < {EMBEDDED_ITEMS} OR json_extract({row}.raw, '$.{field}.has_more') IS NOT 1))))
         ELSE {row}.raw END",
        table = children.table,
        parent = children.parent_column,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::cache::kinds::by_resource;
    use serde_json::json;

    #[test]
    fn child_items_and_expanded_objects_are_left_out_of_raw() {
        let invoice = json!({"id": "in_1", "object": "invoice", "total": 5,
            "lines": {"object": "list", "data": [{"id": "il_1"}], "has_more": false, "total_count": 1, "url": "/v1/invoices/in_1/lines"},
            "metadata": {"data": "kept"}});
        let raw: Value =
            serde_json::from_str(&raw_of(by_resource("invoices").unwrap(), &invoice).unwrap())
                .unwrap();
        let mut expected = invoice.clone();
        expected["lines"].as_object_mut().unwrap().remove("data");
        assert_eq!(raw, expected);

        let customer = json!({"id": "cus_1", "object": "customer",
            "invoice_settings": {"default_payment_method": {"id": "pm_1", "object": "payment_method"}, "footer": null}});
        let raw: Value =
            serde_json::from_str(&raw_of(by_resource("customers").unwrap(), &customer).unwrap())
                .unwrap();
        assert_eq!(
            raw["invoice_settings"],
            json!({"default_payment_method": "pm_1", "footer": null})
        );

        // Unexpanded references and objects without the fields pass unchanged.
        let plain = json!({"id": "cus_2", "invoice_settings": {"default_payment_method": "pm_2"}});
        let raw: Value =
            serde_json::from_str(&raw_of(by_resource("customers").unwrap(), &plain).unwrap())
                .unwrap();
        assert_eq!(raw, plain);
        let deleted = json!({"id": "in_2", "object": "invoice", "deleted": true});
        let raw: Value =
            serde_json::from_str(&raw_of(by_resource("invoices").unwrap(), &deleted).unwrap())
                .unwrap();
        assert_eq!(raw, deleted);
    }
}
