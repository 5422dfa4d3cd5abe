//! The generated workload shared by the native benchmark (criterion) and
//! the browser benchmark (`tests/browser_bench.rs`): forms with blocks of six
//! questions (a relevance chain, a calculation, constraints) and a roster
//! whose rows have calculations, relevance and `position(..)`, summed
//! outside the roster.

use std::sync::Arc;

use fieldform_engine::compile::compile;
use fieldform_engine::env::FixedEnvironment;
use fieldform_engine::model::{
    Choice, Condition, Form, Item, Language, Question, QuestionType, Repeat, Settings, Text,
};
use fieldform_engine::state::{FormState, NodeRef};
use fieldform_engine::{Attachments, compile_with};

/// (questions, roster rows), as in the engine issue.
pub const SIZES: [(usize, usize); 3] = [(200, 10), (1000, 50), (3000, 100)];
const BLOCK: usize = 6;
const ROSTER_FIELDS: usize = 5;

fn question(name: &str, kind: QuestionType) -> Question {
    let mut q = Question::new(name, kind);
    q.label = Text::new("en", name);
    q
}

fn block(i: usize) -> Vec<Item> {
    let n = |s: &str| format!("b{i}_{s}");
    let mut a = question(&n("a"), QuestionType::Integer);
    a.constraint = Some(". >= 0 and . < 1000".into());
    let mut b = question(&n("b"), QuestionType::Calculate);
    b.calculation = Some(format!("${{{}}} * 2", n("a")));
    let mut c = question(&n("c"), QuestionType::Text);
    c.relevant = Some(format!("${{{}}} > 10", n("b")));
    let mut d = question(&n("d"), QuestionType::SelectOne);
    d.choices = Some("yes_no".into());
    d.relevant = Some(format!("${{{}}} != ''", n("a")));
    d.required = Some(Condition::Const(true));
    let mut e = question(&n("e"), QuestionType::Integer);
    e.relevant = Some(format!(
        "selected(${{{}}}, 'yes') and ${{{}}} != ''",
        n("d"),
        n("c")
    ));
    e.constraint = Some(format!(". <= ${{{}}}", n("a")));
    let mut f = question(&n("f"), QuestionType::Calculate);
    f.calculation = Some(format!(
        "if(${{{e}}} > 0, ${{{e}}} + ${{{b}}}, 0)",
        e = n("e"),
        b = n("b")
    ));
    [a, b, c, d, e, f].into_iter().map(Item::Question).collect()
}

fn roster(fields: usize) -> Item {
    let mut items = Vec::new();
    for k in 0..fields.div_ceil(ROSTER_FIELDS) {
        let n = |s: &str| format!("m{k}_{s}");
        let age = question(&n("age"), QuestionType::Integer);
        let mut adult = question(&n("adult"), QuestionType::Calculate);
        adult.calculation = Some(format!("if(${{{}}} >= 18, 1, 0)", n("age")));
        let mut work = question(&n("work"), QuestionType::SelectOne);
        work.choices = Some("yes_no".into());
        work.relevant = Some(format!("${{{}}} >= 15", n("age")));
        let mut name = question(&n("name"), QuestionType::Text);
        name.constraint = Some("string-length(.) <= 40".into());
        let mut pos = question(&n("pos"), QuestionType::Calculate);
        pos.calculation = Some("position(..)".into());
        items.extend([age, adult, work, name, pos].map(Item::Question));
    }
    Item::Repeat(Repeat {
        name: "members".into(),
        label: Text::new("en", "Members"),
        relevant: None,
        appearance: None,
        repeat_count: None,
        min_instances: None,
        max_instances: None,
        items,
    })
}

/// A form of about `questions` questions, a tenth of them in the roster.
pub fn generate(questions: usize) -> Form {
    let roster_fields = (questions / 10).max(ROSTER_FIELDS);
    let blocks = (questions - roster_fields) / BLOCK;
    let mut items: Vec<Item> = (0..blocks).flat_map(block).collect();
    items.push(roster(roster_fields));
    let mut adults = question("adults", QuestionType::Calculate);
    adults.calculation = Some("sum(${m0_adult})".into());
    let mut total_age = question("total_age", QuestionType::Calculate);
    total_age.calculation = Some("sum(${m0_age})".into());
    items.extend([adults, total_age].map(Item::Question));
    let yes_no = ["yes", "no"]
        .map(|v| Choice {
            name: v.into(),
            label: Text::new("en", v),
            properties: Default::default(),
        })
        .to_vec();
    Form {
        format: fieldform_engine::model::FORMAT_VERSION,
        id: format!("bench_{questions}"),
        version: "1".into(),
        title: Text::new("en", "Benchmark"),
        languages: vec![Language {
            code: "en".into(),
            name: "English".into(),
            rtl: false,
        }],
        default_language: "en".into(),
        settings: Settings::default(),
        choices: [("yes_no".to_owned(), yes_no)].into_iter().collect(),
        external_choices: Default::default(),
        external_instances: Default::default(),
        items,
    }
}

