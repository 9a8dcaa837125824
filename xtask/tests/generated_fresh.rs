//! generated/ must be exactly what the generator makes from specs/ and from its own fixtures
//! (the very check `cargo xtask generate --check` runs).

#[test]
fn generated_matches_specs() {
    let root = xtask::compiled_root();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let fresh = xtask::generate(&root, true, &mut out, &mut err).expect("the check runs");
    let err = String::from_utf8_lossy(&err);
    assert!(fresh, "generated/ is out of date; run `cargo xtask generate`:\n{err}");
    assert!(String::from_utf8_lossy(&out).contains("up to date"));
}
