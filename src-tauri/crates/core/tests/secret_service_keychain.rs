//! The keychain against a real Secret Service (gnome-keyring on the private D-Bus session
//! that `make test` starts). Outside such a session these tests fail, by design: they must
//! not pass without the real thing.

use billfold_core::secrets::{Keychain, Secret, SecretKind};

fn unique_account() -> String {
    format!("test-{}", uuid::Uuid::new_v4())
}

#[test]
fn secrets_round_trip_through_the_secret_service() {
    let keychain = Keychain::platform().expect("a Secret Service on the session bus");
    let account = unique_account();
    let key = Secret::new("sk_test_51SecretServiceRoundTrip000000");
    keychain.set(&account, SecretKind::ApiKey, &key).unwrap();
    keychain.set(&account, SecretKind::WebhookSecret, &Secret::new("whsec_roundtrip1")).unwrap();

    // A second handle (as after a restart) reads the same entries.
    let again = Keychain::platform().unwrap();
    assert_eq!(again.get(&account, SecretKind::ApiKey).unwrap(), Some(key));
    assert_eq!(again.get(&account, SecretKind::WebhookSecret).unwrap().unwrap().expose(), "whsec_roundtrip1");

    again.delete(&account, SecretKind::ApiKey).unwrap();
    again.delete(&account, SecretKind::WebhookSecret).unwrap();
    assert_eq!(keychain.get(&account, SecretKind::ApiKey).unwrap(), None);
    assert_eq!(keychain.get(&account, SecretKind::WebhookSecret).unwrap(), None);
}

#[test]
fn entries_are_found_by_service_and_user_as_other_tools_see_them() {
    let keychain = Keychain::platform().unwrap();
    let account = unique_account();
    keychain.set(&account, SecretKind::ApiKey, &Secret::new("sk_test_51VisibleToSecretTool0000")).unwrap();
    // `secret-tool` is libsecret's command line: an independent reader of the same store.
    let output = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "billfold", "username", &format!("{account}:secret-key")])
        .output()
        .expect("secret-tool is installed by the setup script");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "sk_test_51VisibleToSecretTool0000");
    keychain.delete(&account, SecretKind::ApiKey).unwrap();
}
