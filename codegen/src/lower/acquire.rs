//! Credential acquisition: inputs, steps, bindings and the JSON pointers into answers.

use crate::diag::Loc;
use crate::ir;
use crate::names;
use crate::spec::{self, Sp};
use std::collections::BTreeSet;
use super::collisions::not_value_name;
use super::parse::suggest;
use super::headers::header_value_problem;
use super::Lowerer;

pub(super) fn lower_inputs(lw: &mut Lowerer, spec: &spec::Spec, lowered: Option<&ir::Auth>) -> Vec<ir::Input> {
    let auth = &spec.auth;
    let a = &auth.value;
    if let Some(lowered) = lowered.filter(|l| l.token_scheme().is_none()) {
        let (at, what) = match (&a.scheme, lowered) {
            (Some(scheme), _) => (Loc::at(scheme), format!("scheme `{}`", scheme.value)),
            (None, _) => (Loc::at(auth), "schemes without a `bearer` or `header` one".to_owned()),
        };
        for (present, key) in [(!a.inputs.0.is_empty(), "inputs"), (a.acquire.is_some(), "acquire")] {
            if present {
                lw.error(
                    "LS0111",
                    at,
                    format!("`{key}` does not apply to {what}"),
                    &format!("remove `{key}`: keys and passwords are sent as given; `inputs` and `acquire` are for the `bearer` and `header` schemes"),
                );
            }
        }
        return Vec::new();
    }
    let mut out = Vec::new();
    for (name, input) in &a.inputs.0 {
        if !names::is_value_name(&name.value) {
            let fix = names::value_ident(&name.value).unwrap_or_else(|| "client_secret".into());
            lw.error(
                "LS0111",
                Loc::at(name),
                format!("input name `{}` {} method name", name.value, not_value_name(&name.value)),
                &format!("rename it, e.g. `{fix}` (and each `input:` naming it); each input is a builder method"),
            );
            continue;
        }
        out.push(ir::Input { name: name.value.clone(), doc: input.value.doc.clone(), secret: input.value.secret.unwrap_or(true) });
    }
    // Without acquisition an input may still fill a path parameter (`from:`).
    if a.acquire.is_none()
        && let Some((name, _)) = a.inputs.0.iter().find(|(name, _)| !fills_a_path(spec, &name.value))
    {
        lw.warning(
            "LS1008",
            Loc::at(name),
            format!("input `{}` is declared, but nothing acquires credentials with it and no path parameter is filled `from:` it", name.value),
            "add `auth.acquire`, fill a path parameter from it, or remove it",
        );
    }
    out
}

/// True when a path parameter of some operation is filled from the input `name` (`from:`).
fn fills_a_path(spec: &spec::Spec, name: &str) -> bool {
    spec.operations.value.0.iter().flat_map(|(_, o)| &o.value.params.0).any(|(_, p)| p.value.from.as_ref().is_some_and(|f| f.value == name))
}