/// A state with `rows` roster rows, every question answered.
pub fn filled(form: &Form, rows: usize, env: &FixedEnvironment) -> FormState {
    let compiled = Arc::new(compile(form).unwrap_or_else(|e| panic!("generated form: {e:?}")));
    let mut state = FormState::new(compiled, env);
    for _ in 0..rows {
        state.add("members", env).expect("add row");
    }
    state
}

/// A top-level integer in the middle of the form, whose block has a relevance
/// chain and calculations (its select answered, so the chain is live).
pub fn top_level_node(questions: usize, state: &mut FormState, env: &FixedEnvironment) -> NodeRef {
    let mid = (questions / 10 * 9 / BLOCK) / 2;
    let select = state.node(&format!("b{mid}_d")).expect("select");
    state.set_value(select, "yes", env).expect("set");
    state.node(&format!("b{mid}_a")).expect("field")
}

/// An age in the middle row of the roster, summed outside it.
pub fn roster_node(rows: usize, state: &FormState) -> NodeRef {
    state
        .node(&format!("members[{}]/m0_age", rows / 2))
        .expect("field")
}

/// Values to alternate between, so every edit really changes something.
pub const TOP_LEVEL_VALUES: [&str; 2] = ["3", "7"];
pub const ROSTER_VALUES: [&str; 2] = ["12", "40"];

/// Rows of the large external choice list: states × districts × villages.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // native benchmark only
pub const VILLAGES: (usize, usize, usize) = (20, 40, 50);

/// The filter the index answers, and the same tests written so that they
/// cannot be indexed (not a conjunction: every row is evaluated), for the
/// ratio.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // native benchmark only
pub const FILTER_INDEXED: &str = "state=${state} and district=${district}";
#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // native benchmark only
pub const FILTER_SCANNED: &str = "(state=${state} and district=${district}) or false()";

/// The 40,000-row `villages.csv`: name, label, state, district.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // native benchmark only
pub fn villages_csv() -> String {
    let (states, districts, villages) = VILLAGES;
    let mut csv = String::from("name,label,state,district\n");
    for s in 0..states {
        for d in 0..districts {
            for v in 0..villages {
                csv.push_str(&format!("v{s}_{d}_{v},Village {v},s{s},d{s}_{d}\n"));
            }
        }
    }
    csv
}

/// A form whose village select takes its choices from a 40,000-row CSV
/// (`villages.csv`), filtered by two earlier answers with `filter`.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // native benchmark only
pub fn villages_form(filter: &str) -> (Form, Attachments) {
    let csv = villages_csv();
    let mut attachments = Attachments::new();
    attachments
        .add("villages.csv", csv.as_bytes())
        .unwrap_or_else(|e| panic!("generated CSV: {e}"));
    let mut village = question("village", QuestionType::SelectOne);
    village.choices_file = Some("villages.csv".into());
    village.choice_filter = Some(filter.into());
    let mut form = generate(SIZES[0].0);
    form.id = "bench_villages".into();
    form.items.extend(
        [
            question("state", QuestionType::Text),
            question("district", QuestionType::Text),
            village,
        ]
        .map(Item::Question),
    );
    (form, attachments)
}

/// The villages form compiled, a state chosen; the node to edit is `district`.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // native benchmark only
pub fn villages_state(filter: &str, env: &FixedEnvironment) -> (FormState, NodeRef) {
    let (form, attachments) = villages_form(filter);
    let compiled = compile_with(&form, &attachments).unwrap_or_else(|e| panic!("villages: {e:?}"));
    let mut state = FormState::new(Arc::new(compiled), env);
    state.set("state", "s7", env).expect("set state");
    let node = state.node("district").expect("district");
    (state, node)
}

/// Two districts of state `s7`, 50 villages each.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))] // native benchmark only
pub const DISTRICT_VALUES: [&str; 2] = ["d7_3", "d7_31"];
