//! Exact numbers and kept unknown keys, through the transport against a wiremock server on
//! 127.0.0.1: hand-written models shaped as the generator emits them (a `Decimal` field, a
//! `Float`, an optional nullable field, a flattened `UnknownKeys`) decode real-shaped bodies and
//! re-encode them byte for byte; decimals travel in bodies, queries and paths as their text.

mod common;

use common::*;
use linkspec_runtime::dispatch;
use linkspec_runtime::{Decimal, Float, KeyPlacement, UnknownKeys};
use serde::{Deserialize, Serialize};
use wiremock::matchers::query_param;

/// Like a generated model with `unknown_keys: keep`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Balance {
    available: Option<Decimal>,
    current: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "linkspec_runtime::serde_util::double_option")]
    limit: Option<Option<Decimal>>,
    iso_currency_code: Option<String>,
    #[serde(flatten)]
    unknown_keys: UnknownKeys,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Account {
    account_id: String,
    balances: Balance,
    history: Vec<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    score: Option<Float>,
    #[serde(flatten)]
    unknown_keys: UnknownKeys,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct AccountsResponse {
    accounts: Vec<Account>,
    request_id: String,
    #[serde(flatten)]
    unknown_keys: UnknownKeys,
}

/// Plaid-shaped: declared fields first, then keys the models do not declare, with whole,
/// trailing-zero, negative and exponent amounts; written compactly so the re-encoding can be
/// compared byte for byte.
const BODY: &str = concat!(
    r#"{"accounts":[{"account_id":"BxBXxLj1m4HMXBm9WZZmCWVbPjX16EHwv99vp","#,
    r#""balances":{"available":5,"current":5.10,"limit":null,"iso_currency_code":"USD","#,
    r#""unofficial_currency_code":null,"last_updated_datetime":"2024-01-31T12:00:00Z"},"#,
    r#""history":[-0.01,1e3,110,0.0],"score":5,"mask":"0000","subtype":"checking","#,
    r#""verification_insights":{"name_match_score":70,"network_status":{"has_numbers_match":true}}}],"#,
    r#""request_id":"bkVE1BHWMAZ9Rnr","item":{"item_id":"eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6"}}"#,
);

async fn mount_accounts(server: &MockServer, body: &str) {
    Mock::given(method("GET"))
        .and(path("/things/t1"))
        .respond_with(ResponseTemplate::new(200).insert_header("content-type", "application/json").set_body_string(body))
        .expect(1)
        .mount(server)
        .await;
}

fn bearer(server: &MockServer) -> Transport {
    TransportBuilder::new(&PROVIDER).base_url(server.uri()).token("tok".into()).build().expect("builds")
}

async fn get_accounts(t: &Transport) -> Result<AccountsResponse> {
    let mut call = Call::new(&GET_THING);
    call.path_param("id", &"t1");
    t.send::<AccountsResponse, TestError>(call).await
}

#[tokio::test]
async fn a_body_with_decimals_and_unknown_keys_reencodes_byte_for_byte() {
    let server = MockServer::start().await;
    mount_accounts(&server, BODY).await;
    let answer = get_accounts(&bearer(&server)).await.expect("decodes");
    let account = &answer.accounts[0];
    assert_eq!(account.balances.current.as_str(), "5.10");
    assert_eq!(account.balances.current.value().expect("fits"), "5.1".parse().expect("parses"));
    assert_eq!(account.balances.available.as_ref().map(Decimal::as_str), Some("5"));
    assert_eq!(account.balances.limit, Some(None), "a null that came is kept as null");
    let history: Vec<&str> = account.history.iter().map(Decimal::as_str).collect();
    assert_eq!(history, ["-0.01", "1e3", "110", "0.0"]);
    assert_eq!(account.score.map(Float::get), Some(5.0));
    assert_eq!(account.unknown_keys.keys().collect::<Vec<_>>(), ["mask", "subtype", "verification_insights"], "kept in the order received");
    assert_eq!(account.balances.unknown_keys.keys().collect::<Vec<_>>(), ["unofficial_currency_code", "last_updated_datetime"]);
    assert_eq!(answer.unknown_keys.get("item").and_then(|i| i.pointer("/item_id")).and_then(|v| v.as_str()), Some("eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6"));

    let text = serde_json::to_string(&answer).expect("encodes");
    assert_eq!(text, BODY, "declared fields in order, then the kept keys in the order received, numbers as sent");
    let value: serde_json::Value = serde_json::from_str(BODY).expect("JSON");
    assert_eq!(serde_json::to_value(&answer).expect("encodes"), value);
}

#[tokio::test]
async fn an_answer_names_the_keys_it_keeps_but_does_not_declare() {
    let server = MockServer::start().await;
    mount_accounts(&server, BODY).await;
    match dispatch::outcome(get_accounts(&bearer(&server)).await) {
        linkspec_runtime::JsonOutcome::Success { json, kept, .. } => {
            // Sorted as serde_json's map sorts keys.
            assert_eq!(
                kept,
                [
                    "/accounts/0/balances/last_updated_datetime",
                    "/accounts/0/balances/unofficial_currency_code",
                    "/accounts/0/mask",
                    "/accounts/0/subtype",
                    "/accounts/0/verification_insights",
                    "/item",
                ]
            );
            assert!(json.pointer("/accounts/0/mask").is_some(), "kept keys stay in the JSON");
        }
        other => panic!("expected a success, got {other:?}"),
    }
}

#[test]
fn declared_only_hides_kept_keys_and_restores_itself() {
    let answer: AccountsResponse = serde_json::from_str(BODY).expect("decodes");
    let declared = linkspec_runtime::unknown::declared_only(|| serde_json::to_value(&answer).expect("encodes"));
    assert!(declared.pointer("/item").is_none());
    assert!(declared.pointer("/accounts/0/mask").is_none());
    assert_eq!(declared.pointer("/accounts/0/balances/current").map(ToString::to_string).as_deref(), Some("5.1"));
    let again = serde_json::to_value(&answer).expect("encodes");
    assert!(again.pointer("/item").is_some(), "the switch is off again after the closure");
}

#[test]
fn debug_shows_kept_keys_not_their_values() {
    let answer: AccountsResponse = serde_json::from_str(BODY).expect("decodes");
    let text = format!("{:?}", answer.accounts[0]);
    assert!(text.contains(r#"unknown_keys: {"mask", "subtype", "verification_insights"}"#), "{text}");
    assert!(!text.contains("0000") && !text.contains("checking") && !text.contains("70"), "{text}");
    assert!(text.contains("current: 5.10"), "decimals print their text: {text}");
}

#[tokio::test]
async fn a_wrong_field_inside_a_model_with_kept_keys_is_located_without_its_value() {
    let server = MockServer::start().await;
    let body = BODY.replace(r#""current":5.10"#, r#""current":"5.10-secret""#);
    mount_accounts(&server, &body).await;
    let err = get_accounts(&bearer(&server)).await.expect_err("a string is no decimal");
    let Error::Decode(decode) = err else { panic!("expected a decode error, got {err:?}") };
    assert_eq!(decode.path, "accounts[0].balances.current");
    assert!(decode.message.starts_with("expected a JSON number (a decimal), found a string"), "{}", decode.message);
    assert!(!decode.message.contains("secret"), "{}", decode.message);
}

#[test]
fn an_absent_optional_nullable_field_stays_absent_beside_kept_keys() {
    let text = r#"{"available":null,"current":0,"iso_currency_code":null,"extra":[1,2.5]}"#;
    let balance: Balance = serde_json::from_str(text).expect("decodes");
    assert_eq!(balance.limit, None);
    assert_eq!(serde_json::to_string(&balance).expect("encodes"), text);
    let with_limit = text.replace(r#""current":0,"#, r#""current":0,"limit":12.50,"#);
    let balance: Balance = serde_json::from_str(&with_limit).expect("decodes");
    assert_eq!(balance.limit.clone().flatten().map(|d| d.to_string()).as_deref(), Some("12.50"));
    assert_eq!(serde_json::to_string(&balance).expect("encodes"), with_limit);
}

#[derive(Debug, Serialize)]
struct Transfer {
    amount: Decimal,
    fees: Vec<Decimal>,
    #[serde(flatten)]
    unknown_keys: UnknownKeys,
}

static KEY_PAIR: ProviderMeta = ProviderMeta {
    name: "key_pair",
    auth: AuthScheme::KeyPair {
        client_id: KeyPlacement { body: "client_id", header: "CLIENT-ID" },
        secret: KeyPlacement { body: "secret", header: "SECRET" },
    },
    acquire: None,
    inputs: &[],
    ..PROVIDER
};

static CREATE_TRANSFER: OperationMeta = OperationMeta { provider: &KEY_PAIR, name: "create_transfer", ..CREATE_THING };

#[tokio::test]
async fn decimals_in_a_body_with_credentials_are_sent_as_written() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .and(body_string(r#"{"amount":1e3,"client_id":"id-1","fees":[0.10,5],"memo":"rent","secret":"s-1"}"#))
        .respond_with(ResponseTemplate::new(201).set_body_string(r#"{"ok":true}"#))
        .expect(1)
        .mount(&server)
        .await;
    let t = TransportBuilder::new(&KEY_PAIR)
        .base_url(server.uri())
        .client_id("id-1".into())
        .secret("s-1".into())
        .build()
        .expect("builds");
    let mut unknown_keys = UnknownKeys::new();
    unknown_keys.insert("memo", serde_json::json!("rent"));
    let transfer = Transfer { amount: "1e3".parse().expect("a number"), fees: vec!["0.10".parse().expect("a number"), Decimal::from(5)], unknown_keys };
    let mut call = Call::new(&CREATE_TRANSFER);
    call.json_body(&transfer);
    t.send::<serde_json::Value, TestError>(call).await.expect("sent as written");
}

#[tokio::test]
async fn a_decimal_parameter_is_its_text() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things/-0.50"))
        .and(query_param("min", "1e3"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let mut call = Call::new(&GET_THING);
    let id: Decimal = "-0.50".parse().expect("a number");
    call.path_param("id", &id);
    call.query("min", &Decimal::new("1e3").expect("a number"));
    bearer(&server).send::<serde_json::Value, TestError>(call).await.expect("matched");
}

#[test]
fn decimals_refuse_what_is_not_a_json_number() {
    for bad in ["\"5\"", ".5", "5.", "+1", "NaN", "0x10", "1_000", ""] {
        assert!(Decimal::new(bad).is_err(), "{bad}");
    }
    for kind in [r#""5.10""#, "true", "null", "[1]", r#"{"a":1}"#] {
        assert!(serde_json::from_str::<Decimal>(kind).is_err(), "{kind}");
    }
}