/// Acquisition steps: each names an operation and binds every required parameter (and every
/// required body field) of it to a constant, an input, the previous token or HTTP Basic.
pub(super) fn lower_acquire(
    lw: &mut Lowerer,
    spec: &spec::Spec,
    inputs: &[ir::Input],
    operations: &mut [ir::Operation],
    models: &[ir::Model],
) -> Option<ir::Acquire> {
    let acquire = spec.auth.value.acquire.as_ref()?;
    let a = &acquire.value;
    let before = lw.errors();
    if a.steps.value.is_empty() {
        lw.error(
            "LS0111",
            Loc::at(&a.steps),
            "`acquire` has no steps".to_owned(),
            "list the token request, e.g. `- { operation: create_token, token: /access_token }`, or remove `acquire` if users pass a token themselves",
        );
    }
    let declared: Vec<&str> = spec.auth.value.inputs.0.iter().map(|(k, _)| k.value.as_str()).collect();
    let mut steps = Vec::new();
    let mut used_inputs = BTreeSet::new();
    // The operation and answer type of the last step, for `expires_in`.
    let mut last: Option<(String, Option<ir::TypeRef>)> = None;
    for (i, step) in a.steps.value.iter().enumerate() {
        let st = &step.value;
        let Some(op) = operations.iter_mut().find(|o| o.name == st.operation.value) else {
            let names: Vec<&str> = operations.iter().map(|o| o.name.as_str()).collect();
            let hint = match suggest(&st.operation.value, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "declare the token endpoint under `operations:` and name it here".to_owned(),
            };
            lw.error("LS0112", Loc::at(&st.operation), format!("operation `{}` is not declared", st.operation.value), &hint);
            last = None;
            continue;
        };
        op.authenticated = false;
        let body_model = op.body.as_ref().and_then(|b| models.iter().find(|m| &m.name == b));
        let mut known: Vec<&str> = op.params.iter().map(|p| p.wire.as_str()).collect();
        known.extend(body_model.iter().flat_map(|m| m.fields.iter().map(|f| f.wire.as_str())));
        let scope = Scope { inputs, declared: &declared, first: i == 0 };
        let mut bind = Vec::new();
        for (key, source) in &st.bind.0 {
            let place = if let Some(p) = op.params.iter().find(|p| p.wire == key.value) {
                match p.location {
                    ir::ParamLocation::Path => ir::Place::Path(p.wire.clone()),
                    ir::ParamLocation::Query => ir::Place::Query(p.wire.clone()),
                    ir::ParamLocation::Header => ir::Place::Header(p.wire.clone()),
                }
            } else if known.contains(&key.value.as_str()) {
                ir::Place::Body(key.value.clone())
            } else {
                let help = match suggest(&key.value, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if known.is_empty() => format!("`{}` has no parameters and no body: remove the binding", op.name),
                    None => format!("bind one of: {}", known.join(", ")),
                };
                lw.error("LS0112", Loc::at(key), format!("operation `{}` has no parameter or body field `{}`", op.name, key.value), &help);
                continue;
            };
            let Some(source) = lower_source(lw, key, source, &scope, &mut used_inputs) else { continue };
            if let (ir::Place::Header(h), ir::Source::Const(v)) = (&place, &source)
                && let Some(problem) = header_value_problem(v)
            {
                lw.error("LS0107", Loc::at(key), format!("the value bound to header `{h}` is not a valid header value: {problem}"), "write the value on one line, in printable ASCII");
                continue;
            }
            bind.push((place, source));
        }
        let bound = |wire: &str| st.bind.0.iter().any(|(k, _)| k.value == wire);
        let bind_help = |wire: &str, rust: &str| match inputs.iter().find(|i| i.name == wire || i.name == rust) {
            Some(input) => format!("add `{wire}: {{ input: {} }}` under `bind:`", input.name),
            None => format!("add `{wire}: {{ input: <name> }}` or `{wire}: {{ value: <text> }}` under `bind:`"),
        };
        for p in op.params.iter().filter(|p| p.required && !bound(&p.wire)) {
            lw.error(
                "LS0112",
                Loc::at(&st.operation),
                format!("step `{}` leaves the required parameter `{}` unbound", op.name, p.wire),
                &bind_help(&p.wire, &p.rust),
            );
        }
        for f in body_model.iter().flat_map(|m| &m.fields).filter(|f| !f.optional && !bound(&f.wire)) {
            lw.error(
                "LS0112",
                Loc::at(&st.operation),
                format!("step `{}` leaves the required body field `{}` unbound", op.name, f.wire),
                &bind_help(&f.wire, &f.rust),
            );
        }
        check_answer_pointer(lw, models, Some((&op.name, op.response.as_ref())), &st.token, Want::TOKEN);
        last = Some((op.name.clone(), op.response.clone()));
        steps.push(ir::AcquireStep { operation: op.name.clone(), bind, token: st.token.value.clone() });
    }
    let lifetime = match (&a.expires_in, &a.lifetime) {
        (Some(_), Some(l)) => {
            lw.error(
                "LS0111",
                Loc::at(l),
                "`expires_in` and `lifetime` both say how long the credential lives".to_owned(),
                "keep `expires_in` when the answer says how long the credential lives, `lifetime` when it does not",
            );
            None
        }
        (None, Some(l)) => Some(ir::Lifetime::Fixed { seconds: l.value.seconds, sliding: l.value.sliding }),
        (Some(p), None) => {
            let answer = last.as_ref().map(|(name, response)| (name.as_str(), response.as_ref()));
            check_answer_pointer(lw, models, answer, p, Want::LIFETIME);
            Some(ir::Lifetime::FromAnswer { pointer: p.value.clone(), default_seconds: 3600 })
        }
        (None, None) => Some(ir::Lifetime::FromAnswer { pointer: "/expires_in".into(), default_seconds: 3600 }),
    };
    let margin = a.margin_seconds.as_ref().map_or(60, |m| m.value);
    if let Some(m) = a.margin_seconds.as_ref().filter(|m| m.value > 86_400) {
        lw.error(
            "LS0111",
            Loc::at(m),
            format!("a renewal margin of {} s is longer than a day", m.value),
            "renew a minute or so ahead (the default is 60): a margin longer than a token's life fetches a new token for every call",
        );
    }
    if let (Some(l), Some(ir::Lifetime::Fixed { seconds, .. })) = (&a.lifetime, &lifetime)
        && margin >= *seconds
    {
        let (loc, help) = match &a.margin_seconds {
            Some(m) => (Loc::at(m), "make `margin_seconds` smaller than `lifetime.seconds`"),
            None => (Loc::at(l), "the renewal margin defaults to 60 seconds: set `margin_seconds` below `lifetime.seconds`"),
        };
        lw.error(
            "LS0111",
            loc,
            format!("a credential that lives {seconds} s and is renewed {margin} s before it expires would be acquired anew for every call"),
            help,
        );
    }
    // Like unused types, unused inputs next to errors are mostly echoes of a bad binding.
    if lw.errors() == before {
        for (name, _) in &spec.auth.value.inputs.0 {
            // A path parameter filled from the input (`from:`) uses it too.
            if inputs.iter().any(|i| i.name == name.value) && !used_inputs.contains(&name.value) && !fills_a_path(spec, &name.value) {
                lw.warning("LS1008", Loc::at(name), format!("input `{}` is not used by any step", name.value), "bind it in a step, or remove it");
            }
        }
    }
    Some(ir::Acquire { steps, lifetime: lifetime?, margin_seconds: margin })
}

