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

/// Every name the generator emits on its own, not taken from a spec (crate-root items, client,
/// builder and request methods, module types and statics), is one `names` lists and lowering
/// checks spec names against: a newly generated member cannot collide with a spec's name
/// unnoticed.
#[test]
fn generated_members_are_the_names_lowering_reserves() {
    use linkspec_codegen::{check, names};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("specs/ is readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    let specs: Vec<SpecSource> = paths
        .iter()
        .map(|p| SpecSource { name: p.display().to_string(), text: std::fs::read_to_string(p).expect("readable") })
        .collect();
    let (providers, _) = check(&specs);
    let out = generate(&specs, &Config::default()).expect("the bundled specs generate");
    assert!(!providers.is_empty());

    let methods_of = |file: &syn::File, ty: &str| -> Vec<String> {
        let mut out = Vec::new();
        for item in &file.items {
            if let syn::Item::Impl(i) = item
                && i.trait_.is_none()
                && let syn::Type::Path(p) = &*i.self_ty
                && p.path.is_ident(ty)
            {
                for it in &i.items {
                    if let syn::ImplItem::Fn(f) = it {
                        out.push(f.sig.ident.to_string());
                    }
                }
            }
        }
        out
    };
    let parse = |path: &str| -> syn::File {
        let file = out.files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("{path} is generated"));
        syn::parse_file(&file.contents).expect("parses")
    };

    let lib = parse("generated/src/lib.rs");
    for item in &lib.items {
        let name = match item {
            syn::Item::Fn(f) => f.sig.ident.to_string(),
            syn::Item::Mod(m) => m.ident.to_string(),
            syn::Item::Use(syn::ItemUse { tree: syn::UseTree::Path(p), .. }) => match &*p.tree {
                syn::UseTree::Rename(r) => r.rename.to_string(),
                other => panic!("unexpected use in lib.rs: {}", quote::quote!(#other)),
            },
            _ => continue,
        };
        assert!(
            names::CRATE_ITEMS.contains(&name.as_str()) || providers.iter().any(|p| p.module == name),
            "lib.rs item `{name}` is not in names::CRATE_ITEMS"
        );
    }

    for p in &providers {
        let client = parse(&format!("generated/src/{}/client.rs", p.module));
        for m in methods_of(&client, "Client") {
            let from_spec = p.operations.iter().any(|op| {
                op.name == m
                    || (op.paging.is_some() && names::pages_method(&op.name) == m)
                    || (op.items.is_some() && names::items_method(&op.name) == m)
            });
            assert!(from_spec || names::CLIENT_METHODS.contains(&m.as_str()), "`Client::{m}` is not in names::CLIENT_METHODS");
        }
        let mut setters: Vec<String> = p.variables.iter().map(|v| v.setter.clone()).collect();
        setters.extend(p.headers.iter().map(|h| h.setter.clone()));
        setters.extend(p.inputs.iter().map(|i| i.name.clone()));
        setters.extend(p.hosts.iter().map(|h| format!("{}_url", h.name)));
        setters.extend(p.auth.setters());
        let own = names::BUILDER_METHODS.iter().map(|m| (*m).to_owned());
        setters.extend(own.filter(|m| !names::BUILDER_NON_SETTERS.contains(&m.as_str())).collect::<Vec<_>>());
        let twins: Vec<String> = setters.iter().map(|s| names::option_setter(s)).collect();
        for m in methods_of(&client, "ClientBuilder") {
            assert!(
                setters.contains(&m) || twins.contains(&m) || names::BUILDER_METHODS.contains(&m.as_str()),
                "`ClientBuilder::{m}` is not in names::BUILDER_METHODS nor a setting's `set_` twin"
            );
        }
        for op in &p.operations {
            for m in methods_of(&client, &op.request_type) {
                let setter = op.params.iter().any(|param| !param.required && (param.rust == m || names::option_setter(&param.rust) == m))
                    || (op.body_optional && (m == names::REQUEST_BODY || m == names::option_setter(names::REQUEST_BODY)));
                assert!(setter || names::REQUEST_METHODS.contains(&m.as_str()), "`{}::{m}` is not in names::REQUEST_METHODS", op.request_type);
            }
        }
        for item in &client.items {
            let (name, kind) = match item {
                syn::Item::Static(s) => (s.ident.to_string(), "static"),
                syn::Item::Const(c) => (c.ident.to_string(), "static"),
                syn::Item::Struct(s) => (s.ident.to_string(), "type"),
                syn::Item::Enum(e) => (e.ident.to_string(), "type"),
                syn::Item::Type(t) => (t.ident.to_string(), "type"),
                _ => continue,
            };
            let ok = match kind {
                "static" => names::RESERVED_STATICS.contains(&name.as_str()) || p.operations.iter().any(|op| op.name.to_uppercase() == name),
                _ => {
                    names::RESERVED_TYPES.contains(&name.as_str())
                        || p.variables.iter().any(|v| v.type_name == name)
                        || p.operations.iter().any(|op| op.request_type == name)
                }
            };
            assert!(ok, "{} `{name}` in {}/client.rs is not reserved in names", kind, p.module);
        }
    }
}

/// Doc links in generated code name paths rustdoc resolves (a leading `::` makes rustdoc leave
/// the text unlinked without a word), and the generated crate denies broken links, so CI's
/// `cargo doc` fails on one.
#[test]
fn generated_doc_links_resolve_or_fail_the_docs_build() {
    insta::glob!("fixtures/*.yaml", |path| {
        let all = output_of(path);
        for line in all.lines().filter(|l| l.trim_start().starts_with("///") || l.trim_start().starts_with("//!")) {
            assert!(!line.contains("[`::"), "a doc link rustdoc leaves unresolved: {line}");
        }
        assert!(all.contains("#![deny(rustdoc::broken_intra_doc_links)]"), "the generated lib.rs does not deny broken doc links");
    });
}
