//! Reading an [`Item`] (and a [`Condition`]) from the form file.
//!
//! Serde's derive for an internally tagged enum (`"kind": "question"`)
//! first buffers the whole object into its generic `Content` tree, then
//! reads the variant from that (with `Condition`'s untagged derive, 30 KB
//! of the app's wasm, 11 KB gzipped). Here an item is read in one pass
//! instead: every field into one flat set of slots, `kind` anywhere in the
//! object, then built into its variant.
//! The format, the schema and the serialization are the derives' own
//! (see `item.rs`); what is read is what they read: unknown fields and
//! the fields of another kind are ignored, and a missing or unknown
//! `kind`, a missing field or a repeated one is an error naming it.
//! (Two differences: a field of another kind written *before* `kind`
//! must still be well-formed, and an item written as an array
//! `["question", ...]` is refused; the engine writes `kind` first, in an
//! object.)

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::{Condition, Group, Item, Question, QuestionType, Repeat, Text};

#[derive(Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Question,
    Group,
    Repeat,
}

/// The keys an item may have, of any kind.
#[derive(Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Key {
    Kind,
    Name,
    Label,
    Relevant,
    Appearance,
    // A question's.
    #[serde(rename = "type")]
    Type,
    Choices,
    ChoicesFile,
    External,
    OrOther,
    Hint,
    GuidanceHint,
    Required,
    RequiredMessage,
    Constraint,
    ConstraintMessage,
    Calculation,
    Default,
    ReadOnly,
    Parameters,
    ChoiceFilter,
    Trigger,
    // A group's and a repeat's.
    Items,
    // A repeat's.
    RepeatCount,
    MinInstances,
    MaxInstances,
    #[serde(other)]
    Other,
}

impl Key {
    /// The JSON name, for "duplicate field" errors.
    fn name(self) -> &'static str {
        match self {
            Key::Kind => "kind",
            Key::Name => "name",
            Key::Label => "label",
            Key::Relevant => "relevant",
            Key::Appearance => "appearance",
            Key::Type => "type",
            Key::Choices => "choices",
            Key::ChoicesFile => "choices_file",
            Key::External => "external",
            Key::OrOther => "or_other",
            Key::Hint => "hint",
            Key::GuidanceHint => "guidance_hint",
            Key::Required => "required",
            Key::RequiredMessage => "required_message",
            Key::Constraint => "constraint",
            Key::ConstraintMessage => "constraint_message",
            Key::Calculation => "calculation",
            Key::Default => "default",
            Key::ReadOnly => "read_only",
            Key::Parameters => "parameters",
            Key::ChoiceFilter => "choice_filter",
            Key::Trigger => "trigger",
            Key::Items => "items",
            Key::RepeatCount => "repeat_count",
            Key::MinInstances => "min_instances",
            Key::MaxInstances => "max_instances",
            Key::Other => "",
        }
    }

    /// Whether an item of `kind` has this field (unknown keys: no).
    fn belongs_to(self, kind: Kind) -> bool {
        match self {
            Key::Kind | Key::Name | Key::Label | Key::Relevant | Key::Appearance => true,
            Key::Items => kind != Kind::Question,
            Key::RepeatCount | Key::MinInstances | Key::MaxInstances => kind == Kind::Repeat,
            Key::Other => false,
            _ => kind == Kind::Question,
        }
    }
}

/// Every field an item of any kind may have, each `None` until read
/// (an optional field read as `null` is `Some(None)`).
#[derive(Default)]
struct Slots {
    kind: Option<Kind>,
    name: Option<String>,
    label: Option<Text>,
    relevant: Option<Option<String>>,
    appearance: Option<Option<String>>,
    question_type: Option<QuestionType>,
    choices: Option<Option<String>>,
    choices_file: Option<Option<String>>,
    external: Option<bool>,
    or_other: Option<bool>,
    hint: Option<Text>,
    guidance_hint: Option<Text>,
    required: Option<Option<Condition>>,
    required_message: Option<Text>,
    constraint: Option<Option<String>>,
    constraint_message: Option<Text>,
    calculation: Option<Option<String>>,
    default: Option<Option<String>>,
    read_only: Option<Option<Condition>>,
    parameters: Option<BTreeMap<String, String>>,
    choice_filter: Option<Option<String>>,
    trigger: Option<Option<String>>,
    items: Option<Vec<Item>>,
    repeat_count: Option<Option<String>>,
    min_instances: Option<Option<u32>>,
    max_instances: Option<Option<u32>>,
}