/// What an answer pointer must lead to.
pub(super) struct Want {
    code: &'static str,
    /// What is read, for messages.
    what: &'static str,
    /// The type it must have, for messages.
    kind: &'static str,
    fits: fn(&ir::TypeRef) -> bool,
    example: &'static str,
}

impl Want {
    const TOKEN: Want =
        Want { code: "LS0112", what: "the token", kind: "a string", fits: |t| matches!(t, ir::TypeRef::String), example: "/access_token" };
    const LIFETIME: Want = Want {
        code: "LS0111",
        what: "the lifetime in seconds",
        kind: "an integer",
        fits: |t| matches!(t, ir::TypeRef::Integer),
        example: "/expires_in",
    };
}

/// Checks a JSON pointer into the answer of an operation (`answer`: its name and type, when the
/// step's operation is known): it starts at the root and, as far as the answer's type tells,
/// leads to a value of the wanted type. Pointers into `json` values are taken on trust.
pub(super) fn check_answer_pointer(lw: &mut Lowerer, models: &[ir::Model], answer: Option<(&str, Option<&ir::TypeRef>)>, pointer: &Sp<String>, want: Want) {
    let text = &pointer.value;
    if !text.starts_with('/') {
        let help = if text.is_empty() {
            format!("write a pointer from the answer's root, e.g. `{}`", want.example)
        } else {
            format!("write `/{text}`: a JSON pointer starts with `/` at the answer's root")
        };
        lw.error(want.code, Loc::at(pointer), format!("`{text}` is not a JSON pointer"), &help);
        return;
    }
    let Some((op, answer)) = answer else { return };
    let Some(answer) = answer else {
        lw.error(
            want.code,
            Loc::at(pointer),
            format!("`{op}` answers with no body, so {} cannot be read from it", want.what),
            "name the answer's model under the operation's `responses:`",
        );
        return;
    };
    match follow_pointer(models, answer, text) {
        Ok(ty) if ty == ir::TypeRef::Json || (want.fits)(&ty) => {}
        Ok(ty) => lw.error(
            want.code,
            Loc::at(pointer),
            format!("`{text}` in the answer of `{op}` is {}, but {} must be {}", describe(&ty), want.what, want.kind),
            &format!("point at {} field of the answer", want.kind),
        ),
        Err((why, help)) => lw.error(want.code, Loc::at(pointer), format!("the answer of `{op}` has no `{text}`: {why}"), &help),
    }
}

