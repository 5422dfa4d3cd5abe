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

/// `name` at the top level, in a group and in a repeat, as pyxform allows.
fn reused_names() -> serde_json::Value {
    json!([
        q("name", "text", json!({})),
        { "kind": "group", "name": "household", "items": [
            q("name", "text", json!({})),
            q("size", "integer", json!({})),
        ]},
        { "kind": "repeat", "name": "member", "items": [
            q("name", "text", json!({})),
            q("greeting", "calculate", json!({ "calculation": "concat(../name, ' of ', /data/household/name)" })),
            q("head", "calculate", json!({ "calculation": "${size}" })),
        ]},
        q("first", "calculate", json!({ "calculation": "indexed-repeat(/data/member/name, ${member}, 1)" })),
    ])
}

#[wasm_bindgen_test(unsupported = test)]
fn names_are_unique_among_siblings_only_and_paths_tell_them_apart() {
    let form = compiled(reused_names(), json!({}));
    assert_eq!(form.lookup("name"), None, "`name` is ambiguous");
    assert_eq!(form.lookup("size"), form.lookup_path("household/size"));
    let paths: Vec<String> = form
        .named("name")
        .into_iter()
        .map(|f| form.path_of(f))
        .collect();
    assert_eq!(paths, vec!["name", "household/name", "member/name"]);
    for p in &paths {
        let id = form.lookup_path(p).expect(p);
        assert_eq!(form.lookup(&format!("/{p}")), Some(id));
        assert_eq!(form.field(id).name, "name");
    }
    let member = form.lookup("member").expect("member");
    assert_eq!(
        form.child_named(Some(member), "name"),
        form.lookup_path("member/name")
    );
    // Each path reads its own field.
    let greeting = form.field(form.lookup("greeting").expect("greeting"));
    let refs = &greeting.props.calculation.as_ref().expect("calc").refs;
    assert_eq!(
        refs,
        &vec![
            (
                "/member/name".to_owned(),
                form.lookup_path("member/name").expect("m")
            ),
            (
                "/household/name".to_owned(),
                form.lookup_path("household/name").expect("h")
            ),
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn reused_names_evaluate_and_round_trip_through_the_response_at_their_paths() {
    use crate::env::FixedEnvironment;
    use crate::response::Status;
    use crate::state::FormState;
    let env = FixedEnvironment::default();
    let form = compiled(reused_names(), json!({}));
    let mut s = FormState::new(form.clone(), &env);
    s.set("name", "Ana", &env).expect("top");
    s.set("household/name", "Popescu", &env).expect("household");
    s.set("size", "4", &env).expect("size");
    s.add("member", &env).expect("add");
    s.set("member[1]/name", "Ion", &env).expect("member");
    let value = |s: &FormState, p: &str| s.value(s.node(p).expect(p)).to_owned();
    assert_eq!(value(&s, "member[1]/greeting"), "Ion of Popescu");
    assert_eq!(value(&s, "member[1]/head"), "4");
    assert_eq!(value(&s, "first"), "Ion");
    // A name other fields have is printed with its group.
    let node = s.node("household/name").expect("node");
    assert_eq!(s.path(node), "household/name");
    let response = s.to_response(Status::Complete, &env);
    assert_eq!(response.answers["name"], "Ana");
    assert_eq!(response.answers["household"]["name"], "Popescu");
    assert_eq!(response.answers["member"][0]["name"], "Ion");
    // `fieldform expr` resolves paths from its `--at` node.
    let probe = |src: &str, at: Option<&str>| {
        s.evaluate_expression(src, at, &env)
            .map(|v| v.as_string())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        probe("/data/household/name", None),
        Ok("Popescu".to_owned())
    );
    assert_eq!(
        probe("../name", Some("member[1]/head")),
        Ok("Ion".to_owned())
    );
    assert_eq!(probe("name", Some("member[1]/head")), Ok(String::new()));
    assert_eq!(
        probe("${name}", None),
        Err("${name} at position 0 is ambiguous: 3 fields are called `name` (name, household/name, member/name); write a path such as `/data/name`".to_owned())
    );
    let back = FormState::from_response(form, &response, &env).expect("loads");
    assert_eq!(value(&back, "name"), "Ana");
    assert_eq!(value(&back, "household/name"), "Popescu");
    assert_eq!(value(&back, "member[1]/name"), "Ion");
    assert_eq!(value(&back, "member[1]/greeting"), "Ion of Popescu");
}

#[wasm_bindgen_test(unsupported = test)]
fn an_ambiguous_reference_is_a_located_error() {
    let mut items = reused_names();
    if let Some(list) = items.as_array_mut() {
        list.push(q(
            "bad",
            "text",
            json!({ "relevant": "${name} != ''", "label": { "en": "Hi ${name}" } }),
        ));
    }
    let errs = errors(items, json!({}));
    assert_eq!(
        errs,
        vec![
            "field `bad`, relevant: ${name} at position 0 is ambiguous: 3 fields are called `name` (name, household/name, member/name); use a name that is unique in the form, or a path such as `/data/name`",
            "field `bad`, label (en): ${name} is ambiguous: 3 fields are called `name` (name, household/name, member/name)",
        ]
    );
    let mut f = crate::testing::form(reused_names(), json!({}));
    f.settings.instance_name = Some("concat('x', ${name})".to_owned());
    let errs: Vec<String> = compile(&f)
        .err()
        .unwrap_or_default()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errs,
        vec![
            "settings, instance_name: ${name} at position 12 is ambiguous: 3 fields are called `name` (name, household/name, member/name)"
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn duplicates_among_siblings_and_repeat_names_stay_errors() {
    let errs = errors(
        json!([
            { "kind": "group", "name": "g", "items": [
                q("a", "text", json!({})),
                q("a", "text", json!({})),
            ]},
            { "kind": "repeat", "name": "r", "items": [] },
            { "kind": "group", "name": "h", "items": [
                { "kind": "repeat", "name": "r", "items": [] },
            ]},
        ]),
        json!({}),
    );
    assert_eq!(
        errs,
        vec![
            "field `g/a` is defined more than once",
            "repeat `h/r`: another repeat has the same name; repeat names must be unique in the form",
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_bare_name_or_path_to_nothing_is_empty_with_a_warning() {
    use crate::env::FixedEnvironment;
    use crate::state::FormState;
    let form = compiled(
        json!([
            q("a", "integer", json!({})),
            q("x", "integer", json!({})),
            q(
                "c",
                "calculate",
                json!({ "calculation": "if(${a} > 1, ${x} * 30, null)" })
            ),
            q(
                "d",
                "calculate",
                json!({ "calculation": "concat('[', /data/nowhere/x, ']')" })
            ),
            q("e", "calculate", json!({ "calculation": "x + 1" })),
        ]),
        json!({}),
    );
    let warnings: Vec<String> = form.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        vec![
            "field `c`, calculation: `null` at position 24 names no field; it evaluates as empty, as in ODK",
        ]
    );
    let env = FixedEnvironment::default();
    let mut s = FormState::new(form, &env);
    s.set("a", "0", &env).expect("a");
    s.set("x", "2", &env).expect("x");
    let value = |s: &FormState, p: &str| s.value(s.node(p).expect(p)).to_owned();
    assert_eq!(value(&s, "c"), "");
    s.set("a", "5", &env).expect("a");
    assert_eq!(value(&s, "c"), "60");
    // `/data/nowhere/x` ends in a name only one field has: that field, as
    // Fieldform has always read paths; a bare name that names a field
    // reads it.
    assert_eq!(value(&s, "d"), "[2]");
    assert_eq!(value(&s, "e"), "3");
}

#[wasm_bindgen_test(unsupported = test)]
fn a_bare_name_that_is_no_column_in_a_choice_filter_is_empty_with_a_warning() {
    use crate::env::FixedEnvironment;
    use crate::state::FormState;
    let choices = json!({
        "yn": [
            { "name": "yes", "label": { "en": "Yes" } },
            { "name": "no", "label": { "en": "No" } },
        ],
        "things": [
            { "name": "t1", "label": { "en": "T1" }, "properties": { "kind": "" } },
            { "name": "t2", "label": { "en": "T2" }, "properties": { "kind": "x" } },
        ],
    });
    let form = compiled(
        json!([
            q("q", "select_one", json!({ "choices": "yn" })),
            q(
                "t",
                "select_one",
                json!({ "choices": "things", "choice_filter": "${q} = yes or kind = 'x'" })
            ),
            q(
                "u",
                "select_one",
                json!({ "choices": "things", "choice_filter": "kinf = ''" })
            ),
        ]),
        choices,
    );
    let warnings: Vec<String> = form
        .warnings
        .iter()
        .map(ToString::to_string)
        .filter(|w| w.contains("choice_filter"))
        .collect();
    assert_eq!(
        warnings,
        vec![
            "field `t`, choice_filter: `yes` at position 7 is not a column of choice list `things`, so it evaluates as empty, as in ODK",
            "field `u`, choice_filter: `kinf` at position 0 is not a column of choice list `things`, so it evaluates as empty, as in ODK; did you mean `kind`?",
        ]
    );
    let env = FixedEnvironment::default();
    let mut s = FormState::new(form, &env);
    let names = |s: &FormState, p: &str| -> Vec<String> {
        s.choices(s.node(p).expect(p))
            .iter()
            .map(|c| c.name.clone())
            .collect()
    };
    // `yes` is empty: `${q} = yes` holds only while `q` is unanswered.
    assert_eq!(names(&s, "t"), vec!["t1", "t2"]);
    s.set("q", "yes", &env).expect("q");
    assert_eq!(names(&s, "t"), vec!["t2"]);
    assert_eq!(names(&s, "u"), vec!["t1", "t2"]);
}

/// pyxform writes a trigger without calculation as a value-less
/// `<setvalue event="xforms-value-changed">`, which ODK reads as "set the
/// target to the empty string": the answer is cleared whenever the
/// trigger changes, and kept otherwise.
#[wasm_bindgen_test(unsupported = test)]
fn a_trigger_without_calculation_clears_its_field_when_the_trigger_changes() {
    use crate::env::FixedEnvironment;
    use crate::state::FormState;
    let form = compiled(
        json!([
            q("a", "text", json!({})),
            q("d", "text", json!({ "trigger": "${a}", "default": "start" })),
            { "kind": "repeat", "name": "r", "items": [
                q("one", "text", json!({})),
                q("two", "integer", json!({ "trigger": "${one}" })),
            ]},
        ]),
        json!({}),
    );
    assert_eq!(form.warnings, vec![]);
    let env = FixedEnvironment::default();
    let mut s = FormState::new(form, &env);
    let value = |s: &FormState, p: &str| s.value(s.node(p).expect(p)).to_owned();
    // Not fired at load: the default stays.
    assert_eq!(value(&s, "d"), "start");
    s.set("d", "typed", &env).expect("d");
    s.set("a", "x", &env).expect("a");
    assert_eq!(value(&s, "d"), "");
    s.set("d", "again", &env).expect("d");
    // Recomputing from stored answers does not fire triggers.
    s.recompute_all(&env);
    assert_eq!(value(&s, "d"), "again");
    s.set("a", "y", &env).expect("a");
    assert_eq!(value(&s, "d"), "");
    // In a repeat, only the instance whose trigger changed is cleared.
    s.add("r", &env).expect("r");
    s.add("r", &env).expect("r");
    s.set("r[1]/two", "1", &env).expect("two");
    s.set("r[2]/two", "2", &env).expect("two");
    s.set("r[2]/one", "z", &env).expect("one");
    assert_eq!(value(&s, "r[1]/two"), "1");
    assert_eq!(value(&s, "r[2]/two"), "");
}

/// pyxform reads `trigger` as a comma-separated list of `${name}`, and a
/// name several fields share as each of them (its `setvalue` is put on each
/// field named): the calculation reruns when any of them changes, and not
/// when a field it only reads changes.
#[wasm_bindgen_test(unsupported = test)]
fn a_trigger_naming_several_fields_fires_on_each() {
    use crate::env::FixedEnvironment;
    use crate::state::FormState;
    let form = compiled(
        json!([
            q("a", "text", json!({})),
            q("b", "text", json!({})),
            q("c", "text", json!({})),
            q("t", "text", json!({
                "calculation": "concat(${a}, ${b}, ${c})",
                "trigger": "${a}, ${b}"
            })),
            { "kind": "group", "name": "g1", "items": [q("age", "integer", json!({}))] },
            { "kind": "group", "name": "g2", "items": [q("age", "integer", json!({}))] },
            q("u", "integer", json!({ "calculation": "1", "trigger": "${age}" })),
        ]),
        json!({}),
    );
    assert_eq!(form.warnings, vec![]);
    let trigger_names = |field: &str| {
        let f = form.fields.iter().find(|f| f.name == field).expect(field);
        f.props
            .trigger
            .iter()
            .map(|&t| form.path_of(t))
            .collect::<Vec<_>>()
    };
    assert_eq!(trigger_names("t"), vec!["a", "b"]);
    assert_eq!(trigger_names("u"), vec!["g1/age", "g2/age"]);
    let env = FixedEnvironment::default();
    let mut s = FormState::new(form.clone(), &env);
    let value = |s: &FormState, p: &str| s.value(s.node(p).expect(p)).to_owned();
    assert_eq!(value(&s, "t"), "");
    s.set("a", "1", &env).expect("a");
    assert_eq!(value(&s, "t"), "1");
    // `c` is read, not a trigger: nothing reruns.
    s.set("c", "3", &env).expect("c");
    assert_eq!(value(&s, "t"), "1");
    s.set("b", "2", &env).expect("b");
    assert_eq!(value(&s, "t"), "123");
    s.set("t", "typed", &env).expect("t");
    s.set("c", "4", &env).expect("c");
    assert_eq!(value(&s, "t"), "typed");
    s.set("a", "5", &env).expect("a");
    assert_eq!(value(&s, "t"), "524");
    // Each field of a shared name fires.
    assert_eq!(value(&s, "u"), "");
    s.set("g2/age", "7", &env).expect("g2/age");
    assert_eq!(value(&s, "u"), "1");
    s.set("u", "9", &env).expect("u");
    s.set("g1/age", "7", &env).expect("g1/age");
    assert_eq!(value(&s, "u"), "1");
}

#[wasm_bindgen_test(unsupported = test)]
fn each_name_of_a_trigger_list_must_be_a_field() {
    let errs = errors(
        json!([
            q("age", "integer", json!({})),
            q(
                "t",
                "calculate",
                json!({ "calculation": "1", "trigger": "${age}, ${agee}" })
            ),
        ]),
        json!({}),
    );
    assert_eq!(
        errs,
        vec!["field `t`, trigger: `agee` is not a field; did you mean `age`?"]
    );
}
