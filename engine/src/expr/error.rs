//! Errors found before evaluation. Evaluation itself never fails (ODK gives
//! NaN or an empty string instead), so parse errors are the only error type.

use thiserror::Error;

/// Why an expression could not be parsed.
///
/// Every variant carries `position`: a 0-based offset in *characters* (not
/// bytes) into the source, so form authors can count along their spreadsheet
/// cell. The `Display` texts are meant to be shown to form authors as is.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("empty expression")]
    Empty,

    #[error("unexpected `{found}` at position {position}")]
    UnexpectedToken { found: String, position: usize },

    #[error("unexpected end of expression at position {position}; expected {expected}")]
    UnexpectedEnd {
        expected: &'static str,
        position: usize,
    },

    #[error("unexpected character `{found}` at position {position}")]
    UnexpectedChar { found: char, position: usize },

    /// An operator from other languages: `==`, `&&`, `||`.
    #[error("`{found}` at position {position} is not an XPath operator; use `{instead}`")]
    ForeignOperator {
        found: &'static str,
        instead: &'static str,
        position: usize,
    },

    /// `label::English` where no choice row is being tested.
    #[error(
        "`{written}` at position {position}: a choice column in a language (`column::Language`) is only understood in a choice_filter"
    )]
    ColumnOutsideFilter { written: String, position: usize },

    #[error("unterminated string starting at position {position}")]
    UnterminatedString { position: usize },

    #[error("unterminated reference starting at position {position}; expected `}}`")]
    UnterminatedReference { position: usize },

    #[error("invalid field name `{name}` in reference at position {position}")]
    InvalidReference { name: String, position: usize },

    #[error("unknown function `{name}` at position {position}{}", did_you_mean(suggestion.as_deref()))]
    UnknownFunction {
        name: String,
        position: usize,
        suggestion: Option<String>,
    },

    #[error("function `{name}` takes {expected}, got {got} (position {position})")]
    Arity {
        name: String,
        /// Human wording, e.g. "3 arguments" or "1 or 2 arguments".
        expected: String,
        got: usize,
        position: usize,
    },

    #[error("function `{name}`: {message} (position {position})")]
    InvalidArgument {
        name: String,
        message: String,
        position: usize,
    },

    #[error("expression too deeply nested (more than {limit} levels) at position {position}")]
    TooDeep { position: usize, limit: usize },

    /// Refused before tokenizing: the cost of every later pass grows with it.
    #[error("expression too long ({length} characters, more than {limit}) at position {position}")]
    TooLong {
        length: usize,
        limit: usize,
        position: usize,
    },
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

impl ParseError {
    /// The character offset the error points at (0 for an empty expression).
    pub fn position(&self) -> usize {
        match self {
            Self::Empty => 0,
            Self::UnexpectedToken { position, .. }
            | Self::UnexpectedEnd { position, .. }
            | Self::UnexpectedChar { position, .. }
            | Self::ForeignOperator { position, .. }
            | Self::ColumnOutsideFilter { position, .. }
            | Self::UnterminatedString { position }
            | Self::UnterminatedReference { position }
            | Self::InvalidReference { position, .. }
            | Self::UnknownFunction { position, .. }
            | Self::Arity { position, .. }
            | Self::InvalidArgument { position, .. }
            | Self::TooDeep { position, .. }
            | Self::TooLong { position, .. } => *position,
        }
    }
}

/// Why a regular expression given to `regex()` could not be compiled.
/// Positions are character offsets into the pattern.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message} at position {position} of the pattern")]
pub struct RegexError {
    pub message: String,
    pub position: usize,
}
