//! The bad-spec corpus: every file under tests/bad/ must fail (or warn) with located,
//! coded diagnostics; the rendered output of each is a reviewed snapshot.

use linkspec_codegen::{SpecSource, check, diag::Severity};

#[test]
fn bad_specs() {
    insta::glob!("bad/*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("readable");
        let name = format!("bad/{}", path.file_name().unwrap().to_string_lossy());
        let (_, diags) = check(&[SpecSource { name, text: text.clone() }]);
        assert!(!diags.0.is_empty(), "a bad spec must produce diagnostics");
        for d in &diags.0 {
            assert!(d.loc.line > 0 && d.loc.col > 0, "diagnostic without a location: {d}");
            assert!(d.code.starts_with("LS"), "uncoded diagnostic: {d}");
            assert!(d.help.is_some(), "diagnostic without help: {d}");
        }
        assert!(
            diags.0.iter().any(|d| d.severity == Severity::Error) || path.to_string_lossy().contains("warn"),
            "a bad spec must have at least one error"
        );
        insta::assert_snapshot!(diags.render(|_| Some(text.as_str())));
    });
}
