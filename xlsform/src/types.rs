//! The `type` column: question types, selects with their list, group and
//! repeat markers, and the XLSForm types Fieldform does not support.

use fieldform_engine::model::QuestionType;

/// What a `type` cell means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowType {
    Question {
        kind: QuestionType,
        list: Option<String>,
        or_other: bool,
    },
    BeginGroup,
    EndGroup,
    BeginRepeat,
    EndRepeat,
    /// A type the model lacks but a close equivalent carries (barcode → text).
    Mapped {
        kind: QuestionType,
        original: String,
    },
    /// An input or metadata type the model lacks (image, geotrace, audit):
    /// kept as an empty hidden value so that expressions naming it still
    /// resolve, and the rest of the form works.
    Hidden {
        original: String,
    },
    /// Declares no field at all (xml-external): dropped.
    Skipped {
        original: String,
    },
}

/// Why a `type` cell could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeError {
    Unknown {
        found: String,
        suggestion: Option<&'static str>,
    },
    /// `select_one` with no list name after it.
    MissingList { kind: &'static str },
}

impl std::fmt::Display for TypeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeError::Unknown { found, suggestion } => {
                write!(f, "unknown type `{found}`")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean `{s}`?")?;
                }
                Ok(())
            }
            TypeError::MissingList { kind } => {
                write!(
                    f,
                    "`{kind}` needs the name of a choice list, e.g. `{kind} yes_no`"
                )
            }
        }
    }
}

const SIMPLE: &[(&str, QuestionType)] = &[
    ("text", QuestionType::Text),
    ("string", QuestionType::Text),
    ("integer", QuestionType::Integer),
    ("int", QuestionType::Integer),
    ("decimal", QuestionType::Decimal),
    ("date", QuestionType::Date),
    ("time", QuestionType::Time),
    ("datetime", QuestionType::DateTime),
    ("geopoint", QuestionType::Geopoint),
    ("gps", QuestionType::Geopoint),
    ("range", QuestionType::Range),
    ("note", QuestionType::Note),
    ("calculate", QuestionType::Calculate),
    ("acknowledge", QuestionType::Acknowledge),
    // pyxform's older name for acknowledge: the same question.
    ("trigger", QuestionType::Acknowledge),
    ("start", QuestionType::Start),
    ("end", QuestionType::End),
    ("today", QuestionType::Today),
    ("deviceid", QuestionType::DeviceId),
    ("imei", QuestionType::DeviceId),
    ("username", QuestionType::Username),
    // Not an XLSForm type (pyxform adds meta/instanceID itself); written by
    // our exporter so a form's explicit instance_id field survives.
    ("instance_id", QuestionType::InstanceId),
];

/// Types answered by a widget Fieldform does not have yet, or metadata it
/// does not collect.
const HIDDEN: &[&str] = &[
    "image",
    "audio",
    "video",
    "file",
    "background-audio",
    "background-video",
    "background-geopoint",
    "geotrace",
    "geoshape",
    "osm",
    "hidden",
    "audit",
    "phonenumber",
    "simserial",
    "subscriberid",
    "email",
    "start-geopoint",
    "uri:email",
    "uri:phonenumber",
    "uri:subscriberid",
    "uri:simserial",
    "uri:deviceid",
    "uri:username",
];

const SKIPPED: &[&str] = &["xml-external", "csv-external"];

/// Multi-word and select types, as a designer types them; the list name follows.
const SELECTS: &[(&str, Select)] = &[
    ("select_one_from_file", Select::FromFile),
    ("select_multiple_from_file", Select::FromFile),
    ("select_one_external", Select::FromFile),
    (
        "select_one",
        Select::Kind(QuestionType::SelectOne, "select_one"),
    ),
    (
        "select one from",
        Select::Kind(QuestionType::SelectOne, "select_one"),
    ),
    (
        "select one",
        Select::Kind(QuestionType::SelectOne, "select_one"),
    ),
    (
        "select1",
        Select::Kind(QuestionType::SelectOne, "select_one"),
    ),
    (
        "select_multiple",
        Select::Kind(QuestionType::SelectMultiple, "select_multiple"),
    ),
    (
        "select multiple from",
        Select::Kind(QuestionType::SelectMultiple, "select_multiple"),
    ),
    (
        "select multiple",
        Select::Kind(QuestionType::SelectMultiple, "select_multiple"),
    ),
    (
        "select all that apply from",
        Select::Kind(QuestionType::SelectMultiple, "select_multiple"),
    ),
    (
        "select all that apply",
        Select::Kind(QuestionType::SelectMultiple, "select_multiple"),
    ),
    ("rank", Select::Kind(QuestionType::Rank, "rank")),
];