/// The type a JSON pointer leads to inside a value of type `ty`, or why it leads nowhere
/// (message, help).
pub(super) fn follow_pointer(models: &[ir::Model], ty: &ir::TypeRef, pointer: &str) -> Result<ir::TypeRef, (String, String)> {
    let mut ty = ty.clone();
    let mut at = String::new();
    for raw in pointer.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        let next = match &ty {
            ir::TypeRef::Json => return Ok(ir::TypeRef::Json),
            ir::TypeRef::Map(inner) => (**inner).clone(),
            ir::TypeRef::List(inner) if key.parse::<usize>().is_ok() => (**inner).clone(),
            ir::TypeRef::Model(name) => {
                // An undeclared model is reported where it is named.
                let Some(model) = models.iter().find(|m| &m.name == name) else { return Ok(ir::TypeRef::Json) };
                match model.fields.iter().find(|f| f.wire == key) {
                    Some(f) => f.ty.clone(),
                    None => {
                        let fields: Vec<&str> = model.fields.iter().map(|f| f.wire.as_str()).collect();
                        let help = match suggest(&key, fields.iter().copied()) {
                            Some(s) => format!("did you mean `{at}/{s}`?"),
                            None => format!("the fields of `{name}` are: {}", fields.join(", ")),
                        };
                        return Err((format!("model `{name}` has no field `{key}`"), help));
                    }
                }
            }
            other => {
                let here = if at.is_empty() { "the answer".to_owned() } else { format!("`{at}`") };
                return Err((format!("{here} is {}, which has no `{key}`", describe(other)), "point into an object of the answer".to_owned()));
            }
        };
        at.push('/');
        at.push_str(raw);
        // A nullable list item or map value is followed into like the value it holds.
        ty = match next {
            ir::TypeRef::Nullable(inner) => *inner,
            other => other,
        };
    }
    Ok(ty)
}

/// A type, to finish a sentence ("... is a string").
pub(super) fn describe(ty: &ir::TypeRef) -> String {
    match ty {
        ir::TypeRef::String => "a string".into(),
        ir::TypeRef::Integer => "an integer".into(),
        ir::TypeRef::Number => "a number".into(),
        ir::TypeRef::Decimal => "a decimal".into(),
        ir::TypeRef::Boolean => "a boolean".into(),
        ir::TypeRef::Date => "a date".into(),
        ir::TypeRef::DateTime(_) => "a datetime".into(),
        ir::TypeRef::Json => "any JSON".into(),
        ir::TypeRef::List(_) => "a list".into(),
        ir::TypeRef::Map(_) => "a map".into(),
        ir::TypeRef::Nullable(inner) => format!("{} or null", describe(inner)),
        ir::TypeRef::Model(name) => format!("the model `{name}`"),
        ir::TypeRef::Enum(name) => format!("the enum `{name}`"),
        ir::TypeRef::Id(name, _) => format!("the id `{name}`"),
    }
}

