//! What can be wrong with a form, found while compiling it.
//!
//! Every message names the field and the property, and for expressions the
//! character position, so an author can go straight to the spreadsheet cell.

use std::fmt;

use crate::expr::ParseError;

/// The property of an item an expression came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Property {
    Relevant,
    Required,
    ReadOnly,
    Constraint,
    Calculation,
    Default,
    ChoiceFilter,
    RepeatCount,
    Trigger,
}

impl Property {
    /// The XLSForm column name.
    pub fn name(self) -> &'static str {
        match self {
            Property::Relevant => "relevant",
            Property::Required => "required",
            Property::ReadOnly => "read_only",
            Property::Constraint => "constraint",
            Property::Calculation => "calculation",
            Property::Default => "default",
            Property::ChoiceFilter => "choice_filter",
            Property::RepeatCount => "repeat_count",
            Property::Trigger => "trigger",
        }
    }
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A reason the form cannot be used. [`super::compile`] reports all of them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("`{name}` is not a valid field name")]
    InvalidName { name: String },

    /// Two siblings (children of one group or repeat, or two top-level
    /// items) with one name; `field` is the path of the second.
    #[error("field `{field}` is defined more than once")]
    DuplicateName { field: String },

    /// pyxform wants a repeat's name unique in the whole form, since it
    /// names the repeat's table in exports.
    #[error(
        "repeat `{field}`: another repeat has the same name; repeat names must be unique in the form"
    )]
    DuplicateRepeat { field: String },

    /// `${name}` where several fields are called `name`. pyxform refuses it
    /// too (PYREF_004: reference names must be unique in the survey).
    #[error("field `{field}`, {property}: ${{{name}}} at position {position} is ambiguous: {} fields are called `{name}` ({}); use a name that is unique in the form, or a path such as `{}`", paths.len(), paths.join(", "), example_path(paths))]
    AmbiguousReference {
        field: String,
        property: Property,
        name: String,
        position: usize,
        /// The paths of the fields called `name`.
        paths: Vec<String>,
    },

    /// `${name}` in a label, hint or message where several fields are
    /// called `name` (as [`LoadError::AmbiguousReference`]).
    #[error("field `{field}`, {column} ({lang}): ${{{name}}} is ambiguous: {} fields are called `{name}` ({})", paths.len(), paths.join(", "))]
    AmbiguousInsertion {
        field: String,
        column: &'static str,
        lang: String,
        name: String,
        paths: Vec<String>,
    },

    #[error("field `{field}`, {property}: {error}")]
    Parse {
        field: String,
        property: Property,
        error: ParseError,
    },

    /// `written` is the reference as written: `${hh_sise}` or a bare `hh_sise`.
    #[error("field `{field}`, {property}: {written} at position {position} is not a field{}", did_you_mean(suggestion.as_deref(), *bare))]
    UnknownReference {
        field: String,
        property: Property,
        name: String,
        written: String,
        bare: bool,
        position: usize,
        suggestion: Option<String>,
    },

    /// E.g. a group where a value is read, a question where
    /// `indexed-repeat` needs a repeat.
    #[error(
        "field `{field}`, {property}: {written} at position {position} is {found}, not {expected}"
    )]
    WrongKind {
        field: String,
        property: Property,
        written: String,
        position: usize,
        found: &'static str,
        expected: &'static str,
    },

    /// A `${name}` in a label, hint or message that names no field.
    #[error("field `{field}`, {column} ({lang}): ${{{name}}} is not a field{}", did_you_mean(suggestion.as_deref(), false))]
    UnknownInsertion {
        field: String,
        column: &'static str,
        lang: String,
        name: String,
        suggestion: Option<String>,
    },

    /// A `${name}` in a choice's label that names no field (pyxform
    /// refuses it too).
    #[error("choice list `{list}`, choice `{choice}`, label ({lang}): ${{{name}}} is not a field{}", did_you_mean(suggestion.as_deref(), false))]
    UnknownChoiceInsertion {
        list: String,
        choice: String,
        lang: String,
        name: String,
        suggestion: Option<String>,
    },

    /// A `${name}` in a choice's label where several fields are called
    /// `name` (as [`LoadError::AmbiguousInsertion`]).
    #[error("choice list `{list}`, choice `{choice}`, label ({lang}): ${{{name}}} is ambiguous: {} fields are called `{name}` ({})", paths.len(), paths.join(", "))]
    AmbiguousChoiceInsertion {
        list: String,
        choice: String,
        lang: String,
        name: String,
        paths: Vec<String>,
    },

    /// `label::Englsh` in a choice filter: a language the form does not
    /// have, or a column without languages (only `label` has them).
    #[error("field `{field}`, choice_filter: `{written}` at position {position}: {problem}{}", did_you_mean(suggestion.as_deref(), true))]
    ColumnLanguage {
        field: String,
        written: String,
        position: usize,
        problem: String,
        suggestion: Option<String>,
    },

    #[error("field `{field}`: choice list `{list}` does not exist")]
    MissingChoiceList { field: String, list: String },

    #[error("field `{field}`, trigger: `{trigger}` is not a field{}", did_you_mean(suggestion.as_deref(), true))]
    UnknownTrigger {
        field: String,
        trigger: String,
        suggestion: Option<String>,
    },

    #[error("settings, {setting}: {problem}")]
    Setting {
        setting: &'static str,
        problem: String,
    },

    #[error("repeat `{field}`: min_instances {min} is greater than max_instances {max}")]
    InstanceBounds { field: String, min: u32, max: u32 },

    /// `steps` read in order, each reading the next; the last names the
    /// field the cycle started from: `["${a} calculation", "${b} calculation", "${a}"]`.
    #[error("cycle: {}", steps.join(" → "))]
    Cycle { steps: Vec<String> },

    /// A data file the form needs (`select_one_from_file`, `pulldata`,
    /// `csv-external`) that is missing, of the wrong kind or clashing.
    #[error("attachment `{file}`: {problem}")]
    Attachment { file: String, problem: String },

    /// A data file the form needs that was not given with it.
    #[error("attachment `{file}`: the form needs this file, but it was not given with the form")]
    MissingAttachment { file: String },

    /// The value or label column of a `select_*_from_file` is not in its file.
    #[error("field `{field}`: `{file}` has no column `{column}` for the choice {role} (its columns: {}){}", columns.join(", "), if *default { format!("; name the column with parameters `{role}=...`") } else { String::new() })]
    FileColumn {
        field: String,
        file: String,
        column: String,
        role: &'static str,
        columns: Vec<String>,
        /// The column was the default (`name`, `label`), not a parameter.
        default: bool,
    },

    /// A path into an instance that reads what it does not have: other
    /// element names than the file's, or a column it lacks.
    #[error("field `{field}`, {property}: instance `{name}` at position {position}: {problem}")]
    InstancePath {
        field: String,
        property: Property,
        name: String,
        position: usize,
        problem: String,
    },

    /// `instance('x')` (or `pulldata('x', ...)`) where `x` is neither a
    /// choice list nor a file the form attaches.
    #[error(
        "field `{field}`, {property}: instance `{name}` at position {position} is neither a choice list nor an attached file (attach `{name}.csv` with a `csv-external` row, or use it in `select_one_from_file`)"
    )]
    UnknownInstance {
        field: String,
        property: Property,
        name: String,
        position: usize,
    },
}

