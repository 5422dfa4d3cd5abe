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
    /// Declares no field at all: dropped.
    Skipped {
        original: String,
    },
    /// `select_one_from_file villages.csv`, `select_multiple_from_file`:
    /// a select whose choices are the rows of an attached file.
    FromFile {
        kind: QuestionType,
        file: String,
    },
    /// `select_one_external cities`: a select_one on a list of the
    /// `external_choices` sheet.
    External {
        list: String,
    },
    /// `csv-external people` / `xml-external people`: attaches
    /// `people.csv` / `people.xml` for `instance('people')` lookups; the row
    /// declares no field. `extension` is `csv` or `xml`.
    Attach {
        extension: &'static str,
    },
}

/// Why a `type` cell could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeError {
    Unknown {
        found: String,
        suggestion: Option<String>,
    },
    /// `select_one` with no list name after it.
    MissingList { kind: &'static str },
    /// `select_one_from_file` with a file that is not CSV, XML or GeoJSON.
    FileExtension { kind: &'static str, file: String },
    /// `or_other` after a select whose choices are not on the choices sheet.
    OrOther { kind: &'static str },
}

impl std::fmt::Display for TypeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeError::Unknown { found, suggestion } => {
                write!(f, "unknown type `{found}`")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean `{s}`?")?;
                    if s.eq_ignore_ascii_case(found) {
                        write!(f, " (type names are case-sensitive)")?;
                    }
                }
                Ok(())
            }
            TypeError::MissingList { kind } => {
                write!(
                    f,
                    "`{kind}` needs the name of a choice list, e.g. `{kind} yes_no`"
                )
            }
            TypeError::OrOther { kind } => write!(
                f,
                "`or_other` cannot follow `{kind}`: its \"Other\" choice must be on the choices sheet (use select_one)"
            ),
            TypeError::FileExtension { kind, file } => write!(
                f,
                "the file of `{kind} {file}` must end with .csv, .xml or .geojson"
            ),
        }
    }
}

/// Types written as fixed words, case-sensitively as pyxform 4.5.0 reads
/// them (its question type dictionary, with the old `q …`, `add … prompt`
/// and `get …` spellings).
const SIMPLE: &[(&str, QuestionType)] = &[
    ("text", QuestionType::Text),
    ("string", QuestionType::Text),
    ("q string", QuestionType::Text),
    ("add text prompt", QuestionType::Text),
    ("phone number", QuestionType::Text),
    ("integer", QuestionType::Integer),
    ("int", QuestionType::Integer),
    ("q int", QuestionType::Integer),
    ("add integer prompt", QuestionType::Integer),
    ("percentage", QuestionType::Integer),
    ("number of days in last month", QuestionType::Integer),
    ("number of days in last six months", QuestionType::Integer),
    ("number of days in last year", QuestionType::Integer),
    ("decimal", QuestionType::Decimal),
    ("q decimal", QuestionType::Decimal),
    ("add decimal prompt", QuestionType::Decimal),
    ("date", QuestionType::Date),
    ("q date", QuestionType::Date),
    ("add date prompt", QuestionType::Date),
    ("time", QuestionType::Time),
    ("datetime", QuestionType::DateTime),
    ("dateTime", QuestionType::DateTime),
    ("date time", QuestionType::DateTime),
    ("q date time", QuestionType::DateTime),
    ("q dateTime", QuestionType::DateTime),
    ("add date time prompt", QuestionType::DateTime),
    ("add dateTime prompt", QuestionType::DateTime),
    ("geopoint", QuestionType::Geopoint),
    ("gps", QuestionType::Geopoint),
    ("location", QuestionType::Geopoint),
    ("q geopoint", QuestionType::Geopoint),
    ("q location", QuestionType::Geopoint),
    ("add location prompt", QuestionType::Geopoint),
    ("geotrace", QuestionType::Geotrace),
    ("q geotrace", QuestionType::Geotrace),
    ("geoshape", QuestionType::Geoshape),
    ("q geoshape", QuestionType::Geoshape),
    ("range", QuestionType::Range),
    ("note", QuestionType::Note),
    ("q note", QuestionType::Note),
    ("add note prompt", QuestionType::Note),
    ("calculate", QuestionType::Calculate),
    ("q calculate", QuestionType::Calculate),
    ("add calculate prompt", QuestionType::Calculate),
    ("acknowledge", QuestionType::Acknowledge),
    ("q acknowledge", QuestionType::Acknowledge),
    ("add acknowledge prompt", QuestionType::Acknowledge),
    // pyxform's older name for acknowledge: the same question.
    ("trigger", QuestionType::Acknowledge),
    ("start", QuestionType::Start),
    ("start time", QuestionType::Start),
    ("get start time", QuestionType::Start),
    ("end", QuestionType::End),
    ("end time", QuestionType::End),
    ("get end time", QuestionType::End),
    ("today", QuestionType::Today),
    ("get today", QuestionType::Today),
    ("deviceid", QuestionType::DeviceId),
    ("imei", QuestionType::DeviceId),
    ("device id", QuestionType::DeviceId),
    ("get device id", QuestionType::DeviceId),
    ("username", QuestionType::Username),
    // Not an XLSForm type (pyxform adds meta/instanceID itself); written by
    // our exporter so a form's explicit instance_id field survives.
    ("instance_id", QuestionType::InstanceId),
];