#[derive(Debug, Clone, Copy)]
enum Select {
    Kind(QuestionType, &'static str),
    FromFile,
}

/// Every type word, for did-you-mean.
fn known() -> impl Iterator<Item = &'static str> {
    SIMPLE
        .iter()
        .map(|(n, _)| *n)
        .chain(HIDDEN.iter().copied())
        .chain(SKIPPED.iter().copied())
        .chain(["select_one", "select_multiple", "rank", "barcode"])
        .chain(["begin_group", "end_group", "begin_repeat", "end_repeat"])
        .chain(["begin group", "end group", "begin repeat", "end repeat"])
}

/// Reads a `type` cell.
pub fn parse_type(cell: &str) -> Result<RowType, TypeError> {
    let mut words: Vec<&str> = cell.split_whitespace().collect();
    // Old spellings pyxform still reads: `add text prompt`,
    // `add select one prompt using yes_no`, `select one from l or specify other`.
    let mut or_other = false;
    if words.len() >= 3
        && words[words.len() - 3..]
            .iter()
            .map(|w| w.to_lowercase())
            .eq(["or", "specify", "other"])
    {
        words.truncate(words.len() - 3);
        or_other = true;
    }
    if words.first().is_some_and(|w| w.eq_ignore_ascii_case("add"))
        && let Some(p) = words.iter().position(|w| w.eq_ignore_ascii_case("prompt"))
    {
        let mut rest: Vec<&str> = words[1..p].to_vec();
        let tail = &words[p + 1..];
        let tail = tail
            .strip_prefix(&["using"][..])
            .or_else(|| tail.strip_prefix(&["USING"][..]))
            .unwrap_or(tail);
        rest.extend_from_slice(tail);
        words = rest;
    }
    let lower = words.join(" ").to_lowercase();
    match lower.replace('_', " ").as_str() {
        "begin group" => return Ok(RowType::BeginGroup),
        "begin repeat" | "begin looped group" | "begin lgroup" => return Ok(RowType::BeginRepeat),
        "end group" => return Ok(RowType::EndGroup),
        "end repeat" | "end looped group" | "end lgroup" => return Ok(RowType::EndRepeat),
        _ => {}
    }
    if let Some((_, kind)) = SIMPLE.iter().find(|(n, _)| *n == lower) {
        return Ok(RowType::Question {
            kind: *kind,
            list: None,
            or_other: false,
        });
    }
    if lower == "barcode" {
        return Ok(RowType::Mapped {
            kind: QuestionType::Text,
            original: lower,
        });
    }
    if HIDDEN.contains(&lower.as_str()) {
        return Ok(RowType::Hidden { original: lower });
    }
    if SKIPPED.contains(&lower.as_str()) {
        return Ok(RowType::Skipped { original: lower });
    }
    for (prefix, select) in SELECTS {
        let Some(rest) = lower.strip_prefix(prefix) else {
            continue;
        };
        if !(rest.is_empty() || rest.starts_with(' ')) {
            continue;
        }
        let kind = match select {
            Select::FromFile => {
                return Ok(RowType::Hidden {
                    original: (*prefix).to_owned(),
                });
            }
            Select::Kind(kind, canonical) => (*kind, *canonical),
        };
        // The list name keeps its case: list names are case-sensitive.
        let prefix_words = prefix.split(' ').count();
        let mut args = words[prefix_words.min(words.len())..].to_vec();
        let or_other_word = args
            .last()
            .is_some_and(|w| w.eq_ignore_ascii_case("or_other"));
        let or_other = or_other || or_other_word;
        if or_other_word {
            args.pop();
        }
        let Some(list) = args.first() else {
            return Err(TypeError::MissingList { kind: kind.1 });
        };
        if args.len() > 1 {
            return Err(TypeError::Unknown {
                found: cell.trim().to_owned(),
                suggestion: None,
            });
        }
        return Ok(RowType::Question {
            kind: kind.0,
            list: Some((*list).to_owned()),
            or_other,
        });
    }
    let first = words.first().copied().unwrap_or_default().to_lowercase();
    Err(TypeError::Unknown {
        found: words.first().copied().unwrap_or_default().to_owned(),
        suggestion: fieldform_engine::expr::suggest(&first, known()),
    })
}

