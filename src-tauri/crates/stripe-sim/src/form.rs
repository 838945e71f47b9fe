//! Rack-style form decoding, as Stripe reads request parameters:
//! `metadata[po]=X` → `{"metadata":{"po":"X"}}`, `expand[]=a&expand[]=b` → `{"expand":["a","b"]}`,
//! `lines[0][amount]=5` → `{"lines":[{"amount":"5"}]}`. Values stay strings; handlers parse them.

use serde_json::{Map, Value};

use crate::errors::ApiError;

/// Decodes `(name, value)` pairs into a JSON tree of objects, arrays and strings.
pub fn decode(pairs: &[(String, String)]) -> Result<Value, ApiError> {
    let mut root = Value::Object(Map::new());
    for (name, value) in pairs {
        let path = split_name(name).ok_or_else(|| ApiError::invalid_param(name, "Invalid parameter name"))?;
        insert(&mut root, &path, value.clone(), name)?;
    }
    Ok(root)
}

/// `a[b][]` → `["a", "b", ""]`; `None` for unbalanced brackets.
fn split_name(name: &str) -> Option<Vec<String>> {
    let (head, mut rest) = match name.find('[') {
        Some(i) => (&name[..i], &name[i..]),
        None => (name, ""),
    };
    if head.is_empty() {
        return None;
    }
    let mut path = vec![head.to_string()];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        path.push(inner[..close].to_string());
        rest = &inner[close + 1..];
    }
    Some(path)
}

fn insert(node: &mut Value, path: &[String], value: String, full: &str) -> Result<(), ApiError> {
    let conflict = || ApiError::invalid_param(full, "Invalid array or hash parameter");
    let (first, rest) = path.split_first().ok_or_else(conflict)?;
    match node {
        Value::Object(map) => {
            if rest.is_empty() {
                map.insert(first.clone(), Value::String(value));
                return Ok(());
            }
            let child = map.entry(first.clone()).or_insert_with(|| container_for(&rest[0]));
            insert(child, rest, value, full)
        }
        Value::Array(items) => {
            // `[]` appends; `[n]` addresses item n (items may arrive in any order).
            let index = if first.is_empty() {
                if rest.is_empty() {
                    items.push(Value::String(value));
                    return Ok(());
                }
                // `a[][x]=..`: start a new item when the last one already has x.
                let starts_new = match (items.last(), rest.first()) {
                    (Some(Value::Object(last)), Some(key)) => last.contains_key(key),
                    _ => true,
                };
                if starts_new {
                    items.push(container_for(&rest[0]));
                }
                items.len() - 1
            } else {
                let index: usize = first.parse().map_err(|_| conflict())?;
                if index > 10_000 {
                    return Err(conflict());
                }
                while items.len() <= index {
                    items.push(Value::Null);
                }
                if rest.is_empty() {
                    items[index] = Value::String(value);
                    return Ok(());
                }
                if items[index].is_null() {
                    items[index] = container_for(&rest[0]);
                }
                index
            };
            insert(&mut items[index], rest, value, full)
        }
        _ => Err(conflict()),
    }
}

/// An array when the next segment is `[]` or a number, else an object.
fn container_for(next: &str) -> Value {
    if next.is_empty() || next.chars().all(|c| c.is_ascii_digit()) {
        Value::Array(Vec::new())
    } else {
        Value::Object(Map::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn nested_hashes_arrays_and_appends() {
        let tree = decode(&pairs(&[
            ("email", "a@b.c"),
            ("metadata[po]", "PO-1"),
            ("expand[]", "customer"),
            ("expand[]", "lines"),
            ("lines[1][amount]", "200"),
            ("lines[0][amount]", "100"),
            ("lines[0][metadata][k]", "v"),
            ("custom_fields[][name]", "PO number"),
            ("custom_fields[][value]", "PO-1"),
        ]))
        .unwrap();
        assert_eq!(
            tree,
            json!({
                "email": "a@b.c",
                "metadata": {"po": "PO-1"},
                "expand": ["customer", "lines"],
                "lines": [{"amount": "100", "metadata": {"k": "v"}}, {"amount": "200"}],
                "custom_fields": [{"name": "PO number", "value": "PO-1"}],
            })
        );
    }

    #[test]
    fn clashing_shapes_are_refused() {
        assert!(decode(&pairs(&[("a", "1"), ("a[b]", "2")])).is_err());
        assert!(decode(&pairs(&[("a[b", "1")])).is_err());
        assert!(decode(&pairs(&[("[x]", "1")])).is_err());
    }
}
