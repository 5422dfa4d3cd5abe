//! The items of a form: questions, groups and repeats.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Text;

/// One node of the form tree.
// Questions dominate a form, so boxing them would only add indirection.
// Read by hand in `item_de` (one pass, no buffering); these attributes
// still shape its serialization and its schema.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Item {
    Question(Question),
    /// A set of questions shown together (a page with appearance `field-list`, else a section).
    Group(Group),
    /// A roster: the same items answered once per instance (e.g. per household member).
    Repeat(Repeat),
}

impl Item {
    pub fn name(&self) -> &str {
        match self {
            Item::Question(q) => &q.name,
            Item::Group(g) => &g.name,
            Item::Repeat(r) => &r.name,
        }
    }

    /// Child items of a group or repeat; none for a question.
    pub fn children(&self) -> &[Item] {
        match self {
            Item::Question(_) => &[],
            Item::Group(g) => &g.items,
            Item::Repeat(r) => &r.items,
        }
    }
}

/// `true`, `false` or an expression: XLSForm's `required` and `read_only` columns accept either.
// Read by hand in `item_de`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Condition {
    Const(bool),
    Expr(String),
}

/// The type of a question, as in XLSForm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    Text,
    Integer,
    Decimal,
    SelectOne,
    SelectMultiple,
    Rank,
    Date,
    Time,
    #[serde(rename = "datetime")]
    DateTime,
    Geopoint,
    /// A line: points (`lat lon alt acc`, as for a geopoint) separated by
    /// `;`, at least two.
    Geotrace,
    /// A polygon: like a geotrace, at least four points, the last the same
    /// as the first (closed, as ODK Collect writes it).
    Geoshape,
    Range,
    Note,
    Calculate,
    Acknowledge,
    // Metadata, filled in by the runtime rather than asked.
    Start,
    End,
    Today,
    #[serde(rename = "deviceid")]
    DeviceId,
    Username,
    #[serde(rename = "instance_id")]
    InstanceId,
}

impl QuestionType {
    /// Questions whose answers come from a choice list.
    pub fn has_choices(self) -> bool {
        matches!(
            self,
            QuestionType::SelectOne | QuestionType::SelectMultiple | QuestionType::Rank
        )
    }

    /// Metadata the runtime fills in; never shown to the enumerator.
    pub fn is_metadata(self) -> bool {
        matches!(
            self,
            QuestionType::Start
                | QuestionType::End
                | QuestionType::Today
                | QuestionType::DeviceId
                | QuestionType::Username
                | QuestionType::InstanceId
        )
    }

    /// Whether an enumerator types or picks a value for this question.
    pub fn takes_input(self) -> bool {
        !self.is_metadata() && !matches!(self, QuestionType::Note | QuestionType::Calculate)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A question (or a note, a calculation or a metadata field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Question {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// For select_one, select_multiple and rank: the name of the choice list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<String>,
    /// `select_one_from_file villages.csv` (and `select_multiple_from_file`):
    /// the choices are the rows of this attached file (CSV, XML or GeoJSON),
    /// not a list of the form. The value and label columns are `name` and
    /// `label` (GeoJSON: `id` and `title`) unless `parameters` give
    /// `value=` and `label=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices_file: Option<String>,
    /// `select_one_external list`: `choices` names a list of the form's
    /// `external_choices` rather than of its `choices`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub external: bool,
    /// `select_one list or_other`: adds an "Other" choice (value `other`) and,
    /// unless the form has a field of that name, a text question
    /// `<name>_other` asked when it is selected.
    #[serde(default, skip_serializing_if = "is_false")]
    pub or_other: bool,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub label: Text,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub hint: Text,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub guidance_hint: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Condition>,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub required_message: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub constraint_message: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculation: Option<String>,
    /// The initial value: a literal (`0`, `yes`), or, when it references a
    /// field or calls a function, an expression evaluated once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appearance: Option<String>,
    /// Type parameters, e.g. `start`, `end`, `step` for range, `randomize` for selects.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice_filter: Option<String>,
    /// Recompute a calculation only when a field named here changes
    /// (XLSForm `trigger`: `${name}`, or several separated by commas; a name
    /// several fields share means each of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
}

impl Question {
    /// A question with only a name and a type; the rest empty.
    pub fn new(name: &str, kind: QuestionType) -> Self {
        Self {
            name: name.to_owned(),
            kind,
            choices: None,
            choices_file: None,
            external: false,
            or_other: false,
            label: Text::default(),
            hint: Text::default(),
            guidance_hint: Text::default(),
            required: None,
            required_message: Text::default(),
            relevant: None,
            constraint: None,
            constraint_message: Text::default(),
            calculation: None,
            default: None,
            read_only: None,
            appearance: None,
            parameters: BTreeMap::new(),
            choice_filter: None,
            trigger: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Group {
    pub name: String,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<String>,
    /// `field-list` shows the whole group as one page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appearance: Option<String>,
    #[serde(default)]
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Repeat {
    pub name: String,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appearance: Option<String>,
    /// An expression fixing the number of instances (e.g. `${hh_size}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_count: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_instances: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_instances: Option<u32>,
    #[serde(default)]
    pub items: Vec<Item>,
}
