//! Scrubbing free text (sync errors, log lines) before it goes into a diagnostics report.
//!
//! Patterns cannot find every piece of customer data, so the rules lean towards removing too
//! much: anything that looks like a key or secret, e-mail addresses, quoted text that is not a
//! Stripe object id, numbers that could be amounts, and the names of the accounts.

use std::collections::HashSet;

/// What a key, secret or bearer token becomes.
pub const SECRET: &str = "[secret]";
/// What an e-mail address becomes.
pub const EMAIL: &str = "[email]";
/// What a number that could be an amount becomes.
pub const NUMBER: &str = "[number]";
/// What quoted text becomes (the quotes stay).
pub const QUOTED: &str = "[…]";

/// Prefixes of Stripe keys and secrets (secret, restricted, publishable, webhook, ephemeral).
const SECRET_PREFIXES: [&str; 5] = ["sk_", "rk_", "pk_", "whsec_", "ek_"];

/// Scrubs text with what it knows of the accounts: their names become `[account <slug>]`,
/// and their slugs may stay inside quotes.
#[derive(Debug, Default, Clone)]
pub struct Scrubber {
    /// (name, slug), longest name first so a name containing another is replaced whole.
    names: Vec<(String, String)>,
    slugs: HashSet<String>,
}

impl Scrubber {
    /// A scrubber that knows these accounts by (name, slug).
    pub fn new<'a>(accounts: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut names: Vec<(String, String)> = accounts
            .into_iter()
            .filter(|(name, _)| !name.trim().is_empty())
            .map(|(name, slug)| (name.trim().to_string(), slug.to_string()))
            .collect();
        names.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
        let slugs = names.iter().map(|(_, slug)| slug.clone()).collect();
        Scrubber { names, slugs }
    }

    /// The text with account names, quoted text, secrets, e-mails and amount-like numbers
    /// replaced.
    pub fn scrub(&self, text: &str) -> String {
        let out = self.replace_names(text);
        let out = scrub_quoted(&out, |inner| self.may_stay_quoted(inner));
        let out = scrub_secrets(&out);
        let out = scrub_emails(&out);
        scrub_numbers(&out)
    }

    /// Replaces whole-word, ASCII-case-insensitive account names in one pass, so a name
    /// inside another's replacement is left alone.
    fn replace_names(&self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let names: Vec<(Vec<char>, &str)> =
            self.names.iter().map(|(name, slug)| (name.chars().collect(), slug.as_str())).collect();
        let mut spans = Vec::new();
        let mut slugs = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let found = names.iter().find(|(name, _)| {
                let end = i + name.len();
                end <= chars.len()
                    && chars[i..end].iter().zip(name).all(|(a, b)| a.eq_ignore_ascii_case(b))
                    && (i == 0 || !is_word(chars[i - 1]))
                    && chars.get(end).is_none_or(|c| !is_word(*c))
            });
            match found {
                Some((name, slug)) => {
                    spans.push((i, i + name.len()));
                    slugs.push(*slug);
                    i += name.len();
                }
                None => i += 1,
            }
        }
        let mut slugs = slugs.into_iter();
        replace_spans(&chars, &spans, |_| format!("[account {}]", slugs.next().unwrap_or_default()))
    }

    fn may_stay_quoted(&self, inner: &str) -> bool {
        self.slugs.contains(inner)
            || (inner.starts_with("[account ") && inner.ends_with(']'))
            || is_stripe_id(inner)
            || inner.chars().all(|c| c.is_ascii_digit())
    }
}

/// `cus_…`, `in_…`, `evt_…`: a short lowercase prefix, `_`, then letters, digits and `_`.
fn is_stripe_id(text: &str) -> bool {
    let Some((prefix, rest)) = text.split_once('_') else { return false };
    (2..=12).contains(&prefix.len())
        && prefix.chars().all(|c| c.is_ascii_lowercase())
        && !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Rebuilds `chars` with each (start, end) span replaced by `with(span text)`.
fn replace_spans(chars: &[char], spans: &[(usize, usize)], mut with: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(chars.len());
    let mut at = 0;
    for &(start, end) in spans {
        out.extend(&chars[at..start]);
        out.push_str(&with(&chars[start..end].iter().collect::<String>()));
        at = end;
    }
    out.extend(&chars[at..]);
    out
}

/// Replaces the inside of "…", '…', “…” and ‘…’ unless `keep` says it may stay. An
/// apostrophe inside a word ("account's") opens nothing.
fn scrub_quoted(text: &str, keep: impl Fn(&str) -> bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let close = match chars[i] {
            '"' => Some('"'),
            '\'' if i == 0 || !is_word(chars[i - 1]) => Some('\''),
            '“' => Some('”'),
            '‘' => Some('’'),
            _ => None,
        };
        let Some(close) = close else {
            i += 1;
            continue;
        };
        let end = (i + 1..chars.len())
            .find(|&j| chars[j] == close && (close != '\'' || chars.get(j + 1).is_none_or(|c| !is_word(*c))));
        match end {
            Some(end) => {
                let inner: String = chars[i + 1..end].iter().collect();
                if !keep(&inner) {
                    spans.push((i + 1, end));
                }
                i = end + 1;
            }
            None => i += 1,
        }
    }
    replace_spans(&chars, &spans, |_| QUOTED.to_string())
}