/// What a binding may refer to.
pub(super) struct Scope<'a> {
    /// Inputs that lowered.
    inputs: &'a [ir::Input],
    /// Every input name the spec declares; a bad one is reported once, where it is declared.
    declared: &'a [&'a str],
    /// The binding is in the first step, which has no previous token.
    first: bool,
}

/// Where one bound value comes from: exactly one source, naming declared inputs.
pub(super) fn lower_source(
    lw: &mut Lowerer,
    key: &Sp<String>,
    source: &Sp<spec::BindSpec>,
    scope: &Scope,
    used: &mut BTreeSet<String>,
) -> Option<ir::Source> {
    let b = &source.value;
    let given: Vec<&str> = [
        ("value", b.value.is_some()),
        ("json", b.json.is_some()),
        ("input", b.input.is_some()),
        ("previous", b.previous.is_some()),
        ("basic", b.basic.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, present)| present.then_some(k))
    .collect();
    match given.as_slice() {
        [_] => {}
        [] => {
            lw.error(
                "LS0112",
                Loc::at(source),
                format!("`{}` has no source", key.value),
                "give one of `value: text`, `json: {...}`, `input: name`, `previous: true`, `basic: [user_input, password_input]`",
            );
            return None;
        }
        several => {
            let keys: Vec<String> = several.iter().map(|k| format!("`{k}`")).collect();
            lw.error(
                "LS0112",
                Loc::at(source),
                format!("`{}` has {} sources ({}); a binding takes one", key.value, several.len(), keys.join(", ")),
                "keep the one that gives the value",
            );
            return None;
        }
    }
    let mut input = |lw: &mut Lowerer, name: &Sp<String>| {
        if scope.inputs.iter().any(|i| i.name == name.value) {
            used.insert(name.value.clone());
            Some(name.value.clone())
        } else if scope.declared.contains(&name.value.as_str()) {
            None
        } else {
            let hint = match suggest(&name.value, scope.inputs.iter().map(|i| i.name.as_str())) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("declare it under `auth.inputs`, e.g. `{}: {{ doc: ... }}`", name.value),
            };
            lw.error("LS0112", Loc::at(name), format!("input `{}` is not declared", name.value), &hint);
            None
        }
    };
    if let Some(v) = &b.value {
        return Some(ir::Source::Const(v.clone()));
    }
    if let Some(v) = &b.json {
        return Some(ir::Source::Json(v.to_string()));
    }
    if let Some(name) = &b.input {
        return input(lw, name).map(ir::Source::Input);
    }
    if let Some(previous) = b.previous {
        if !previous {
            lw.error("LS0112", Loc::at(source), "`previous: false` binds nothing".to_owned(), "write `previous: true`, or another source");
            return None;
        }
        if scope.first {
            lw.error(
                "LS0112",
                Loc::at(source),
                "the first step has no previous token".to_owned(),
                "bind an input or a constant here; `previous: true` passes one step's token to the next",
            );
            return None;
        }
        return Some(ir::Source::Previous);
    }
    match b.basic.as_deref() {
        Some([user, password]) => {
            let (user, password) = (input(lw, user), input(lw, password));
            Some(ir::Source::Basic(user?, password?))
        }
        other => {
            let list = other.unwrap_or_default();
            lw.error(
                "LS0112",
                list.first().map_or_else(|| Loc::at(source), Loc::at),
                format!("`basic` takes two inputs, the user and the password; {} given", list.len()),
                "write `basic: [client_id, client_secret]` with the names of two inputs",
            );
            None
        }
    }
}