/// Reads the next value into `slot`; a second value for it is an error.
fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    key: Key,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key.name()));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl Slots {
    fn read_value<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        key: Key,
    ) -> Result<(), A::Error> {
        match key {
            Key::Kind => read(map, &mut self.kind, key),
            Key::Name => read(map, &mut self.name, key),
            Key::Label => read(map, &mut self.label, key),
            Key::Relevant => read(map, &mut self.relevant, key),
            Key::Appearance => read(map, &mut self.appearance, key),
            Key::Type => read(map, &mut self.question_type, key),
            Key::Choices => read(map, &mut self.choices, key),
            Key::ChoicesFile => read(map, &mut self.choices_file, key),
            Key::External => read(map, &mut self.external, key),
            Key::OrOther => read(map, &mut self.or_other, key),
            Key::Hint => read(map, &mut self.hint, key),
            Key::GuidanceHint => read(map, &mut self.guidance_hint, key),
            Key::Required => read(map, &mut self.required, key),
            Key::RequiredMessage => read(map, &mut self.required_message, key),
            Key::Constraint => read(map, &mut self.constraint, key),
            Key::ConstraintMessage => read(map, &mut self.constraint_message, key),
            Key::Calculation => read(map, &mut self.calculation, key),
            Key::Default => read(map, &mut self.default, key),
            Key::ReadOnly => read(map, &mut self.read_only, key),
            Key::Parameters => read(map, &mut self.parameters, key),
            Key::ChoiceFilter => read(map, &mut self.choice_filter, key),
            Key::Trigger => read(map, &mut self.trigger, key),
            Key::Items => read(map, &mut self.items, key),
            Key::RepeatCount => read(map, &mut self.repeat_count, key),
            Key::MinInstances => read(map, &mut self.min_instances, key),
            Key::MaxInstances => read(map, &mut self.max_instances, key),
            Key::Other => map.next_value::<IgnoredAny>().map(drop),
        }
    }

    fn into_item<E: de::Error>(self) -> Result<Item, E> {
        let kind = self.kind.ok_or_else(|| E::missing_field("kind"))?;
        let name = self.name.ok_or_else(|| E::missing_field("name"))?;
        let label = self.label.unwrap_or_default();
        let relevant = self.relevant.flatten();
        let appearance = self.appearance.flatten();
        Ok(match kind {
            Kind::Question => Item::Question(Question {
                name,
                kind: self.question_type.ok_or_else(|| E::missing_field("type"))?,
                choices: self.choices.flatten(),
                choices_file: self.choices_file.flatten(),
                external: self.external.unwrap_or_default(),
                or_other: self.or_other.unwrap_or_default(),
                label,
                hint: self.hint.unwrap_or_default(),
                guidance_hint: self.guidance_hint.unwrap_or_default(),
                required: self.required.flatten(),
                required_message: self.required_message.unwrap_or_default(),
                relevant,
                constraint: self.constraint.flatten(),
                constraint_message: self.constraint_message.unwrap_or_default(),
                calculation: self.calculation.flatten(),
                default: self.default.flatten(),
                read_only: self.read_only.flatten(),
                appearance,
                parameters: self.parameters.unwrap_or_default(),
                choice_filter: self.choice_filter.flatten(),
                trigger: self.trigger.flatten(),
            }),
            Kind::Group => Item::Group(Group {
                name,
                label,
                relevant,
                appearance,
                items: self.items.unwrap_or_default(),
            }),
            Kind::Repeat => Item::Repeat(Repeat {
                name,
                label,
                relevant,
                appearance,
                repeat_count: self.repeat_count.flatten(),
                min_instances: self.min_instances.flatten(),
                max_instances: self.max_instances.flatten(),
                items: self.items.unwrap_or_default(),
            }),
        })
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Item;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a form item: an object with a `kind` (question, group or repeat)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
        let mut slots = Slots::default();
        while let Some(key) = map.next_key::<Key>()? {
            match slots.kind {
                // Another kind's field, as the derive does: ignored.
                Some(kind) if !key.belongs_to(kind) => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => slots.read_value(&mut map, key)?,
            }
        }
        slots.into_item()
    }
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Item, D::Error> {
        deserializer.deserialize_map(ItemVisitor)
    }
}

