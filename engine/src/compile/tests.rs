use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use super::*;
use crate::testing::{compiled, errors, q};

#[wasm_bindgen_test(unsupported = test)]
fn unknown_reference_names_field_property_position_and_suggestion() {
    let errs = errors(
        json!([
            q("hh_size", "integer", json!({})),
            q(
                "hh_count",
                "calculate",
                json!({ "calculation": "2", "relevant": "2 < ${hh_sise}" })
            ),
        ]),
        json!({}),
    );
    assert_eq!(
        errs,
        vec![
            "field `hh_count`, relevant: ${hh_sise} at position 4 is not a field; did you mean ${hh_size}?"
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn every_error_in_one_pass() {
    let errs = errors(
        json!([
            q("age", "integer", json!({ "constraint": ". > 3)" })),
            q("q3", "select_one", json!({ "choices": "yes_no" })),
            q("x", "text", json!({ "relevant": "${nothing_like_it} = 1", "required": "${age} >" })),
            q("age", "text", json!({})),
            { "kind": "group", "name": "g", "items": [
                q("y", "calculate", json!({ "calculation": "${g} + 1" })),
            ]},
            q("t", "calculate", json!({ "calculation": "1", "trigger": "${agee}" })),
            q("n", "note", json!({ "trigger": "${age}" })),
        ]),
        json!({}),
    );
    assert_eq!(
        errs,
        vec![
            "field `age` is defined more than once",
            "field `age`, constraint: unexpected `)` at position 5",
            "field `q3`: choice list `yes_no` does not exist",
            "field `x`, relevant: ${nothing_like_it} at position 0 is not a field",
            "field `x`, required: unexpected end of expression at position 8; expected an expression",
            "field `y`, calculation: ${g} at position 0 is a group, not a question or a repeat",
            "field `t`, trigger: `agee` is not a field; did you mean `age`?",
            "field `n`: a trigger needs a calculation to run",
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn calculation_cycle_is_named_in_order() {
    let errs = errors(
        json!([
            q("a", "calculate", json!({ "calculation": "${b} + 1" })),
            q("b", "calculate", json!({ "calculation": "${a} * 2" })),
            q("c", "calculate", json!({ "calculation": "${c}" })),
        ]),
        json!({}),
    );
    assert_eq!(
        errs,
        vec![
            "cycle: ${a} calculation → ${b} calculation → ${a}",
            "cycle: ${c} calculation → ${c}",
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn relevance_cycles_are_errors() {
    let errs = errors(
        json!([
            q("a", "text", json!({ "relevant": "${b} = 'x'" })),
            q("b", "text", json!({ "relevant": "${a} = 'y'" })),
            q("self", "text", json!({ "relevant": "${self} != ''" })),
        ]),
        json!({}),
    );
    assert_eq!(
        errs,
        vec![
            "cycle: ${a} relevant → ${b} relevant → ${a}",
            "cycle: ${self} relevant → ${self}",
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn constraints_and_required_may_read_their_own_field() {
    compiled(
        json!([q(
            "age",
            "integer",
            json!({ "constraint": ". >= 0 and ${age} < 120", "required": "${age} = ''" })
        )]),
        json!({}),
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn choice_filter_columns_and_fields() {
    let choices = json!({
        "districts": [
            { "name": "d1", "label": { "en": "D1" }, "properties": { "region": "north" } },
        ],
        "regions": [{ "name": "north", "label": { "en": "North" } }],
    });
    let errs = errors(
        json!([
            q("region", "select_one", json!({ "choices": "regions" })),
            q(
                "district",
                "select_one",
                json!({
                    "choices": "districts",
                    "choice_filter": "regoin = ${region} and name != ${regio}",
                })
            ),
        ]),
        choices.clone(),
    );
    assert_eq!(
        errs,
        vec![
            "field `district`, choice_filter: `regoin` at position 0 is not a column of choice list `districts`; did you mean `region`?",
            "field `district`, choice_filter: ${regio} at position 31 is not a field; did you mean ${region}?",
        ]
    );
    let form = compiled(
        json!([
            q("region", "select_one", json!({ "choices": "regions" })),
            q(
                "district",
                "select_one",
                json!({
                    "choices": "districts",
                    "choice_filter": "region = ${region}",
                })
            ),
        ]),
        choices,
    );
    let district = form.lookup("district").expect("district");
    let filter = form
        .field(district)
        .props
        .choice_filter
        .as_ref()
        .expect("filter");
    // Only `${region}` is a field reference; the bare `region` is a column.
    assert_eq!(filter.refs, vec![("region".to_owned(), FieldId(0))]);
}

#[wasm_bindgen_test(unsupported = test)]
fn warnings_for_select_without_list_and_missing_translation() {
    let form = compiled(
        json!([
            q("s", "select_one", json!({})),
            q("age", "integer", json!({ "label": { "en": "Age" } })),
        ]),
        json!({ "yn": [{ "name": "y", "label": { "en": "Yes", "ro": "Da" } }] }),
    );
    let warnings: Vec<String> = form.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        vec![
            "field `s`: select_one question has no choice list",
            "field `age`, label: no text in language `ro`",
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn name_table_scopes_and_topological_order() {
    let form = compiled(
        json!([
            q("total", "calculate", json!({ "calculation": "sum(${age})" })),
            { "kind": "repeat", "name": "member", "items": [
                q("age", "integer", json!({})),
                { "kind": "repeat", "name": "visit", "items": [
                    q("when", "date", json!({})),
                ]},
            ]},
        ]),
        json!({}),
    );
    let id = |n: &str| form.lookup(n).expect(n);
    assert_eq!(form.fields.len(), 5);
    assert_eq!(form.field(id("when")).parent, Some(id("visit")));
    let member = form.field(id("member")).scope;
    let visit = form.field(id("visit")).scope;
    assert_eq!(form.field(id("age")).scope, member);
    assert_eq!(form.scope(visit).chain, vec![ScopeId::ROOT, member, visit]);
    assert_eq!(form.parent_scope(id("visit")), member);
    assert_eq!(form.common_depth(visit, ScopeId::ROOT), 0);
    assert_eq!(form.common_depth(visit, member), 1);
    // `total` reads `age`, written after it: it must still come later.
    let total = form.node_of(id("total"), NodeKind::Value).expect("node");
    let age = form.node_of(id("age"), NodeKind::Value).expect("node");
    let instances = form
        .node_of(id("member"), NodeKind::Instances)
        .expect("node");
    assert!(age < total && instances < age);
    let deps: Vec<NodeId> = form.node(age).dependents.iter().map(|e| e.to).collect();
    assert!(deps.contains(&total));
    assert!(
        form.node(instances)
            .dependents
            .iter()
            .any(|e| e.to == total && e.common == 0)
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn literal_and_dynamic_defaults() {
    let form = compiled(
        json!([
            q("a", "text", json!({ "default": "yes (sure)" })),
            q("b", "date", json!({ "default": "today()" })),
            q("c", "text", json!({ "default": "${a}" })),
        ]),
        json!({}),
    );
    let kinds: Vec<bool> = form
        .fields
        .iter()
        .map(|f| matches!(f.props.default, Some(DefaultValue::Expr(_))))
        .collect();
    assert_eq!(kinds, vec![false, true, true]);
}

#[wasm_bindgen_test(unsupported = test)]
fn insertions_in_texts_are_checked_and_indexed() {
    let errors = crate::testing::errors(
        json!([
            q("hh_size", "integer", json!({})),
            q(
                "note",
                "note",
                json!({ "label": { "en": "Size: ${hh_sise}", "ro": "Mărime: ${hh_size}" } })
            ),
        ]),
        json!({}),
    );
    assert_eq!(
        errors,
        vec!["field `note`, label (en): ${hh_sise} is not a field; did you mean ${hh_size}?"]
    );
    let form = compiled(
        json!([
            q("name", "text", json!({})),
            q(
                "age",
                "integer",
                json!({ "label": { "en": "Age of ${name}" }, "hint": { "en": "${name}, ${name}" } })
            ),
            q(
                "note",
                "note",
                json!({ "label": { "en": "${name} is ${age}" } })
            ),
        ]),
        json!({}),
    );
    let id = |n: &str| form.lookup(n).expect(n);
    assert_eq!(form.text_readers(id("name")), [id("age"), id("note")]);
    assert_eq!(form.text_readers(id("age")), [id("note")]);
    assert!(form.text_readers(id("note")).is_empty());
}

#[wasm_bindgen_test(unsupported = test)]
fn or_other_selects_get_a_specify_question_unless_the_form_has_one() {
    let form = compiled(
        json!([
            q("sex", "select_one", json!({ "choices": "yn", "or_other": true })),
            { "kind": "repeat", "name": "member", "items": [
                q("rel", "select_multiple", json!({ "choices": "yn", "or_other": true })),
                q("rel_other", "integer", json!({})),
            ]},
        ]),
        json!({ "yn": [{ "name": "y", "label": { "en": "Yes", "ro": "Da" } }] }),
    );
    let other = form.field(form.lookup("sex_other").expect("added"));
    assert_eq!(other.question_type(), Some(QuestionType::Text));
    assert_eq!(
        other.id.0,
        form.lookup("sex").expect("sex").0 + 1,
        "right after the select"
    );
    let q = other.question().expect("question");
    assert_eq!(q.relevant.as_deref(), Some("selected(${sex}, 'other')"));
    assert_eq!(q.label.get("ro", "en"), Some("Precizați „altele”."));
    // The author's own field of that name is kept as it is.
    let own = form.field(form.lookup("rel_other").expect("own"));
    assert_eq!(own.question_type(), Some(QuestionType::Integer));
    assert_eq!(form.fields.len(), 5);
}

#[wasm_bindgen_test(unsupported = test)]
fn regex_patterns_are_compiled_at_load() {
    let errs = errors(
        json!([
            q(
                "name",
                "text",
                json!({ "constraint": "regex(., '^([A-Za-z]| )*$')" })
            ),
            q("code", "text", json!({ "constraint": "regex(., '[a-')" })),
            q(
                "pin",
                "text",
                json!({ "relevant": "regex(${code}, '(\\d{1000}){11}')" })
            ),
        ]),
        json!({}),
    );
    assert_eq!(
        errs,
        vec![
            "field `code`, constraint: function `regex`: invalid regular expression: unclosed character class at position 0 of the pattern (position 9)",
            "field `pin`, relevant: function `regex`: invalid regular expression: pattern too large once its repetitions are expanded (more than 10000 steps) at position 10 of the pattern (position 15)",
        ]
    );
}
