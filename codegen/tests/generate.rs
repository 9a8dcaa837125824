//! Generator snapshots: each fixture spec's full output, parsed by syn, reviewed with insta.

use linkspec_codegen::{Config, SpecSource, generate};

fn output_of(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    let name = format!("fixtures/{}", path.file_name().unwrap().to_string_lossy());
    let specs = [SpecSource { name, text: text.clone() }];
    let out = match generate(&specs, &Config::default()) {
        Ok(out) => out,
        Err(d) => panic!("fixture does not generate:\n{}", d.render(|_| Some(text.as_str()))),
    };
    assert!(
        out.warnings.0.is_empty(),
        "fixtures document everything; warnings:\n{}",
        out.warnings.render(|_| Some(text.as_str()))
    );
    let again = generate(&specs, &Config::default()).expect("second run");
    assert_eq!(out.files, again.files, "two runs must give identical bytes");
    let mut all = String::new();
    for file in &out.files {
        if file.path.ends_with(".rs") {
            syn::parse_file(&file.contents).unwrap_or_else(|e| panic!("{} does not parse: {e}", file.path));
        }
        assert!(file.contents.lines().next().is_some_and(|l| l.contains("@generated")), "{} has no header", file.path);
        assert!(!file.contents.contains('\r'), "{} has CR line endings", file.path);
        all.push_str(&format!("=== {}\n{}\n", file.path, file.contents));
    }
    all
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.yaml", |path| {
        insta::assert_snapshot!(output_of(path));
    });
}
