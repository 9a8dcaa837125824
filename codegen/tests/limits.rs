//! Size limits of the spec reader: a large real spec reads (the message of a breach is tested
//! beside the parser, without building a file of millions of nodes).

use linkspec_codegen::{SpecSource, check};

/// A valid spec of about `lines` lines: one operation and models of ten documented fields.
fn large_spec(lines: usize) -> String {
    let mut text = [
        "provider: big",
        "title: Big",
        "servers:",
        "  default: live",
        "  environments:",
        "    live: https://api.example.com",
        "auth: { scheme: bearer }",
        "errors: { model: Failure, code: code }",
        "operations:",
        "  get_failure:",
        "    method: GET",
        "    path: /failure",
        "    responses:",
        "      200: Failure",
        "models:",
        "  Failure:",
        "    doc: Error body.",
        "    fields:",
        "      code: { type: string, doc: Code. }",
        "      more: { type: list<Model0>, optional: true, doc: More. }",
        "",
    ]
    .join("\n");
    let models = lines / 13;
    for m in 0..models {
        text.push_str(&format!("  Model{m}:\n    doc: Model {m}.\n    fields:\n"));
        for f in 0..9 {
            text.push_str(&format!("      field_{f}: {{ type: string, optional: true, doc: Field {f} of model {m}. }}\n"));
        }
        let next = if m + 1 < models { format!("Model{}", m + 1) } else { "string".to_owned() };
        text.push_str(&format!("      next: {{ type: list<{next}>, optional: true, doc: The next. }}\n"));
    }
    text
}

#[test]
fn a_spec_of_100_000_lines_reads() {
    let text = large_spec(100_000);
    assert!(text.lines().count() >= 99_000, "the spec is as large as meant: {} lines", text.lines().count());
    let (providers, diags) = check(&[SpecSource { name: "big.yaml".into(), text: text.clone() }]);
    assert!(!diags.has_errors(), "{}", diags.render(|_| Some(text.as_str())));
    assert_eq!(providers[0].models.len(), 100_000 / 13 + 1);
}
