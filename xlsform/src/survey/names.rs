//! Field names: valid, and unique across the whole form.

use std::collections::{HashMap, HashSet};

use fieldform_engine::expr::is_valid_field_name;

use crate::errors::{Diagnostics, Location};

/// Names seen so far; Fieldform needs every name unique, XLSForm only
/// among siblings.
#[derive(Default)]
pub(super) struct Names {
    /// Original name → (row, row of the enclosing begin, 0 at the top).
    pub first: HashMap<String, (usize, usize)>,
    /// Final names (after renaming) → row.
    pub taken: HashMap<String, usize>,
    /// Names used more than once → every row using them.
    pub ambiguous: HashMap<String, Vec<usize>>,
    /// Every name written anywhere in the sheet, so that a rename never
    /// takes a name a later row uses.
    pub written: HashSet<String>,
}

/// Checks a name and makes it unique: a name repeated among siblings is an
/// error (as in pyxform); one repeated elsewhere (a group and a question
/// inside it, `name` in the household and in a roster) is renamed
/// `parent_name`, because Fieldform addresses every field by name alone.
pub(super) fn unique_name(
    names: &mut Names,
    written: &str,
    ty: &str,
    row: usize,
    parent: Option<(usize, &str)>,
    loc: Location,
    diag: &mut Diagnostics,
) -> String {
    if written.is_empty() {
        diag.error(loc, format!("`{ty}` needs a name"));
        return String::new();
    }
    if !is_valid_field_name(written) {
        diag.error(
            loc,
            format!(
                "`{written}` is not a valid name: start with a letter or `_`, \
                 then use letters, digits, `_`, `-` or `.`"
            ),
        );
        // Still a name: references to it should not pile up more errors.
        names.taken.insert(written.to_owned(), row);
        return written.to_owned();
    }
    let parent_row = parent.map_or(0, |(row, _)| row);
    let Some(&(first_row, first_parent)) = names.first.get(written) else {
        names.first.insert(written.to_owned(), (row, parent_row));
        names.taken.insert(written.to_owned(), row);
        return written.to_owned();
    };
    if first_parent == parent_row {
        diag.error(
            loc,
            format!("duplicate name `{written}` (also on row {first_row})"),
        );
        return written.to_owned();
    }
    let rows = names
        .ambiguous
        .entry(written.to_owned())
        .or_insert_with(|| vec![first_row]);
    rows.push(row);
    let base = match parent {
        Some((_, parent_name)) => format!("{parent_name}_{written}"),
        None => written.to_owned(),
    };
    let mut renamed = base.clone();
    let mut n = 2;
    while names.taken.contains_key(&renamed) || names.written.contains(&renamed) {
        renamed = format!("{base}_{n}");
        n += 1;
    }
    diag.warn(
        loc,
        format!(
            "name `{written}` is also used on row {first_row}; renamed `{renamed}` here because Fieldform needs unique names"
        ),
    );
    names.taken.insert(renamed.clone(), row);
    renamed
}