/// Replaces key-like tokens (`sk_…`, `rk_…`, `pk_…`, `whsec_…`, `ek_…`, anything with
/// `_secret_` in it, and the token after `Bearer`).
fn scrub_secrets(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let token_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '…' | '*' | '-');
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !token_char(chars[i]) || (i > 0 && token_char(chars[i - 1])) {
            i += 1;
            continue;
        }
        let end = (i..chars.len()).find(|&j| !token_char(chars[j])).unwrap_or(chars.len());
        let token: String = chars[i..end].iter().collect();
        let after_bearer = {
            let before: String = chars[..i].iter().collect();
            before.trim_end().to_ascii_lowercase().ends_with("bearer") && before.ends_with(char::is_whitespace)
        };
        let lower = token.to_ascii_lowercase();
        let is_secret = SECRET_PREFIXES.iter().any(|prefix| lower.starts_with(prefix) && lower.len() > prefix.len())
            || lower.contains("_secret_")
            || (after_bearer && token.len() >= 8);
        if is_secret {
            spans.push((i, end));
        }
        i = end;
    }
    replace_spans(&chars, &spans, |_| SECRET.to_string())
}

/// Replaces `local@domain.tld` addresses.
fn scrub_emails(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let local = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let domain = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-');
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (at, _) in chars.iter().enumerate().filter(|(_, c)| **c == '@') {
        if spans.last().is_some_and(|&(_, end)| at < end) {
            continue;
        }
        let start = (0..at).rev().take_while(|&j| local(chars[j])).last().unwrap_or(at);
        let mut end = (at + 1..chars.len()).find(|&j| !domain(chars[j])).unwrap_or(chars.len());
        while end > at + 1 && chars[end - 1] == '.' {
            end -= 1;
        }
        let host: String = chars[at + 1..end].iter().collect();
        if start < at && host.contains('.') && !host.starts_with('.') {
            spans.push((start, end));
        }
    }
    replace_spans(&chars, &spans, |_| EMAIL.to_string())
}

/// Replaces standalone numbers that could be amounts: four or more digits (`987654`,
/// `9,876.54`), or two decimals (`5.00`). Digits inside identifiers, UUIDs and dates
/// (`cus_123456`, `2026-11-23`) stay; short numbers (HTTP 402, a count of 3) stay.
fn scrub_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && (chars[i - 1].is_ascii_digit() || matches!(chars[i - 1], '.' | ',')))
        {
            i += 1;
            continue;
        }
        let mut end = (i..chars.len())
            .find(|&j| !(chars[j].is_ascii_digit() || matches!(chars[j], '.' | ',')))
            .unwrap_or(chars.len());
        while matches!(chars[end - 1], '.' | ',') {
            end -= 1;
        }
        let glued_before =
            i > 0 && (is_word(chars[i - 1]) || (chars[i - 1] == '-' && i > 1 && chars[i - 2].is_alphanumeric()));
        let glued_after = chars
            .get(end)
            .is_some_and(|&c| is_word(c) || (c == '-' && chars.get(end + 1).is_some_and(char::is_ascii_alphanumeric)));
        let number: String = chars[i..end].iter().collect();
        let digits = number.chars().filter(char::is_ascii_digit).count();
        let cents = number.len() >= 4
            && matches!(number.chars().nth_back(2), Some('.' | ','))
            && number.chars().rev().take(2).all(|c| c.is_ascii_digit());
        if !glued_before && !glued_after && (digits >= 4 || cents) {
            spans.push((i, end));
        }
        i = end.max(i + 1);
    }
    replace_spans(&chars, &spans, |_| NUMBER.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrub(text: &str) -> String {
        Scrubber::new([("EuroRust 2027", "eurorust-2027"), ("Rust", "rust")]).scrub(text)
    }

    #[test]
    fn keys_and_secrets_are_removed_wherever_they_stand() {
        let text = "bad key sk_test_51AbC9z, rk_live_xyz; (pk_test_123) whsec_abc=1 sk_test_…9z9z \
                    pi_1_secret_abc Authorization: Bearer abcdefgh12345678";
        let out = scrub(text);
        for leaked in ["sk_test", "rk_live", "pk_test", "whsec", "9z9z", "pi_1_secret", "abcdefgh"] {
            assert!(!out.contains(leaked), "{leaked} in {out}");
        }
        assert!(out.contains("bad key [secret], [secret]; ([secret]) [secret]=1"), "{out}");
        // Words that merely contain a prefix are not keys.
        assert_eq!(scrub("task_done desk_lamp risk_level"), "task_done desk_lamp risk_level");
    }

    #[test]
    fn emails_quoted_text_and_amounts_are_removed() {
        let out = scrub("Invalid email: ada.l+billing@ferris.example. Amount 987654 or 9,876.54 EUR or $5.00");
        assert_eq!(out, "Invalid email: [email]. Amount [number] or [number] EUR or $[number]");
        let out = scrub("No such customer: 'cus_9s6XKzkNRiz8i3'; customer \"Ada Lovelace\" and 'Acme GmbH'");
        assert_eq!(out, "No such customer: 'cus_9s6XKzkNRiz8i3'; customer \"[…]\" and '[…]'");
        assert_eq!(scrub("the account's key can't be read"), "the account's key can't be read");
    }

    #[test]
    fn account_names_become_their_slug_and_ids_dates_and_statuses_stay() {
        let out = scrub("the API key of 'EuroRust 2027' is missing; eurorust 2027 and Rustacean stay apart; Rust");
        assert_eq!(out, "the API key of '[account eurorust-2027]' is missing; [account eurorust-2027] and Rustacean stay apart; [account rust]");
        let kept = "HTTP 402 at 2026-11-23T10:00:00Z account=5f1c2d3e-1234-4abc-8def-0123456789ab in_1234567 slug=\"eurorust-2027\" 3 pages";
        assert_eq!(scrub(kept), kept);
        assert_eq!(scrub("refund -987654 done"), "refund -[number] done");
    }
}
