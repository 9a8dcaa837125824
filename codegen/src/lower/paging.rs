//! Paging rules: one style per operation, pointers and cursor parameters.

use crate::diag::Loc;
use crate::ir;
use crate::names;
use crate::spec::{self, Sp};
use super::Lowerer;

/// Paging rules: exactly one style, JSON pointers from the answer's root, parameters the
/// operation declares in its query, and an answer to read them from.
pub(super) fn lower_paging(lw: &mut Lowerer, spec: &spec::Spec, operations: &mut [ir::Operation]) {
    for (op, (_, op_spec)) in operations.iter_mut().zip(&spec.operations.value.0) {
        let Some(paging) = &op_spec.value.paging else { continue };
        let p = &paging.value;
        let given = [p.next_link.is_some(), p.cursor.is_some(), p.page.is_some()].iter().filter(|g| **g).count();
        if given != 1 {
            lw.error(
                "LS0211",
                Loc::at(paging),
                format!("`paging` needs exactly one of `next_link`, `cursor`, `page`; it has {given}"),
                "e.g. `paging: { next_link: /_links/next/href }` or `paging: { cursor: { param: cursor, next: /next_cursor } }`",
            );
            continue;
        }
        let pages = names::pages_method(&op.name);
        if spec.operations.value.0.iter().any(|(k, _)| k.value == pages) {
            lw.error("LS0304", Loc::at(paging), format!("paging gives `{}` the method `{pages}`, which is also an operation", op.name), "rename that operation");
            continue;
        }
        if op.binary.is_some() {
            lw.error("LS0211", Loc::at(paging), format!("operation `{}` answers bytes, so it has no page to read", op.name), "remove `paging`; only JSON answers say where the next page is");
            continue;
        }
        if op.response.is_none() {
            lw.error("LS0211", Loc::at(paging), format!("operation `{}` answers `empty`, so it has no page to read", op.name), "remove `paging`, or give the operation a response model");
            continue;
        }
        let mut ok = true;
        let mut pointer = |lw: &mut Lowerer, p: &Sp<String>| {
            if !p.value.starts_with('/') {
                ok = false;
                lw.error("LS0211", Loc::at(p), format!("`{}` is not a JSON pointer", p.value), &format!("write it from the answer's root, e.g. `/{}`", p.value.trim_start_matches(['.', '$'])));
            }
            p.value.clone()
        };
        let query_param = |lw: &mut Lowerer, name: &Sp<String>| {
            if !op.params.iter().any(|q| q.wire == name.value && q.location == ir::ParamLocation::Query) {
                lw.error(
                    "LS0211",
                    Loc::at(name),
                    format!("operation `{}` has no query parameter `{}`", op.name, name.value),
                    &format!("declare `{}: {{ in: query, type: string }}` under its `params:`", name.value),
                );
            }
            name.value.clone()
        };
        let lowered = if let Some(link) = &p.next_link {
            ir::Paging::NextLink { pointer: pointer(lw, link) }
        } else if let Some(c) = &p.cursor {
            let param = query_param(lw, &c.value.param);
            let next = pointer(lw, &c.value.next);
            let has_more = c.value.has_more.as_ref().map(|h| pointer(lw, h));
            ir::Paging::Cursor { param, next, has_more }
        } else if let Some(n) = &p.page {
            let param = query_param(lw, &n.value.param);
            ir::Paging::PageNumber { param, total_pages: pointer(lw, &n.value.total_pages) }
        } else {
            continue;
        };
        if ok {
            op.paging = Some(lowered);
        }
    }
}
