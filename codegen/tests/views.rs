//! Views: the bad-mapping corpus (tests/bad_views/, each a provider spec whose `views:` maps the
//! bundled connections view wrongly) and the bad-view corpus (tests/bad_view_files/): every
//! file fails (or, named `*warn*`, warns) with located, coded diagnostics that say what to do;
//! the rendered output of each is a reviewed snapshot. And the bundled view and mappings check.

use linkspec_codegen::{ProviderSource, SpecSource, check_with_views, diag::Severity};
use std::path::Path;

fn bundled_view() -> SpecSource {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/views/connections.yaml");
    SpecSource { name: "specs/views/connections.yaml".into(), text: std::fs::read_to_string(path).expect("the bundled view reads") }
}

fn assert_located(diags: &linkspec_codegen::diag::Diagnostics, warn_only: bool) {
    assert!(!diags.0.is_empty(), "a bad spec must produce diagnostics");
    for d in &diags.0 {
        assert!(d.loc.line > 0 && d.loc.col > 0, "diagnostic without a location: {d}");
        assert!(d.code.starts_with("LS"), "uncoded diagnostic: {d}");
        assert!(d.help.is_some(), "diagnostic without help: {d}");
    }
    let errors = diags.0.iter().any(|d| d.severity == Severity::Error);
    assert!(errors != warn_only, "errors: {errors}, expected only warnings: {warn_only}:\n{diags:?}");
}

#[test]
fn bad_mappings() {
    let view = bundled_view();
    insta::glob!("bad_views/*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("readable");
        let name = format!("bad_views/{}", path.file_name().unwrap().to_string_lossy());
        let spec = SpecSource { name: name.clone(), text: text.clone() };
        let (providers, _, diags) = check_with_views(&[ProviderSource::File(&spec)], Some(std::slice::from_ref(&view)));
        let warn_only = name.contains("warn");
        assert_located(&diags, warn_only);
        if warn_only {
            assert_eq!(providers.len(), 1, "a warning keeps the provider");
            assert_eq!(providers[0].views.len(), 1, "and its mapping");
        }
        insta::assert_snapshot!(diags.render(|_| Some(text.as_str())));
    });
}

#[test]
fn bad_view_files() {
    insta::glob!("bad_view_files/*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("readable");
        let name = format!("bad_view_files/{}", path.file_name().unwrap().to_string_lossy());
        let view = SpecSource { name, text: text.clone() };
        let (_, views, diags) = check_with_views(&[], Some(std::slice::from_ref(&view)));
        assert!(views.is_empty(), "a view with errors is not lowered");
        assert_located(&diags, false);
        insta::assert_snapshot!(diags.render(|_| Some(text.as_str())));
    });
}

#[test]
fn a_mapping_without_views_given_is_not_read() {
    // A provider checked on its own (an import's --verify) joins no view and reports nothing.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_views/status_value_not_in_enum.yaml");
    let spec = SpecSource { name: "x.yaml".into(), text: std::fs::read_to_string(path).expect("readable") };
    let (providers, _, diags) = check_with_views(&[ProviderSource::File(&spec)], None);
    assert!(!diags.has_errors(), "{diags:?}");
    assert!(providers[0].views.is_empty());
}

#[test]
fn a_mapping_of_a_missing_view_is_an_error() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_views/unmapped_enum_value_warn.yaml");
    let spec = SpecSource { name: "x.yaml".into(), text: std::fs::read_to_string(path).expect("readable") };
    let (_, _, diags) = check_with_views(&[ProviderSource::File(&spec)], Some(&[]));
    let d = diags.0.iter().find(|d| d.code == "LS0401").unwrap_or_else(|| panic!("no LS0401 in {diags:?}"));
    assert!(d.help.as_deref().is_some_and(|h| h.contains("specs/views/")), "{d}");
}
