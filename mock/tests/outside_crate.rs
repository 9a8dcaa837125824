//! The crate as an application uses it: a small crate outside this repository, with path
//! dependencies on `linkspec-mock` and `linkspec-clients` (PingOne only), whose test embeds a
//! cassette and calls the client through the mock. It is built with `cargo test --offline`
//! against a copy of the workspace's Cargo.lock, in the workspace's own target directory (the
//! one this test binary was built in) with the workspace's profile settings, so the
//! dependencies already built for this crate's tests are reused; only the application, the
//! PingOne-only clients crate and their test are compiled.
//!
//! `LINKSPEC_MOCK_APP_TARGET` names another target directory instead (a cold build: minutes).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The target directory this test binary was built in: `<target>/<profile>/deps/<binary>`.
fn own_target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors().nth(3).expect("<target>/<profile>/deps/<binary>").to_path_buf()
}

const MANIFEST: &str = r#"[package]
name = "linkspec-mock-app"
version = "0.0.0"
edition = "2024"
publish = false

# Not part of any workspace above it.
[workspace]

[dependencies]
linkspec-clients = { path = "@ROOT@/generated", default-features = false, features = ["pingone"] }

[dev-dependencies]
linkspec-mock = { path = "@ROOT@/mock" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
futures-util = { version = "0.3", default-features = false, features = ["std"] }

# The workspace's profile settings: with them, artifacts already built are reused.
[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
"#;

const LIB: &str = r#"//! An application's code: the external ids of a user's linked accounts at PingOne.

use linkspec_clients::pingone;

/// The external id of each account linked to `user` (in the client's environment).
pub async fn external_ids(client: &pingone::Client, user: &pingone::UserId) -> Result<Vec<String>, pingone::Error> {
    let list = client.read_linked_accounts(pingone::ReadLinkedAccountsRequest::new(user.clone())).await?;
    Ok(list.embedded.linked_accounts.into_iter().map(|a| a.external_id).collect())
}
"#;

const TEST: &str = r#"use linkspec_clients::pingone;
use linkspec_mock::ProviderMock;

#[tokio::test]
async fn external_ids_of_a_recorded_user() {
    let mock = ProviderMock::of("pingone")
        .cassette("read_linked_accounts_two", include_str!("cassettes/pingone/read_linked_accounts_two.yaml"))
        .expect_every_exchange()
        .start()
        .await
        .expect("the cassette reads");
    let client = mock.builder::<pingone::ClientBuilder>().expect("settings apply").build().expect("builds");
    let ids = linkspec_mock_app::external_ids(&client, &pingone::UserId::new("user-1")).await.expect("the recorded answer");
    assert_eq!(ids, ["108245012345678901234", "5821944"]);
    mock.verify();
}

#[tokio::test]
async fn another_user_is_not_in_the_cassette() {
    let mock = ProviderMock::of("pingone")
        .cassette("read_linked_accounts_two", include_str!("cassettes/pingone/read_linked_accounts_two.yaml"))
        .start()
        .await
        .expect("the cassette reads");
    let client = mock.builder::<pingone::ClientBuilder>().expect("settings apply").build().expect("builds");
    linkspec_mock_app::external_ids(&client, &pingone::UserId::new("user-9")).await.expect_err("no such exchange");
    let report = mock.check().expect_err("reported");
    assert!(report.to_string().contains("path: expected /environments/env-1/users/user-1/linkedAccounts, got /environments/env-1/users/user-9/linkedAccounts"), "{report}");
}
"#;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn an_application_crate_outside_the_workspace_tests_with_an_embedded_cassette() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_path_buf();
    let app = std::env::temp_dir().join(format!("linkspec-mock-app-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&app);
    write(&app.join("Cargo.toml"), &MANIFEST.replace("@ROOT@", &root.display().to_string()));
    write(&app.join("src/lib.rs"), LIB);
    write(&app.join("tests/app.rs"), TEST);
    let cassette = root.join("conformance/cassettes/pingone/read_linked_accounts_two.yaml");
    write(&app.join("tests/cassettes/pingone/read_linked_accounts_two.yaml"), &std::fs::read_to_string(cassette).expect("the cassette"));
    std::fs::copy(root.join("Cargo.lock"), app.join("Cargo.lock")).expect("copy Cargo.lock");

    let target = std::env::var_os("LINKSPEC_MOCK_APP_TARGET").map(PathBuf::from).unwrap_or_else(own_target_dir);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let started = Instant::now();
    let output = Command::new(cargo)
        .args(["test", "--offline", "--quiet"])
        .current_dir(&app)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .output()
        .expect("cargo runs");
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("cargo test in {} (target {}): {:.1} s", app.display(), target.display(), elapsed.as_secs_f64());
    assert!(output.status.success(), "cargo test failed in {}:\n{stdout}\n{stderr}", app.display());
    assert!(stdout.contains("test result: ok. 2 passed"), "{stdout}\n{stderr}");
    // Every registry crate the application locked is one the workspace pins, in that version.
    let versions = |text: &str| -> Vec<String> {
        text.split("[[package]]")
            .filter(|e| e.contains("source = \"registry+"))
            .map(|e| e.lines().filter(|l| l.starts_with("name = ") || l.starts_with("version = ")).collect::<Vec<_>>().join(" "))
            .collect()
    };
    let pinned = versions(&std::fs::read_to_string(root.join("Cargo.lock")).expect("lock"));
    for entry in versions(&std::fs::read_to_string(app.join("Cargo.lock")).expect("lock")) {
        assert!(pinned.contains(&entry), "the application locked {entry}, which the workspace does not pin");
    }
    std::fs::remove_dir_all(&app).expect("clean up");
}
