//! Cases made by the OpenAPI importer from a document's examples (`cargo xtask import
//! examples`) replay through the harness: a small made-up document's examples of
//! `/user/create` and `/user/remove` against the bundled Plaid spec (a key pair carried in the
//! body), each case passing or failing as the harness words it, and marked failures counted as
//! known.

use linkspec_codegen::import::examples::{self, Options, Placement};
use linkspec_conformance::cassette;
use linkspec_conformance::replay::{self, Verdict};
use std::path::Path;

const DOCUMENT: &str = include_str!("../../codegen/tests/import/plaid_users.yaml");

/// The bundled Plaid spec (`specs/plaid/`), lowered.
fn bundled_plaid(root: &Path) -> linkspec_codegen::ir::Provider {
    let dir = root.join("specs/plaid");
    let mut files: Vec<linkspec_codegen::SpecSource> = std::fs::read_dir(&dir)
        .expect("the bundled Plaid spec")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| linkspec_codegen::SpecSource {
            name: format!("specs/plaid/{}", p.file_name().expect("name").to_string_lossy()),
            text: std::fs::read_to_string(&p).expect("reads"),
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let (mut providers, diags) = linkspec_codegen::check_providers(&[linkspec_codegen::ProviderSource::Dir { name: "specs/plaid/", files: &files }]);
    assert!(!diags.has_errors());
    providers.remove(0)
}

async fn replayed(placement: Placement) -> Vec<(String, Verdict, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("checkout");
    let providers = [bundled_plaid(root)];
    let options = Options { source: "plaid_users.yaml".into(), credentials_in: placement, compose: true };
    let made = examples::cassettes(DOCUMENT, &providers[0], &options).expect("reads");
    let mut out = Vec::new();
    for c in &made.cassettes {
        let path = root.join("conformance/cassettes/plaid").join(c.file_name());
        let case = cassette::parse("plaid", &path, &c.text()).unwrap_or_else(|e| panic!("{e}\n{}", c.text()));
        let verdict = replay::replay(&case, &replay::Options::default()).await.verdict;
        out.push((c.name.clone(), verdict, c.text()));
    }
    out
}

fn problems(verdict: &Verdict) -> Vec<String> {
    match verdict {
        Verdict::Fail(p) => p.clone(),
        _ => Vec::new(),
    }
}

#[tokio::test]
async fn example_cases_replay_as_the_harness_judges_them() {
    for placement in [Placement::Body, Placement::Headers] {
        let cases = replayed(placement).await;
        let names: Vec<&str> = cases.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names, ["example_user_create_1", "example_user_create_legacy", "example_user_create_duplicate", "example_user_remove", "example_asset_report_pdf_get"]);
        let verdict = |name: &str| &cases.iter().find(|(n, _, _)| n == name).expect("case").1;
        // The document's request example is sent as written (credentials the client's own), the
        // answer decodes losslessly, and an error example is the provider's error.
        assert_eq!(*verdict("example_user_create_1"), Verdict::Pass, "{placement:?}");
        assert_eq!(*verdict("example_user_create_duplicate"), Verdict::Pass, "{placement:?}");
        // A binary answer the document has no example of: placeholder bytes, held exactly; the
        // body composed of the schema's property example.
        assert_eq!(*verdict("example_asset_report_pdf_get"), Verdict::Pass, "{placement:?}");
        // A field the model lacks is drift, and a request field the body model drops changes
        // what is sent: both are failures in the harness's words.
        assert_eq!(
            problems(verdict("example_user_create_legacy")),
            ["drift: the recorded body has /created_at = \"2026-01-02T03:04:05Z\", which the model keeps but does not declare (add it to the spec, or list it under expected_drift)"]
        );
        assert_eq!(problems(verdict("example_user_remove")), ["exchange 1 (POST /user/remove): body at /color: expected \"blue\", missing"]);
    }
}

#[tokio::test]
async fn a_marked_failure_is_known() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("checkout");
    let providers = [bundled_plaid(root)];
    let options = Options { source: "plaid_users.yaml".into(), credentials_in: Placement::Body, compose: true };
    let made = examples::cassettes(DOCUMENT, &providers[0], &options).expect("reads");
    let c = made.cassettes.iter().find(|c| c.name == "example_user_remove").expect("case");
    let text = c.render(Some("exchange 1 (POST /user/remove): body at /color: expected \"blue\", missing"));
    let case = cassette::parse("plaid", Path::new("conformance/cassettes/plaid/example_user_remove.yaml"), &text).expect("parses");
    assert!(matches!(replay::replay(&case, &replay::Options::default()).await.verdict, Verdict::KnownFailure { .. }));
}
