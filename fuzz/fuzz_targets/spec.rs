//! Fuzz target: any text through parse, validate and generate. A bad spec must never panic,
//! and every problem must come back as a coded diagnostic with a line and a column.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkspec_codegen::diag::Diagnostics;
use linkspec_codegen::{Config, SpecSource, generate};

fn assert_located(diags: &Diagnostics, text: &str) {
    for d in &diags.0 {
        assert_ne!(d.code, "LS9999", "internal error on a spec: {d}");
        assert!(d.loc.line > 0 && d.loc.col > 0, "diagnostic without a location: {d}");
        assert!(d.help.is_some(), "diagnostic without help: {d}");
    }
    let rendered = diags.render(|_| Some(text));
    assert!(rendered.ends_with("warning(s)\n"));
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let specs = [SpecSource { name: "fuzz.yaml".into(), text: text.to_owned() }];
    match generate(&specs, &Config::default()) {
        Ok(output) => {
            assert!(!output.files.is_empty());
            assert_located(&output.warnings, text);
        }
        Err(diags) => {
            assert!(diags.has_errors(), "generate failed without an error");
            assert_located(&diags, text);
        }
    }
});
