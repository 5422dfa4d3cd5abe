//! Checking answers: type and format, choices, ranges, required, constraint.
//!
//! One function for the app (per question, as the enumerator types) and for
//! the server (a whole submission): [`validate_node`] and [`validate`].
//! Problems are a [`ValidationKind`] (structured, so a UI can translate the
//! built-in wording) plus a message: the form's own `required_message` /
//! `constraint_message` in the requested language if it has one, else the
//! built-in text in that language ([`builtin_message`]; English where there
//! is no translation).

mod messages;

use serde::Serialize;

pub use messages::builtin_message;

use crate::compile::{Cond, FieldKind};
use crate::expr::date::{Parsed, parse_iso, parse_time};
use crate::expr::value::parse_number;
use crate::model::{QuestionType, Text};
use crate::state::{FormState, NodeRef, flags};

/// What is wrong with an answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ValidationKind {
    /// Required (and relevant) but empty.
    Required,
    /// The question's constraint is false.
    Constraint,
    NotAnInteger,
    NotADecimal,
    /// Expected `YYYY-MM-DD`.
    NotADate,
    /// Expected `HH:MM[:SS[.fff]]` with an optional zone.
    NotATime,
    /// Expected an ISO 8601 date-time.
    NotADateTime,
    /// Expected `lat lon [alt [accuracy]]` within range.
    NotAGeopoint,
    /// Expected at least two geopoints separated by `;`.
    NotAGeotrace,
    /// Expected at least four geopoints separated by `;`, the last the
    /// same place as the first.
    NotAGeoshape,
    /// A value that is not among the (filtered) choices.
    NotAChoice {
        value: String,
    },
    /// A range answer outside `start..=end`.
    OutOfRange {
        start: f64,
        end: f64,
    },
    /// A range answer between steps.
    OffStep {
        step: f64,
    },
}

impl ValidationKind {
    /// The built-in English message.
    pub fn default_message(&self) -> String {
        builtin_message(self, "en")
    }
}

/// One problem with one answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    /// `hh_member[2]/age`.
    pub path: String,
    #[serde(skip)]
    pub node: NodeRef,
    #[serde(flatten)]
    pub kind: ValidationKind,
    /// Localized: the form's message in the language asked for, else built in.
    pub message: String,
}

/// The first problem with one question's answer, if any: required first,
/// then type and format, then choices and range, then the constraint.
/// Non-relevant questions, and those the enumerator does not answer (notes,
/// calculations, metadata), have none.
pub fn validate_node(state: &FormState, node: NodeRef, lang: &str) -> Option<Issue> {
    let problem = problem_of(state, node)?;
    let form = state.form();
    let question = form.fields.get(node.field.index())?.question()?;
    // The form's own message, with its `${name}`s filled in ("now 90 %").
    let custom = |t: &Text| (!t.is_empty()).then(|| state.fill_text_in(t, node, lang));
    let message = match problem {
        ValidationKind::Required => custom(&question.required_message),
        ValidationKind::Constraint => custom(&question.constraint_message),
        _ => None,
    };
    Some(Issue {
        path: state.path(node),
        node,
        message: message
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| match &problem {
                // A choice a filter no longer offers is named by its label
                // («Jordan»), not its code; the kind keeps the code.
                ValidationKind::NotAChoice { value } => {
                    let label = form
                        .choices(node.field)
                        .iter()
                        .find(|c| c.name == *value)
                        .and_then(|c| c.label.get(lang, &form.form.default_language))
                        .unwrap_or(value);
                    let named = ValidationKind::NotAChoice {
                        value: label.to_owned(),
                    };
                    builtin_message(&named, lang)
                }
                _ => builtin_message(&problem, lang),
            }),
        kind: problem,
    })
}

/// Whether [`validate_node`] finds a problem with the question at `node`,
/// whose data is in `slot`, without its message and path (the state keeps
/// this up to date as answers change, so it reads the data directly).
pub(crate) fn has_problem(state: &FormState, node: NodeRef, slot: usize) -> bool {
    problem_at(state, node, slot).is_some()
}

