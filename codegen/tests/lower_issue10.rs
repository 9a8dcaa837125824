//! Lowering unit tests for enum wire types and listed `unknown` values, list query parameters,
//! nullable list items and map values, and deprecations: small YAML in, IR facts out.

use linkspec_codegen::ir::{self, TypeRef};
use linkspec_codegen::{SpecSource, check as check_specs};

const HEAD: &str = "provider: t\ntitle: T\nservers:\n  default: live\n  environments:\n    live: https://api.example.com\nauth: { scheme: bearer }\nerrors: { model: Failure, code: code }\n";
const FAILURE: &str = "  Failure:\n    doc: Error.\n    fields:\n      code: { type: string, doc: Code. }\n";

fn ok(rest: &str) -> ir::Provider {
    let text = format!("{HEAD}{rest}");
    let (providers, diags) = check_specs(&[SpecSource { name: "t.yaml".into(), text: text.clone() }]);
    assert!(!diags.has_errors(), "expected a valid spec:\n{}", diags.render(|_| Some(text.as_str())));
    providers.into_iter().next().expect("one provider")
}

/// One operation answering with `Thing`, whose fields are `fields`, plus `enums`.
fn spec(op_extra: &str, fields: &str, enums: &str) -> String {
    format!(
        "operations:\n  get_a:\n    method: GET\n    path: /a\n{op_extra}    responses:\n      200: Thing\nmodels:\n{FAILURE}  Thing:\n    doc: T.\n    fields:\n{fields}{enums}"
    )
}

#[test]
fn a_listed_unknown_takes_the_name_and_the_fallback_gets_another() {
    let p = ok(&spec("", "      a: { type: Sub, doc: A. }\n      b: { type: Plain, doc: B. }\n", "enums:\n  Sub:\n    doc: S.\n    values: [checking, UNKNOWN]\n  Plain:\n    doc: P.\n    values: [x]\n"));
    let sub = &p.enums[0];
    assert_eq!(sub.values.iter().map(|v| (v.rust.as_str(), v.wire.as_str())).collect::<Vec<_>>(), [("Checking", "checking"), ("Unknown", "UNKNOWN")]);
    assert_eq!(sub.fallback, "Unrecognized");
    assert_eq!(p.enums[1].fallback, "Unknown", "enums without such a value keep `Unknown`");
}

#[test]
fn integer_and_boolean_enums_keep_their_wire_type() {
    let p = ok(&spec(
        "",
        "      a: { type: Kind, doc: A. }\n      b: { type: Flag, doc: B. }\n",
        "enums:\n  Kind:\n    doc: K.\n    wire: integer\n    values: [0, { value: 4011, doc: D. }, -2]\n  Flag:\n    doc: F.\n    wire: boolean\n    values: [true]\n",
    ));
    let kind = &p.enums[0];
    assert_eq!(kind.wire, ir::EnumWire::Integer);
    assert_eq!(kind.values.iter().map(|v| (v.rust.as_str(), v.wire.as_str())).collect::<Vec<_>>(), [("V0", "0"), ("V4011", "4011"), ("Minus2", "-2")]);
    assert_eq!(p.enums[1].wire, ir::EnumWire::Boolean);
    assert_eq!(p.enums[1].values[0].rust, "True");
}

#[test]
fn list_query_parameters_carry_their_style() {
    let op = "    params:\n      ids: { in: query, type: list<string>, style: repeated, doc: I. }\n      tags: { in: query, type: list<integer>, style: comma, doc: T. }\n      one: { in: query, type: string, doc: O. }\n";
    let p = ok(&spec(op, "      a: { type: string, doc: A. }\n", ""));
    let styles: Vec<(&str, Option<ir::QueryStyle>)> = p.operations[0].params.iter().map(|x| (x.wire.as_str(), x.style)).collect();
    assert_eq!(styles, [("ids", Some(ir::QueryStyle::Repeated)), ("tags", Some(ir::QueryStyle::Comma)), ("one", None)]);
    assert_eq!(p.operations[0].params[0].ty, TypeRef::List(Box::new(TypeRef::String)));
}

#[test]
fn a_question_mark_makes_list_items_and_map_values_nullable() {
    let p = ok(&spec("", "      a: { type: list<integer?>, doc: A. }\n      b: { type: map<list<string?>>, doc: B. }\n", ""));
    let thing = p.models.iter().find(|m| m.name == "Thing").expect("Thing");
    assert_eq!(thing.fields[0].ty, TypeRef::List(Box::new(TypeRef::Nullable(Box::new(TypeRef::Integer)))));
    assert_eq!(thing.fields[1].ty, TypeRef::Map(Box::new(TypeRef::List(Box::new(TypeRef::Nullable(Box::new(TypeRef::String)))))));
    assert!(!thing.fields[0].nullable, "the field itself is not nullable");
}

#[test]
fn deprecations_keep_their_note_and_false_is_none() {
    let p = ok(&spec(
        "    deprecated: \"use /b\"\n",
        "      a: { type: string, deprecated: true, doc: A. }\n      b: { type: string, deprecated: false, doc: B. }\n      c: { type: string, deprecated: \" Use a. \", doc: C. }\n",
        "",
    ));
    assert_eq!(p.operations[0].deprecated, Some(ir::Deprecated { note: Some("use /b".into()) }));
    let thing = p.models.iter().find(|m| m.name == "Thing").expect("Thing");
    let d: Vec<Option<ir::Deprecated>> = thing.fields.iter().map(|f| f.deprecated.clone()).collect();
    assert_eq!(d, [Some(ir::Deprecated { note: None }), None, Some(ir::Deprecated { note: Some("Use a.".into()) })]);
}