struct ConditionVisitor;

impl Visitor<'_> for ConditionVisitor {
    type Value = Condition;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("true, false or an expression")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Condition, E> {
        Ok(Condition::Const(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Condition, E> {
        Ok(Condition::Expr(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Condition, E> {
        Ok(Condition::Expr(value))
    }
}

// Untagged, the derive would buffer the value into `Content` too.
impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Condition, D::Error> {
        deserializer.deserialize_any(ConditionVisitor)
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn item(json: &str) -> Result<Item, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn reads_every_kind_with_kind_anywhere_and_round_trips() {
        let json = r#"{"name":"hh","label":{"en":"Household"},"kind":"repeat",
            "repeat_count":"${n}","max_instances":20,"items":[
              {"kind":"group","name":"g","appearance":"field-list","items":[
                {"type":"select_one","name":"q","kind":"question","choices":"yn",
                 "required":true,"read_only":"${x} = 1","parameters":{"randomize":"true"},
                 "or_other":true,"hint":{"en":"h"},"relevant":null}]}]}"#;
        let parsed = item(json).expect("valid item");
        let Item::Repeat(repeat) = &parsed else {
            panic!("a repeat: {parsed:?}");
        };
        assert_eq!(repeat.repeat_count.as_deref(), Some("${n}"));
        assert_eq!(repeat.max_instances, Some(20));
        let Item::Group(group) = &repeat.items[0] else {
            panic!("a group");
        };
        let Item::Question(q) = &group.items[0] else {
            panic!("a question");
        };
        let mut expected = Question::new("q", QuestionType::SelectOne);
        expected.choices = Some("yn".into());
        expected.required = Some(Condition::Const(true));
        expected.read_only = Some(Condition::Expr("${x} = 1".into()));
        expected.parameters = BTreeMap::from([("randomize".into(), "true".into())]);
        expected.or_other = true;
        expected.hint = Text::new("en", "h");
        assert_eq!(q, &expected);
        // The derived serializer's output reads back to the same item.
        let back = item(&serde_json::to_string(&parsed).expect("serializes"));
        assert_eq!(back, Ok(parsed));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn ignores_unknown_fields_and_other_kinds_fields() {
        let parsed = item(
            r#"{"kind":"group","name":"g","note":[1,{"a":2}],"type":"no such type",
                "required":{"x":1},"repeat_count":"3"}"#,
        );
        assert_eq!(
            parsed,
            Ok(Item::Group(Group {
                name: "g".into(),
                label: Text::default(),
                relevant: None,
                appearance: None,
                items: Vec::new(),
            }))
        );
        let parsed = item(r#"{"kind":"question","name":"a","type":"text","items":5}"#);
        assert_eq!(
            parsed,
            Ok(Item::Question(Question::new("a", QuestionType::Text)))
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn names_what_is_wrong() {
        let err = |json: &str| item(json).expect_err(json);
        assert!(
            err(r#"{"kind":"page","name":"a"}"#).starts_with(
                "unknown variant `page`, expected one of `question`, `group`, `repeat`"
            ),
            "{}",
            err(r#"{"kind":"page","name":"a"}"#)
        );
        assert!(err(r#"{"name":"a","type":"text"}"#).starts_with("missing field `kind`"));
        assert!(err(r#"{"kind":"question","type":"text"}"#).starts_with("missing field `name`"));
        assert!(err(r#"{"kind":"question","name":"a"}"#).starts_with("missing field `type`"));
        assert!(
            err(r#"{"kind":"question","name":"a","type":"text","name":"b"}"#)
                .starts_with("duplicate field `name`")
        );
        assert!(
            err(r#"{"kind":"group","kind":"group","name":"a"}"#)
                .starts_with("duplicate field `kind`")
        );
        assert!(
            err(r#"{"kind":"question","name":"a","type":"txt"}"#)
                .starts_with("unknown variant `txt`")
        );
        assert!(err(r#""a question""#).contains("expected a form item"));
        let bad_condition = err(r#"{"kind":"question","name":"a","type":"text","required":3}"#);
        assert!(
            bad_condition
                .starts_with("invalid type: integer `3`, expected true, false or an expression"),
            "{bad_condition}"
        );
    }
}