/// What [`validate_node`] reports, without the message.
fn problem_of(state: &FormState, node: NodeRef) -> Option<ValidationKind> {
    problem_at(state, node, state.slot_of(node)?)
}

fn problem_at(state: &FormState, node: NodeRef, slot: usize) -> Option<ValidationKind> {
    let field = state.form().fields.get(node.field.index())?;
    let FieldKind::Question(kind) = field.kind else {
        return None;
    };
    if !kind.takes_input() {
        return None;
    }
    let (text, bits) = state.cell(node.field, slot)?;
    if bits & flags::REL == 0 {
        return None;
    }
    field.question()?;
    if trim(text).is_empty() {
        let required = match &field.props.required {
            Cond::Const(b) => *b,
            Cond::Expr(_) => bits & flags::REQUIRED != 0,
        };
        return required.then_some(ValidationKind::Required);
    }
    if let Some(problem) = format_problem(state, node, kind, text) {
        return Some(problem);
    }
    (bits & flags::VALID == 0).then_some(ValidationKind::Constraint)
}

/// Every problem of every relevant question in every instance, in document
/// order. The state keeps which questions have one as answers change, so
/// this costs what the problems cost, not what the form does.
pub fn validate(state: &FormState, lang: &str) -> Vec<Issue> {
    state
        .problem_nodes()
        .into_iter()
        .filter_map(|n| validate_node(state, n, lang))
        .collect()
}

/// [`validate`] by checking every question of every instance afresh: the
/// same answer, at the cost of the whole form (to check the kept one).
pub fn validate_all_questions(state: &FormState, lang: &str) -> Vec<Issue> {
    state
        .nodes()
        .into_iter()
        .filter_map(|n| validate_node(state, n, lang))
        .collect()
}

