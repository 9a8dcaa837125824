//! Default headers sent with every request, and header-name checks.

use crate::diag::Loc;
use crate::ir;
use crate::names;
use crate::spec::{self, Sp};
use super::collisions::not_value_name;
use super::Lowerer;

pub(super) fn lower_headers(lw: &mut Lowerer, headers: &spec::Entries<Sp<spec::HeaderSpec>>) -> Vec<ir::DefaultHeader> {
    let mut out = Vec::new();
    for (name, header) in &headers.0 {
        if !is_header_name(&name.value) {
            lw.error("LS0105", Loc::at(name), format!("`{}` is not a valid header name", name.value), "use letters, digits and `-`");
            continue;
        }
        let setter = match &header.value.setter {
            Some(s) if names::is_value_name(&s.value) => s.value.clone(),
            Some(s) => {
                lw.error("LS0303", Loc::at(s), format!("setter `{}` {} method name", s.value, not_value_name(&s.value)), "e.g. `user_agent`");
                continue;
            }
            None => match names::value_ident(&name.value) {
                Some(setter) => setter,
                None => {
                    lw.error(
                        "LS0105",
                        Loc::at(name),
                        format!("header `{}` has no letter or digit to name its builder method after", name.value),
                        "add `setter: <snake_case_name>` to the header",
                    );
                    continue;
                }
            },
        };
        if let Some(default) = &header.value.default
            && let Some(problem) = header_value_problem(default)
        {
            lw.error("LS0107", Loc::at(name), format!("the default of header `{}` is not a valid header value: {problem}", name.value), "write the value on one line, in printable ASCII");
            continue;
        }
        out.push(ir::DefaultHeader {
            wire: name.value.clone(),
            setter,
            doc: header.value.doc.clone(),
            default: header.value.default.clone(),
        });
    }
    out
}

pub(super) fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// Why `value` cannot be sent as a header value, if it cannot: HTTP takes visible ASCII, spaces
/// and tabs, with no space at either end; a line break would end the header early.
pub(super) fn header_value_problem(value: &str) -> Option<String> {
    if let Some(c) = value.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ' || *c == '\t')) {
        return Some(match c {
            '\n' | '\r' => "it holds a line break".to_owned(),
            c if c.is_ascii() => format!("it holds the control character {c:?}"),
            c => format!("it holds `{c}`, which is not ASCII"),
        });
    }
    if value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']) {
        return Some("it starts or ends with a space, which HTTP drops".to_owned());
    }
    None
}