/// The `type` cell the exporter writes for a question.
pub fn type_name(kind: QuestionType) -> &'static str {
    match kind {
        QuestionType::Text => "text",
        QuestionType::Integer => "integer",
        QuestionType::Decimal => "decimal",
        QuestionType::SelectOne => "select_one",
        QuestionType::SelectMultiple => "select_multiple",
        QuestionType::Rank => "rank",
        QuestionType::Date => "date",
        QuestionType::Time => "time",
        QuestionType::DateTime => "datetime",
        QuestionType::Geopoint => "geopoint",
        QuestionType::Range => "range",
        QuestionType::Note => "note",
        QuestionType::Calculate => "calculate",
        QuestionType::Acknowledge => "acknowledge",
        QuestionType::Start => "start",
        QuestionType::End => "end",
        QuestionType::Today => "today",
        QuestionType::DeviceId => "deviceid",
        QuestionType::Username => "username",
        QuestionType::InstanceId => "instance_id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(kind: QuestionType, list: Option<&str>, or_other: bool) -> RowType {
        RowType::Question {
            kind,
            list: list.map(str::to_owned),
            or_other,
        }
    }

    #[test]
    fn every_model_type_round_trips_through_its_name() {
        use QuestionType::*;
        for kind in [
            Text,
            Integer,
            Decimal,
            Date,
            Time,
            DateTime,
            Geopoint,
            Range,
            Note,
            Calculate,
            Acknowledge,
            Start,
            End,
            Today,
            DeviceId,
            Username,
            InstanceId,
        ] {
            assert_eq!(parse_type(type_name(kind)), Ok(q(kind, None, false)));
        }
    }

    #[test]
    fn selects_and_their_spellings() {
        use QuestionType::*;
        assert_eq!(
            parse_type("select_one yes_no"),
            Ok(q(SelectOne, Some("yes_no"), false))
        );
        assert_eq!(
            parse_type("Select_One  YN or_other"),
            Ok(q(SelectOne, Some("YN"), true))
        );
        assert_eq!(
            parse_type("select one from yes_or_no"),
            Ok(q(SelectOne, Some("yes_or_no"), false))
        );
        assert_eq!(
            parse_type("select all that apply fruits"),
            Ok(q(SelectMultiple, Some("fruits"), false))
        );
        assert_eq!(
            parse_type("select_multiple l"),
            Ok(q(SelectMultiple, Some("l"), false))
        );
        assert_eq!(
            parse_type("select one from sexes or specify other"),
            Ok(q(SelectOne, Some("sexes"), true))
        );
        assert_eq!(
            parse_type("add select one prompt using yn"),
            Ok(q(SelectOne, Some("yn"), false))
        );
        assert_eq!(
            parse_type("add integer prompt"),
            Ok(q(Integer, None, false))
        );
        assert_eq!(parse_type("gps"), Ok(q(Geopoint, None, false)));
        assert_eq!(parse_type("rank l"), Ok(q(Rank, Some("l"), false)));
        assert_eq!(
            parse_type("select_one").map_err(|e| e.to_string()),
            Err("`select_one` needs the name of a choice list, e.g. `select_one yes_no`".into())
        );
        assert_eq!(
            parse_type("select_one_from_file a.csv"),
            Ok(RowType::Hidden {
                original: "select_one_from_file".into()
            })
        );
    }

    #[test]
    fn groups_repeats_and_unsupported() {
        assert_eq!(parse_type("begin group"), Ok(RowType::BeginGroup));
        assert_eq!(parse_type("Begin_Group"), Ok(RowType::BeginGroup));
        assert_eq!(parse_type("end_repeat"), Ok(RowType::EndRepeat));
        assert_eq!(parse_type("begin repeat"), Ok(RowType::BeginRepeat));
        assert_eq!(parse_type("end group"), Ok(RowType::EndGroup));
        assert_eq!(
            parse_type("image"),
            Ok(RowType::Hidden {
                original: "image".into()
            })
        );
        assert_eq!(
            parse_type("barcode"),
            Ok(RowType::Mapped {
                kind: QuestionType::Text,
                original: "barcode".into()
            })
        );
        assert_eq!(
            parse_type("trigger"),
            Ok(q(QuestionType::Acknowledge, None, false))
        );
        assert_eq!(
            parse_type("selct_one yn").map_err(|e| e.to_string()),
            Err("unknown type `selct_one`; did you mean `select_one`?".into())
        );
    }
}