/// `text.trim()`, answered without decoding when both ends are ASCII and
/// not white space (as nearly every answer is): then there is nothing to
/// trim. An ASCII byte at an end of UTF-8 text is a whole character.
fn trim(text: &str) -> &str {
    let kept = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii() && !char::from(b).is_whitespace());
    let bytes = text.as_bytes();
    if kept(bytes.first()) && kept(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// An optionally negative run of ASCII digits that fits an `i64`. Up to
/// 18 digits always fit: only longer runs need the parser's check.
fn is_integer(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    digits.bytes().all(|b| b.is_ascii_digit())
        && ((1..=18).contains(&digits.len()) || t.parse::<i64>().is_ok())
}

fn format_problem(
    state: &FormState,
    node: NodeRef,
    kind: QuestionType,
    text: &str,
) -> Option<ValidationKind> {
    use QuestionType as T;
    let t = trim(text);
    let ok = match kind {
        T::Integer => is_integer(t),
        T::Decimal => !parse_number(t).is_nan(),
        T::Date => matches!(parse_iso(t, 0), Some(Parsed::Date(_))) && !t.contains(['T', ' ']),
        T::Time => parse_time(t).is_some(),
        T::DateTime => matches!(parse_iso(t, 0), Some(Parsed::DateTime { .. })),
        T::Geopoint => is_geopoint(t),
        T::Geotrace => geo_points(t).is_some_and(|p| p.len() >= 2),
        T::Geoshape => geo_points(t).is_some_and(|p| is_closed_shape(&p)),
        T::SelectOne | T::SelectMultiple | T::Rank => {
            return choice_problem(state, node, kind, t);
        }
        T::Range => return range_problem(state, node, t),
        _ => true,
    };
    if ok {
        return None;
    }
    Some(match kind {
        T::Integer => ValidationKind::NotAnInteger,
        T::Decimal => ValidationKind::NotADecimal,
        T::Date => ValidationKind::NotADate,
        T::Time => ValidationKind::NotATime,
        T::DateTime => ValidationKind::NotADateTime,
        T::Geotrace => ValidationKind::NotAGeotrace,
        T::Geoshape => ValidationKind::NotAGeoshape,
        _ => ValidationKind::NotAGeopoint,
    })
}

/// The geopoints of a geotrace or geoshape answer (`;`-separated, as ODK
/// Collect writes them, a trailing `;` allowed), or `None` if one is not
/// a geopoint.
pub fn geo_points(t: &str) -> Option<Vec<(f64, f64)>> {
    let mut points = Vec::new();
    for (i, p) in t.split(';').map(str::trim).enumerate() {
        if p.is_empty() {
            // Only a trailing `;` (ODK Collect ends some answers with one).
            if t.split(';').skip(i + 1).all(|rest| rest.trim().is_empty()) && i > 0 {
                break;
            }
            return None;
        }
        if !is_geopoint(p) {
            return None;
        }
        let mut parts = p.split_whitespace().map(parse_number);
        points.push((parts.next()?, parts.next()?));
    }
    Some(points)
}

/// A polygon: at least four points (a triangle and its closing point), the
/// last at the first's latitude and longitude (altitude and accuracy may
/// differ between two fixes of one place).
fn is_closed_shape(points: &[(f64, f64)]) -> bool {
    points.len() >= 4 && points.first() == points.last()
}

/// `lat lon [alt [accuracy]]`: latitude within ±90, longitude within ±180,
/// accuracy not negative.
fn is_geopoint(t: &str) -> bool {
    let parts: Vec<f64> = t.split_whitespace().map(parse_number).collect();
    (2..=4).contains(&parts.len())
        && parts.iter().all(|x| x.is_finite())
        && (-90.0..=90.0).contains(&parts[0])
        && (-180.0..=180.0).contains(&parts[1])
        && parts.get(3).is_none_or(|&acc| acc >= 0.0)
}

fn choice_problem(
    state: &FormState,
    node: NodeRef,
    kind: QuestionType,
    t: &str,
) -> Option<ValidationKind> {
    let choices = state.choices(node);
    let or_other = state
        .form()
        .field(node.field)
        .question()
        .is_some_and(|q| q.or_other);
    let known = |v: &str| (or_other && v == "other") || choices.iter().any(|c| c.name == v);
    let values: Vec<&str> = if kind == QuestionType::SelectOne {
        vec![t]
    } else {
        t.split_whitespace().collect()
    };
    values
        .into_iter()
        .find(|v| !known(v))
        .map(|v| ValidationKind::NotAChoice {
            value: v.to_owned(),
        })
}

fn range_problem(state: &FormState, node: NodeRef, t: &str) -> Option<ValidationKind> {
    let x = parse_number(t);
    if x.is_nan() {
        return Some(ValidationKind::NotADecimal);
    }
    let params = state
        .form()
        .field(node.field)
        .question()
        .map(|q| q.parameters.clone())
        .unwrap_or_default();
    let param = |k: &str, d: f64| {
        params
            .get(k)
            .map(|v| parse_number(v))
            .filter(|v| v.is_finite())
            .unwrap_or(d)
    };
    let (start, end, step) = (param("start", 0.0), param("end", 10.0), param("step", 1.0));
    let (lo, hi) = if start <= end {
        (start, end)
    } else {
        (end, start)
    };
    if x < lo || x > hi {
        return Some(ValidationKind::OutOfRange { start, end });
    }
    let steps = (x - start) / step;
    if step != 0.0 && (steps - steps.round()).abs() > 1e-9 {
        return Some(ValidationKind::OffStep { step });
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::env::FixedEnvironment;
    use crate::testing::{compiled, q};

    /// The shortcut accepts exactly the integers the parser accepts.
    #[wasm_bindgen_test(unsupported = test)]
    fn is_integer_is_the_parsers_answer() {
        let general = |t: &str| {
            t.strip_prefix('-')
                .unwrap_or(t)
                .bytes()
                .all(|b| b.is_ascii_digit())
                && t.parse::<i64>().is_ok()
        };
        let mut texts: Vec<String> = ["", "-", "--1", "+1", "1.0", "1e3", "٣", " 1", "0", "-0"]
            .map(String::from)
            .to_vec();
        for len in 1..=21 {
            for digit in ['0', '1', '9'] {
                let run = digit.to_string().repeat(len);
                texts.extend([run.clone(), format!("-{run}"), format!("{run}x")]);
            }
        }
        texts.extend(
            [i64::MAX.to_string(), i64::MIN.to_string()]
                .into_iter()
                .flat_map(|n| [n.clone(), format!("{n}0"), n.replace('7', "8")]),
        );
        for t in &texts {
            assert_eq!(is_integer(t), general(t), "{t:?}");
        }
    }

    /// The shortcut trims exactly what `str::trim` trims: every ASCII
    /// character and Unicode white space (and other text) at either end.
    #[wasm_bindgen_test(unsupported = test)]
    fn trim_is_strs_trim() {
        let mut ends: Vec<String> = (0u8..128).map(|b| char::from(b).to_string()).collect();
        ends.extend(
            [
                "", "\u{85}", "\u{a0}", "\u{1680}", "\u{2003}", "\u{2028}", "\u{3000}", "\u{feff}",
                "\u{200b}", "é", "ă", "٣", "😀", "  ", " \u{a0}", "\u{a0}x",
            ]
            .map(String::from),
        );
        for core in ["", "7", "a b", "\u{a0}", "x\u{3000}y", "12.5"] {
            for start in &ends {
                for end in &ends {
                    let text = format!("{start}{core}{end}");
                    let (fast, slow) = (trim(&text), text.trim());
                    assert_eq!(
                        (fast.as_ptr(), fast.len()),
                        (slow.as_ptr(), slow.len()),
                        "{text:?}"
                    );
                }
            }
        }
    }

    fn state() -> FormState {
        FormState::new(
            compiled(
                json!([
                    q(
                        "age",
                        "integer",
                        json!({
                            "required": true,
                            "required_message": { "en": "Age please", "ro": "Vârsta, vă rog" },
                            "constraint": ". >= 0 and . < 120",
                            "constraint_message": { "en": "Too old", "ro": "Prea bătrân" },
                        })
                    ),
                    q("weight", "decimal", json!({ "constraint": ". > 0" })),
                    q("dob", "date", json!({})),
                    q("at", "time", json!({})),
                    q("when", "datetime", json!({})),
                    q("where", "geopoint", json!({})),
                    q("region", "select_one", json!({ "choices": "regions" })),
                    q(
                        "district",
                        "select_one",
                        json!({ "choices": "districts", "choice_filter": "region = ${region}" })
                    ),
                    q(
                        "langs",
                        "select_multiple",
                        json!({ "choices": "regions", "or_other": true })
                    ),
                    q(
                        "score",
                        "range",
                        json!({ "parameters": { "start": "1", "end": "5", "step": "0.5" } })
                    ),
                    q(
                        "hidden",
                        "integer",
                        json!({ "relevant": "${age} > 200", "required": true })
                    ),
                    q("note", "note", json!({ "required": true })),
                ]),
                json!({
                    "regions": [{ "name": "north" }, { "name": "south" }],
                    "districts": [
                        { "name": "balti", "properties": { "region": "north" } },
                        {
                            "name": "cahul",
                            "label": { "en": "Cahul district", "ro": "raionul Cahul" },
                            "properties": { "region": "south" }
                        },
                    ],
                }),
            ),
            &FixedEnvironment::default(),
        )
    }

    fn problem(s: &mut FormState, path: &str, text: &str, lang: &str) -> Option<String> {
        let env = FixedEnvironment::default();
        let node = s.node(path).unwrap();
        s.set_value(node, text, &env).unwrap();
        validate_node(s, node, lang).map(|i| i.message)
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn messages_show_current_values() {
        let env = FixedEnvironment::default();
        let mut s = FormState::new(
            compiled(
                json!([
                    q("a", "decimal", json!({})),
                    q(
                        "b",
                        "decimal",
                        json!({
                            "constraint": "${a} + . = 100",
                            "constraint_message": { "en": "Must total 100 % (now ${total} %)", "ro": "Total 100 % (acum ${total} %)" },
                        })
                    ),
                    q(
                        "total",
                        "calculate",
                        json!({ "calculation": "${a} + ${b}" })
                    ),
                ]),
                json!({}),
            ),
            &env,
        );
        s.set("a", "60", &env).unwrap();
        assert_eq!(
            problem(&mut s, "b", "30", "en").as_deref(),
            Some("Must total 100 % (now 90 %)")
        );
        assert_eq!(
            problem(&mut s, "b", "35.5", "ro").as_deref(),
            Some("Total 100 % (acum 95.5 %)")
        );
        assert_eq!(problem(&mut s, "b", "40", "ro"), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn required_and_constraint_messages_per_language() {
        let mut s = state();
        assert_eq!(
            problem(&mut s, "age", "", "en").as_deref(),
            Some("Age please")
        );
        assert_eq!(
            problem(&mut s, "age", "", "ro").as_deref(),
            Some("Vârsta, vă rog")
        );
        assert_eq!(
            problem(&mut s, "age", "130", "ro").as_deref(),
            Some("Prea bătrân")
        );
        assert_eq!(
            problem(&mut s, "age", "130", "ru").as_deref(),
            Some("Too old")
        );
        assert_eq!(problem(&mut s, "age", "30", "en"), None);
        // Built-in messages, in the enumerator's language, when the form has none.
        assert_eq!(
            problem(&mut s, "weight", "-1", "ro").as_deref(),
            Some("Acest răspuns nu este permis.")
        );
        assert_eq!(
            problem(&mut s, "weight", "-1", "sw").as_deref(),
            Some("This answer is not allowed.")
        );
        assert_eq!(problem(&mut s, "weight", "", "en"), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_choice_no_longer_offered_is_named_by_its_label() {
        let mut s = state();
        let env = FixedEnvironment::default();
        let region = s.node("region").unwrap();
        s.set_value(region, "north", &env).unwrap();
        let message = problem(&mut s, "district", "cahul", "ro").unwrap();
        assert!(message.contains("raionul Cahul"), "{message}");
        assert!(!message.contains("cahul"), "{message}");
        let message = problem(&mut s, "district", "cahul", "en").unwrap();
        assert!(message.contains("Cahul district"), "{message}");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn types_and_formats() {
        let mut s = state();
        let mut kind = |path: &str, text: &str| {
            let env = FixedEnvironment::default();
            let node = s.node(path).unwrap();
            s.set_value(node, text, &env).unwrap();
            validate_node(&s, node, "en").map(|i| i.kind)
        };
        assert_eq!(kind("age", "12.5"), Some(ValidationKind::NotAnInteger));
        assert_eq!(kind("age", "-3"), Some(ValidationKind::Constraint));
        assert_eq!(kind("weight", "1,5"), Some(ValidationKind::NotADecimal));
        assert_eq!(kind("weight", "1.5"), None);
        assert_eq!(kind("dob", "2024-02-30"), Some(ValidationKind::NotADate));
        assert_eq!(kind("dob", "2024-02-29"), None);
        assert_eq!(kind("at", "25:00"), Some(ValidationKind::NotATime));
        assert_eq!(kind("at", "13:45:00"), None);
        assert_eq!(
            kind("when", "2024-01-15"),
            Some(ValidationKind::NotADateTime)
        );
        assert_eq!(kind("when", "2024-01-15T10:00:00+02:00"), None);
        assert_eq!(kind("where", "47.0 28.8 100 5"), None);
        assert_eq!(kind("where", "91 28.8"), Some(ValidationKind::NotAGeopoint));
        assert_eq!(
            kind("where", "47 28.8 1 -5"),
            Some(ValidationKind::NotAGeopoint)
        );
        assert_eq!(
            kind("region", "east"),
            Some(ValidationKind::NotAChoice {
                value: "east".into()
            })
        );
        assert_eq!(kind("region", "north"), None);
        assert_eq!(
            kind("district", "cahul"),
            Some(ValidationKind::NotAChoice {
                value: "cahul".into()
            })
        );
        assert_eq!(kind("district", "balti"), None);
        assert_eq!(kind("langs", "north other"), None);
        assert_eq!(
            kind("langs", "north west"),
            Some(ValidationKind::NotAChoice {
                value: "west".into()
            })
        );
        assert_eq!(
            kind("score", "6"),
            Some(ValidationKind::OutOfRange {
                start: 1.0,
                end: 5.0
            })
        );
        assert_eq!(
            kind("score", "2.25"),
            Some(ValidationKind::OffStep { step: 0.5 })
        );
        assert_eq!(kind("score", "2.5"), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn whole_response_skips_non_relevant_and_non_input() {
        let mut s = state();
        let env = FixedEnvironment::default();
        s.set("dob", "yesterday", &env).unwrap();
        let issues: Vec<(String, String)> = validate(&s, "en")
            .into_iter()
            .map(|i| (i.path, i.message))
            .collect();
        assert_eq!(
            issues,
            vec![
                ("age".to_owned(), "Age please".to_owned()),
                ("dob".to_owned(), "Enter a date (YYYY-MM-DD).".to_owned()),
            ]
        );
        let json = serde_json::to_value(validate(&s, "en")).unwrap();
        assert_eq!(
            json[1],
            json!({ "path": "dob", "kind": "not_a_date", "message": "Enter a date (YYYY-MM-DD)." })
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn geotraces_and_geoshapes_are_point_lists() {
        let form = compiled(
            json!([
                q("line", "geotrace", json!({})),
                q("shape", "geoshape", json!({})),
                q(
                    "walked",
                    "decimal",
                    json!({ "calculation": "distance(${line})" })
                ),
                q(
                    "size",
                    "decimal",
                    json!({ "calculation": "area(${shape})" })
                ),
            ]),
            json!({}),
        );
        let env = FixedEnvironment::default();
        let mut s = FormState::new(form, &env);
        let mut problem = |field: &str, value: &str| {
            s.set(field, value, &env).expect("sets");
            let node = s.node(field).expect("node");
            validate_node(&s, node, "en").map(|i| (i.kind, i.message))
        };
        // As ODK Collect writes them: `lat lon alt acc`, `;`-separated, a
        // trailing `;` allowed.
        assert_eq!(problem("line", "0 1 0 0; 0 91 0 0;"), None);
        assert_eq!(problem("line", "47.01 28.86;47.02 28.87"), None);
        let not_a_line = Some((
            ValidationKind::NotAGeotrace,
            "Enter a line: at least two locations.".to_owned(),
        ));
        assert_eq!(problem("line", "47.01 28.86 0 5"), not_a_line);
        assert_eq!(problem("line", "47.01 28.86;;47.02 28.87"), not_a_line);
        assert_eq!(problem("line", "47.01 28.86;95 28.87"), not_a_line);
        assert_eq!(problem("line", "47.01 28.86;abc"), not_a_line);
        assert_eq!(problem("line", ";47.01 28.86;47.02 28.87"), not_a_line);

        assert_eq!(problem("shape", "0 0 0 0;0 1 0 0;1 1 0 0;0 0 0 0"), None);
        // One place fixed twice: altitude and accuracy may differ.
        assert_eq!(problem("shape", "0 0 10 3;0 1;1 1;0 0 12 5;"), None);
        let not_a_shape = Some((
            ValidationKind::NotAGeoshape,
            "Enter an area: at least three locations, the last one the same as the first."
                .to_owned(),
        ));
        assert_eq!(problem("shape", "0 0;0 1;1 1"), not_a_shape, "open");
        assert_eq!(problem("shape", "0 0;0 1;0 0"), not_a_shape, "two places");
        assert_eq!(problem("shape", "0 0;0 1;1 1;0 0;x"), not_a_shape);

        // area() and distance() read the answers.
        s.set("line", "0 1 0 0; 0 91 0 0;", &env).expect("sets");
        let walked: f64 = s
            .value(s.node("walked").expect("node"))
            .parse()
            .expect("number");
        assert!((walked - 2.0 * std::f64::consts::PI * 6_378_100.0 / 4.0).abs() < 1e-6);
        s.set("shape", "0 0;0 1;1 1;1 0;0 0", &env).expect("sets");
        let size: f64 = s
            .value(s.node("size").expect("node"))
            .parse()
            .expect("number");
        assert!((size - 1.2391e10).abs() < 0.002e10, "{size}");
    }
}
