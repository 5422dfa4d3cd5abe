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

    #[error("field `{field}` is defined more than once")]
    DuplicateName { field: String },

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

    #[error("field `{field}`, choice_filter: `{name}` at position {position} is not a column of choice list `{list}`{}", did_you_mean(suggestion.as_deref(), true))]
    UnknownColumn {
        field: String,
        list: String,
        name: String,
        position: usize,
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

    #[error("field `{field}`: a trigger needs a calculation to run")]
    TriggerWithoutCalculation { field: String },

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
}