/// Types the model lacks, asked as text.
const MAPPED: &[&str] = &["barcode", "q barcode", "add barcode prompt"];

/// Types answered by a widget Fieldform does not have yet, or metadata it
/// does not collect. `photo` and the `add … prompt` forms are pyxform's
/// aliases (aliases.py) of `image`, `audio`, `video` and `file`.
const HIDDEN: &[&str] = &[
    "image",
    "photo",
    "q image",
    "q picture",
    "add image prompt",
    "add photo prompt",
    "audio",
    "q audio",
    "add audio prompt",
    "video",
    "q video",
    "add video prompt",
    "file",
    "add file prompt",
    "background-audio",
    "background-geopoint",
    "osm",
    "hidden",
    "audit",
    "phonenumber",
    "get phone number",
    "simserial",
    "sim id",
    "get sim id",
    "subscriberid",
    "subscriber id",
    "get subscriber id",
    "email",
    "start-geopoint",
    "uri:email",
    "uri:phonenumber",
    "uri:subscriberid",
    "uri:simserial",
    "uri:deviceid",
    "uri:username",
];

const SKIPPED: &[&str] = &[];

/// Rows that attach a data file, with its extension.
const ATTACH: &[(&str, &str)] = &[("csv-external", "csv"), ("xml-external", "xml")];

