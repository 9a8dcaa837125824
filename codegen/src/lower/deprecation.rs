//! `deprecated:` on operations and fields: the provider's note, checked.

use crate::diag::Loc;
use crate::ir;
use crate::spec::{Deprecation, Sp};
use super::Lowerer;

/// The deprecation a spec declares, if any. `false` is the same as no key; an empty note is an
/// error, since users would see a deprecation that says nothing.
pub(super) fn lower_deprecation(lw: &mut Lowerer, deprecated: Option<&Sp<Deprecation>>) -> Option<ir::Deprecated> {
    let d = deprecated?;
    match &d.value {
        Deprecation::Flag(false) => None,
        Deprecation::Flag(true) => Some(ir::Deprecated { note: None }),
        Deprecation::Note(note) if note.trim().is_empty() => {
            lw.error(
                "LS0320",
                Loc::at(d),
                "`deprecated` has an empty note".to_owned(),
                "say what to use instead, e.g. `deprecated: \"use /user/items/get\"`, or write `deprecated: true`",
            );
            None
        }
        Deprecation::Note(note) => Some(ir::Deprecated { note: Some(note.trim().to_owned()) }),
    }
}
