//! Why an edit was refused.

use super::InstanceId;

/// A refused edit or lookup. Messages name the field or path concerned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("`{name}` is not a field of this form{}", suggestion.as_ref().map_or_else(String::new, |s| format!("; did you mean `{s}`?")))]
    UnknownField {
        name: String,
        suggestion: Option<String>,
    },

    #[error("path `{path}`: {problem}")]
    BadPath { path: String, problem: String },

    #[error("`{field}` is {what}; its value is computed, not entered")]
    NotSettable { field: String, what: &'static str },

    #[error("`{field}` is a {what}, not a question")]
    NotAQuestion { field: String, what: &'static str },

    #[error("`{field}` is not a repeat")]
    NotARepeat { field: String },

    #[error("repeat instance #{id} does not exist (any more)")]
    NoSuchInstance { id: InstanceId },

    #[error("field `{field}` is not in instance #{id}")]
    WrongInstance { field: String, id: InstanceId },

    #[error("repeat `{repeat}`: the number of instances is set by its repeat_count")]
    CountControlled { repeat: String },

    #[error("repeat `{repeat}` allows at most {max} instances")]
    TooMany { repeat: String, max: u32 },

    #[error("repeat `{repeat}` needs at least {min} instances")]
    TooFew { repeat: String, min: u32 },

    #[error("language `{lang}` is not one of the form's languages")]
    UnknownLanguage { lang: String },
}