/// pyxform's select types (aliases.py `select`); the list name follows.
/// Longest first, so that `select one from l` is not `select one` of `from`.
const SELECTS: &[(&str, Select)] = &[
    (
        "add select one prompt using",
        Select::Kind(QuestionType::SelectOne, "select_one"),
    ),
    (
        "add select multiple prompt using",
        Select::Kind(QuestionType::SelectMultiple, "select_multiple"),
    ),
    (
        "select one from file",
        Select::FromFile(QuestionType::SelectOne, "select_one_from_file"),
    ),
    (
        "select multiple from file",
        Select::FromFile(QuestionType::SelectMultiple, "select_multiple_from_file"),
    ),
    (
        "select all that apply from",
        Select::Kind(QuestionType::SelectMultiple, "select_multiple"),
    ),
    (
        "select all that apply",
        Select::Kind(QuestionType::SelectMultiple, "select_multiple"),
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
        "select_one_from_file",
        Select::FromFile(QuestionType::SelectOne, "select_one_from_file"),
    ),
    (
        "select_multiple_from_file",
        Select::FromFile(QuestionType::SelectMultiple, "select_multiple_from_file"),
    ),
    ("select_one_external", Select::External),
    (
        "select_one",
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
    ("rank", Select::Kind(QuestionType::Rank, "rank")),
];

#[derive(Debug, Clone, Copy)]
enum Select {
    Kind(QuestionType, &'static str),
    FromFile(QuestionType, &'static str),
    External,
}

/// Every type word, for did-you-mean.
fn known() -> impl Iterator<Item = &'static str> {
    SIMPLE
        .iter()
        .map(|(n, _)| *n)
        .chain(MAPPED.iter().copied())
        .chain(HIDDEN.iter().copied())
        .chain(SKIPPED.iter().copied())
        .chain(ATTACH.iter().map(|(t, _)| *t))
        .chain(["select_one", "select_multiple", "rank"])
        .chain([
            "select_one_from_file",
            "select_multiple_from_file",
            "select_one_external",
        ])
        .chain(["begin_group", "end_group", "begin_repeat", "end_repeat"])
        .chain(["begin group", "end group", "begin repeat", "end repeat"])
}

/// Reads a `type` cell. Type words are case-sensitive, as in pyxform
/// (`Select_One` is refused there); list and file names keep their case.
pub fn parse_type(cell: &str) -> Result<RowType, TypeError> {
    let words: Vec<&str> = cell.split_whitespace().collect();
    if let Some(parsed) = parse_words(&words) {
        return parsed;
    }
    // A type written in another case: suggest the same cell with its type
    // words in lowercase (the shortest lowercased start that reads).
    for k in 1..=words.len() {
        let lowered: Vec<String> = words[..k].iter().map(|w| w.to_lowercase()).collect();
        let candidate: Vec<&str> = lowered
            .iter()
            .map(String::as_str)
            .chain(words[k..].iter().copied())
            .collect();
        if candidate != words && matches!(parse_words(&candidate), Some(Ok(_))) {
            return Err(TypeError::Unknown {
                found: words.join(" "),
                suggestion: Some(candidate.join(" ")),
            });
        }
    }
    let first = words.first().copied().unwrap_or_default();
    Err(TypeError::Unknown {
        found: first.to_owned(),
        suggestion: fieldform_engine::expr::suggest(&first.to_lowercase(), known())
            .map(str::to_owned),
    })
}

/// A type cell's words, or `None` when they are no type at all.
fn parse_words(words: &[&str]) -> Option<Result<RowType, TypeError>> {
    let whole = words.join(" ");
    // pyxform: `begin group`, `begin_group`, `end repeat`, … (`begin loop`
    // is read by the survey's loop expansion).
    for (marker, is_begin) in [("begin", true), ("end", false)] {
        let Some(rest) = whole.strip_prefix(marker) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix([' ', '_']) else {
            continue;
        };
        let row = match (rest, is_begin) {
            ("group", true) => RowType::BeginGroup,
            ("repeat" | "looped group" | "lgroup", true) => RowType::BeginRepeat,
            ("group", false) => RowType::EndGroup,
            ("repeat" | "looped group" | "lgroup", false) => RowType::EndRepeat,
            _ => continue,
        };
        return Some(Ok(row));
    }
    if let Some((_, kind)) = SIMPLE.iter().find(|(n, _)| *n == whole) {
        return Some(Ok(RowType::Question {
            kind: *kind,
            list: None,
            or_other: false,
        }));
    }
    if MAPPED.contains(&whole.as_str()) {
        return Some(Ok(RowType::Mapped {
            kind: QuestionType::Text,
            original: whole,
        }));
    }
    if HIDDEN.contains(&whole.as_str()) {
        return Some(Ok(RowType::Hidden { original: whole }));
    }
    // pyxform: `osm <list>` names the osm sheet's tag list; still a file upload.
    if words.len() == 2 && words[0] == "osm" {
        return Some(Ok(RowType::Hidden {
            original: "osm".into(),
        }));
    }
    if SKIPPED.contains(&whole.as_str()) {
        return Some(Ok(RowType::Skipped { original: whole }));
    }
    if let Some((_, extension)) = ATTACH.iter().find(|(t, _)| *t == whole) {
        return Some(Ok(RowType::Attach { extension }));
    }
    SELECTS.iter().find_map(|(prefix, select)| {
        let prefix: Vec<&str> = prefix.split(' ').collect();
        let args = words.strip_prefix(prefix.as_slice())?;
        Some(parse_select(*select, args, &whole))
    })
}

/// The words after a select type: the list (or file) name, then perhaps
/// pyxform's `or_other` / `or other` / `or specify other`.
fn parse_select(select: Select, args: &[&str], whole: &str) -> Result<RowType, TypeError> {
    let kind = match select {
        Select::FromFile(kind, canonical) | Select::Kind(kind, canonical) => (kind, canonical),
        Select::External => (QuestionType::SelectOne, "select_one_external"),
    };
    let Some((list, tail)) = args.split_first() else {
        return Err(TypeError::MissingList { kind: kind.1 });
    };
    let or_other = match tail {
        [] => false,
        ["or_other"] | ["or", "other"] | ["or", "specify", "other"] => true,
        _ => {
            return Err(TypeError::Unknown {
                found: whole.to_owned(),
                suggestion: None,
            });
        }
    };
    if or_other && !matches!(select, Select::Kind(..)) {
        return Err(TypeError::OrOther { kind: kind.1 });
    }
    let list = (*list).to_owned();
    match select {
        Select::FromFile(..) => {
            // pyxform: exactly one extension, one it can read.
            let ext = list.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
            if !matches!(ext.as_deref(), Some("csv" | "xml" | "geojson")) {
                return Err(TypeError::FileExtension {
                    kind: kind.1,
                    file: list,
                });
            }
            Ok(RowType::FromFile {
                kind: kind.0,
                file: list,
            })
        }
        Select::External => Ok(RowType::External { list }),
        Select::Kind(..) => Ok(RowType::Question {
            kind: kind.0,
            list: Some(list),
            or_other,
        }),
    }
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
        QuestionType::Geotrace => "geotrace",
        QuestionType::Geoshape => "geoshape",
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
            Geotrace,
            Geoshape,
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
            parse_type("select_one  YN or_other"),
            Ok(q(SelectOne, Some("YN"), true))
        );
        assert_eq!(
            parse_type("select one YN or other"),
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
            parse_type("select_one_from_file Villages.csv"),
            Ok(RowType::FromFile {
                kind: SelectOne,
                file: "Villages.csv".into()
            })
        );
        assert_eq!(
            parse_type("select_multiple_from_file museums.geojson"),
            Ok(RowType::FromFile {
                kind: SelectMultiple,
                file: "museums.geojson".into()
            })
        );
        assert_eq!(
            parse_type("select_one_from_file places.txt").map_err(|e| e.to_string()),
            Err("the file of `select_one_from_file places.txt` must end with .csv, .xml or .geojson".into())
        );
        assert_eq!(
            parse_type("select_one_external cities"),
            Ok(RowType::External {
                list: "cities".into()
            })
        );
        assert_eq!(
            parse_type("csv-external"),
            Ok(RowType::Attach { extension: "csv" })
        );
        assert_eq!(
            parse_type("xml-external"),
            Ok(RowType::Attach { extension: "xml" })
        );
    }

    #[test]
    fn groups_repeats_and_unsupported() {
        assert_eq!(parse_type("begin group"), Ok(RowType::BeginGroup));
        assert_eq!(parse_type("begin_group"), Ok(RowType::BeginGroup));
        assert_eq!(parse_type("begin looped group"), Ok(RowType::BeginRepeat));
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

    /// pyxform reads type words case-sensitively: a type in another case is
    /// refused, with the lowercase spelling suggested and the list name kept.
    #[test]
    fn type_words_are_case_sensitive() {
        for (cell, message) in [
            (
                "Select one from source",
                "unknown type `Select one from source`; did you mean `select one from source`? (type names are case-sensitive)",
            ),
            (
                "Select_One YN",
                "unknown type `Select_One YN`; did you mean `select_one YN`? (type names are case-sensitive)",
            ),
            (
                "Begin_Group",
                "unknown type `Begin_Group`; did you mean `begin_group`? (type names are case-sensitive)",
            ),
            (
                "TEXT",
                "unknown type `TEXT`; did you mean `text`? (type names are case-sensitive)",
            ),
        ] {
            assert_eq!(
                parse_type(cell).map_err(|e| e.to_string()),
                Err(message.into())
            );
        }
        // `dateTime` is pyxform's own spelling, beside `datetime`.
        assert_eq!(
            parse_type("dateTime"),
            Ok(q(QuestionType::DateTime, None, false))
        );
        // Not pyxform's: `select multiple` is no select alias there.
        assert!(parse_type("select multiple fruits").is_err());
        assert!(parse_type("select_one a b").is_err());
    }

    /// pyxform's aliases (aliases.py and its question type dictionary):
    /// `photo` and the `add … prompt` spellings are `image`; `osm <list>`
    /// is an osm upload like a bare `osm`.
    #[test]
    fn pyxform_type_aliases() {
        for cell in [
            "photo",
            "add photo prompt",
            "add image prompt",
            "q picture",
            "q image",
            "add audio prompt",
            "add video prompt",
            "add file prompt",
        ] {
            assert!(
                matches!(parse_type(cell), Ok(RowType::Hidden { .. })),
                "{cell}"
            );
        }
        assert_eq!(
            parse_type("osm building_tags"),
            Ok(RowType::Hidden {
                original: "osm".into()
            })
        );
        assert_eq!(
            parse_type("osm"),
            Ok(RowType::Hidden {
                original: "osm".into()
            })
        );
        use QuestionType::*;
        for (cell, kind) in [
            ("q int", Integer),
            ("location", Geopoint),
            ("get start time", Start),
            ("get today", Today),
            ("add date time prompt", DateTime),
            ("add calculate prompt", Calculate),
            ("device id", DeviceId),
        ] {
            assert_eq!(parse_type(cell), Ok(q(kind, None, false)), "{cell}");
        }
        assert_eq!(
            parse_type("add barcode prompt"),
            Ok(RowType::Mapped {
                kind: Text,
                original: "add barcode prompt".into()
            })
        );
        assert_eq!(
            parse_type("select one from file villages.csv"),
            Ok(RowType::FromFile {
                kind: SelectOne,
                file: "villages.csv".into()
            })
        );
    }
}
