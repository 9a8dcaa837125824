//! generated/ must be exactly what the generator makes from specs/ (the same check as
//! `cargo xtask generate --check`).

#[test]
fn generated_matches_specs() {
    let root = xtask::compiled_root();
    let specs = xtask::read_clean_spec_dir(&root).expect("specs are readable");
    let providers = specs.providers();
    assert!(!providers.is_empty(), "specs/ holds no spec");
    let config = linkspec_codegen::Config::default();
    let output = linkspec_codegen::generate_providers(&providers, &config).unwrap_or_else(|d| {
        panic!("specs do not generate:\n{}", d.render(|n| specs.files().find(|s| s.name == n).map(|s| s.text.as_str())))
    });
    let drift = xtask::drift(&root, &config, &output).expect("generated/ is readable");
    assert!(drift.is_empty(), "generated/ is out of date; run `cargo xtask generate`: {drift:?}");
}