fn empty_path_reason(written: &str, several: bool) -> String {
    if several {
        format!(
            "is ambiguous (several fields are called that; write a path, e.g. `../{written}` for a sibling)"
        )
    } else {
        "names no field".to_owned()
    }
}

fn example_path(paths: &[String]) -> String {
    paths
        .first()
        .map_or_else(String::new, |p| format!("/data/{p}"))
}

fn did_you_mean(suggestion: Option<&str>, bare: bool) -> String {
    match suggestion {
        Some(s) if bare => format!("; did you mean `{s}`?"),
        Some(s) => format!("; did you mean ${{{s}}}?"),
        None => String::new(),
    }
}

/// Something odd that does not stop the form from working.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadWarning {
    #[error("field `{field}`: {kind} question has no choice list")]
    SelectWithoutChoices { field: String, kind: &'static str },

    /// `what` says which text: "field `age`, label", "choice list `yes_no`, choice `y`".
    #[error("{what}: no text in language `{lang}`")]
    MissingTranslation { what: String, lang: String },

    /// A bare name or a location path that designates no field (`null` in
    /// `if(${a} > 1, ${x}, null)`): XPath evaluates it as an empty node-set,
    /// so ODK reads it as empty, and so do we. `several`: the last step
    /// names more than one field (a bare name cannot choose between them).
    #[error("field `{field}`, {property}: `{written}` at position {position} {}; it evaluates as empty, as in ODK", empty_path_reason(written, *several))]
    EmptyPath {
        field: String,
        property: Property,
        written: String,
        position: usize,
        several: bool,
    },

    /// A bare name in a choice filter that is no column of the list (`yes`
    /// in `${q} = yes`): in XPath a relative path from the choice item to
    /// nothing, so ODK reads it as empty, and so do we.
    #[error("field `{field}`, choice_filter: `{name}` at position {position} is not a column of choice list `{list}`, so it evaluates as empty, as in ODK{}", did_you_mean(suggestion.as_deref(), true))]
    UnknownColumn {
        field: String,
        list: String,
        name: String,
        position: usize,
        suggestion: Option<String>,
    },
}
