//! List query parameters: which types a parameter takes, and how a list is sent (`style`).

use crate::diag::Loc;
use crate::ir;
use crate::spec::{self, Sp};
use super::Lowerer;

/// True for the types a single parameter value may have.
fn is_scalar(ty: &ir::TypeRef) -> bool {
    matches!(
        ty,
        ir::TypeRef::String | ir::TypeRef::Integer | ir::TypeRef::Number | ir::TypeRef::Decimal | ir::TypeRef::Boolean | ir::TypeRef::Date | ir::TypeRef::DateTime(_) | ir::TypeRef::Enum(_) | ir::TypeRef::Id(..)
    )
}

/// Checks a parameter's type against where it goes and its `style`, returning the style of a
/// list query parameter (`None` for a single value), or `Err` after reporting a problem.
pub(super) fn param_style(lw: &mut Lowerer, pv: &spec::ParamSpec, location: ir::ParamLocation, ty: &ir::TypeRef) -> Result<Option<ir::QueryStyle>, ()> {
    let style = match &pv.style {
        Some(s) => Some(query_style(lw, s)?),
        None => None,
    };
    if is_scalar(ty) {
        if let Some(s) = &pv.style {
            lw.error(
                "LS0204",
                Loc::at(s),
                "`style` applies only to `list<...>` query parameters".to_owned(),
                "remove `style`, or make the type a list, e.g. `list<string>`",
            );
            return Err(());
        }
        return Ok(None);
    }
    let ir::TypeRef::List(item) = ty else {
        lw.error(
            "LS0204",
            Loc::at(&pv.ty),
            format!("parameter type `{}` is not a scalar, an enum or a list of them", pv.ty.value),
            "parameters take string, integer, number, decimal, boolean, date, datetime, an enum, or (in the query) a `list<...>` of these",
        );
        return Err(());
    };
    if location != ir::ParamLocation::Query {
        lw.error(
            "LS0204",
            Loc::at(&pv.ty),
            format!("a list parameter (`{}`) can only be `in: query`", pv.ty.value),
            "send one value in the path or header, or move the parameter to the query",
        );
        return Err(());
    }
    if !is_scalar(item) {
        let hint = if matches!(**item, ir::TypeRef::Nullable(_)) {
            "a query has no way to send `null`: drop the `?`"
        } else {
            "list items in a query are strings, integers, numbers, decimals, booleans, dates, datetimes or enums"
        };
        lw.error("LS0204", Loc::at(&pv.ty), format!("query parameter type `{}` is not a list of scalars or enums", pv.ty.value), hint);
        return Err(());
    }
    match style {
        Some(s) => Ok(Some(s)),
        None => {
            lw.error(
                "LS0204",
                Loc::at(&pv.ty),
                format!("list query parameter of type `{}` needs a `style`", pv.ty.value),
                "add `style: repeated` (`?ids=a&ids=b`) or `style: comma` (`?ids=a,b`), as the provider documents",
            );
            Err(())
        }
    }
}

fn query_style(lw: &mut Lowerer, style: &Sp<String>) -> Result<ir::QueryStyle, ()> {
    match style.value.as_str() {
        "repeated" => Ok(ir::QueryStyle::Repeated),
        "comma" => Ok(ir::QueryStyle::Comma),
        other => {
            lw.error(
                "LS0204",
                Loc::at(style),
                format!("unknown query style `{other}`"),
                "use `repeated` (`?ids=a&ids=b`) or `comma` (`?ids=a,b`)",
            );
            Err(())
        }
    }
}
