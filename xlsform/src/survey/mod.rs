//! The `survey` sheet: rows become questions, nested in groups and repeats.

mod cells;
mod defaults;
mod disabled;
mod loops;
mod malformed;
mod names;
mod parameters;
mod trigger;
mod typeless;

use std::collections::{BTreeMap, HashMap};

use fieldform_engine::compile::specify_name;
use fieldform_engine::model::{Group, Item, Question, QuestionType, Repeat, Text};

use crate::columns::{Column, Table, is_media};
use crate::errors::{Diagnostics, Location, did_you_mean};
use crate::expressions::{CellKind, ExprCell};
use crate::languages::Languages;
use crate::reference_syntax::first_malformed;
use crate::types::{RowType, parse_type};
use cells::Cells;
pub use disabled::{check_skipped, split_disabled};
pub use names::check_root_name;
use names::{Names, check_name, note_name};
use parameters::{check_randomize, parse_parameters};

pub const SHEET: &str = "survey";

/// pyxform's header aliases of the survey sheet (`aliases.survey_header`)
/// that are not read on every sheet.
pub const ALIASES: &[(&str, &str)] = &[("command", "type"), ("tag", "name"), ("value", "name")];

/// Every column this importer reads on the survey sheet.
const KNOWN: &[&str] = &[
    "type",
    "name",
    "label",
    "hint",
    "guidance_hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
    "default",
    "read_only",
    "appearance",
    "parameters",
    "choice_filter",
    "repeat_count",
    "trigger",
    // Fieldform's own columns for `Repeat::min_instances`/`max_instances`.
    "min_instances",
    "max_instances",
];

/// The survey as items, plus what the later checks need.
#[derive(Debug, Default)]
pub struct Survey {
    pub items: Vec<Item>,
    /// Every field, group and repeat name, with the rows it is on (several:
    /// fields in different groups, which `${name}` cannot tell apart).
    pub names: HashMap<String, Vec<usize>>,
    /// Expression cells, checked once every name is known.
    pub expressions: Vec<ExprCell>,
    /// Files attached by `csv-external` / `xml-external` rows.
    pub external_instances: std::collections::BTreeSet<String>,
    /// Where each question's choice_filter is written, so that what only
    /// the compiler finds in it (a name that is no column of an attached
    /// file) can be shown on its cell.
    pub filters: Vec<FilterCell>,
}

/// The choice_filter cell of one question.
#[derive(Debug, Clone)]
pub struct FilterCell {
    /// The question's path, `group/repeat/name`, as the compiler names it.
    pub path: String,
    /// The same path without groups: the form's path under `flat`.
    pub flat_path: String,
    pub location: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Group,
    Repeat,
}

impl Block {
    fn word(self) -> &'static str {
        match self {
            Block::Group => "group",
            Block::Repeat => "repeat",
        }
    }
}

/// A `begin group`/`begin repeat` not yet closed.
struct Open {
    block: Block,
    row: usize,
    /// Tells blocks apart for name uniqueness: a loop's copies share a row.
    scope: usize,
    item: Item,
    items: Vec<Item>,
}

/// The first select question of each choice list, for expression repairs.
fn selects_by_list(
    table: &Table<'_>,
    type_col: &Column,
    name_col: Option<&Column>,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for row in table.rows {
        if let Ok(RowType::Question {
            list: Some(list), ..
        }) = parse_type(row.cell(type_col.index))
        {
            let name = name_col.map_or("", |c| row.cell(c.index));
            if !name.is_empty() {
                out.entry(list).or_insert_with(|| name.to_owned());
            }
        }
    }
    out
}

pub fn read(
    table: &Table<'_>,
    langs: &Languages,
    lists: &BTreeMap<String, Vec<fieldform_engine::model::Choice>>,
    external: &BTreeMap<String, Vec<fieldform_engine::model::Choice>>,
    diag: &mut Diagnostics,
) -> Survey {
    let mut survey = Survey::default();
    table.check_duplicates(SHEET, diag);
    warn_about_columns(table, diag);
    malformed::check(table, diag);
    let Some(type_col) = table.column("type") else {
        diag.error(Location::sheet(SHEET), "no `type` column");
        return survey;
    };
    let name_col = table.column("name");
    if name_col.is_none() {
        diag.error(Location::sheet(SHEET), "no `name` column");
    }
    typeless::check(table, type_col, name_col, diag);
    trigger::check(table, type_col, name_col, diag);
    let before = (diag.errors.len(), diag.warnings.len());
    let expanded = loops::expand(table, langs, lists, diag);
    let expanded_table;
    let table = match &expanded {
        Some(rows) => {
            expanded_table = Table {
                columns: table.columns.clone(),
                rows,
            };
            &expanded_table
        }
        None => table,
    };
    let selects = selects_by_list(table, type_col, name_col);
    let mut stack: Vec<Open> = Vec::new();
    let mut scopes = 0usize;
    let mut root: Vec<Item> = Vec::new();
    let mut exprs = Vec::new();
    let mut other_answers: Vec<(String, usize)> = Vec::new();
    let mut names = Names::default();
    for row in table.rows {
        let ty = row.cell(type_col.index);
        let written = name_col.map_or("", |c| row.cell(c.index));
        let type_loc = Location::cell(SHEET, row.number, &type_col.header);
        if ty.is_empty() {
            // Refused or skipped by `typeless`, before loops are expanded.
            continue;
        }
        let row_type = match parse_type(ty) {
            Ok(t) => t,
            Err(e) => {
                diag.error(type_loc, e.to_string());
                continue;
            }
        };
        // End rows need no name; everything else does.
        let needs_name = !matches!(
            row_type,
            RowType::EndGroup
                | RowType::EndRepeat
                | RowType::Skipped { .. }
                | RowType::Attach { .. }
        );
        let name_loc = Location::cell(
            SHEET,
            row.number,
            name_col.map_or("name", |c| c.header.as_str()),
        );
        let name = if !needs_name {
            written.to_owned()
        } else if written.is_empty()
            && matches!(
                row_type,
                RowType::Question {
                    kind: QuestionType::Note,
                    ..
                }
            )
        {
            // pyxform names a note without a name after its row.
            let name = note_name(row.number);
            names.rows.entry(name.clone()).or_default().push(row.number);
            name
        } else if written.is_empty() {
            diag.error(name_loc.clone(), format!("`{ty}` needs a name"));
            String::new()
        } else {
            let parent_row = stack.last().map_or(0, |o| o.scope);
            let is_repeat = row_type == RowType::BeginRepeat;
            check_name(
                &mut names,
                written,
                row.number,
                parent_row,
                is_repeat,
                name_loc.clone(),
                diag,
            )
        };
        let name = name.as_str();
        let mut cells = Cells {
            table,
            row,
            langs,
            selects: &selects,
            exprs: &mut exprs,
            diag,
            hidden: matches!(row_type, RowType::Hidden { .. }),
        };
        let item = match row_type {
            RowType::BeginGroup | RowType::BeginRepeat => {
                let (block, item) = if row_type == RowType::BeginGroup {
                    (Block::Group, Item::Group(group(&mut cells, name)))
                } else {
                    (Block::Repeat, Item::Repeat(repeat(&mut cells, name)))
                };
                scopes += 1;
                stack.push(Open {
                    block,
                    row: row.number,
                    scope: scopes,
                    item,
                    items: Vec::new(),
                });
                continue;
            }
            RowType::EndGroup | RowType::EndRepeat => {
                let block = if row_type == RowType::EndGroup {
                    Block::Group
                } else {
                    Block::Repeat
                };
                let word = block.word();
                match stack.last() {
                    Some(open) if open.block == block => {
                        if let Some(open) = stack.pop() {
                            close(open, stack.last_mut().map_or(&mut root, |o| &mut o.items));
                        }
                    }
                    Some(open) => diag.error(
                        Location::row(SHEET, row.number),
                        format!(
                            "`end {word}` without a matching `begin {word}` (the `begin {}` on row {} is still open)",
                            open.block.word(),
                            open.row
                        ),
                    ),
                    None => diag.error(
                        Location::row(SHEET, row.number),
                        format!("`end {word}` without a matching `begin {word}`"),
                    ),
                }
                continue;
            }
            RowType::Skipped { original } => {
                diag.warn(
                    type_loc,
                    format!("type `{original}` is not supported; row skipped"),
                );
                continue;
            }
            RowType::Question {
                kind,
                list,
                or_other,
            } => {
                if let Some(list) = &list
                    && !lists.contains_key(list)
                {
                    cells.diag.error(
                        type_loc.clone(),
                        format!(
                            "choice list `{list}` does not exist{}",
                            did_you_mean(list, lists.keys().map(String::as_str))
                        ),
                    );
                }
                // pyxform: "Missing calculation", unless a computed default
                // sets the value instead.
                if ty == "calculate"
                    && cells.get("calculation").is_none()
                    && !cells
                        .get("default")
                        .is_some_and(|(_, d)| defaults::is_dynamic(d, false))
                {
                    let loc = Location::cell(
                        SHEET,
                        row.number,
                        cells
                            .col("calculation")
                            .map_or("calculation", |c| c.header.as_str()),
                    );
                    cells.diag.error(
                        loc,
                        format!("calculate `{name}` has no calculation: write the expression it computes in the calculation column"),
                    );
                }
                let mut q = question(&mut cells, name, kind);
                q.choices = list;
                q.or_other = or_other;
                if or_other {
                    // The engine adds `<name>_other` (see
                    // `fieldform_engine::compile::specify_name`); expressions may use it.
                    other_answers.push((specify_name(name), row.number));
                }
                q
            }
            RowType::Attach { extension } => {
                // The name is the file's, not a field's (pyxform: the instance id).
                if written.is_empty() {
                    diag.error(
                        name_loc.clone(),
                        format!(
                            "`{ty}` needs the file name without `.{extension}` in the name column"
                        ),
                    );
                } else {
                    survey
                        .external_instances
                        .insert(format!("{written}.{extension}"));
                }
                continue;
            }
            RowType::FromFile { kind, file } => {
                let mut q = question(&mut cells, name, kind);
                q.choices_file = Some(file);
                q
            }
            RowType::External { list } => {
                if !external.contains_key(&list) {
                    cells.diag.error(
                        type_loc.clone(),
                        format!(
                            "choice list `{list}` is not on the external_choices sheet{}",
                            did_you_mean(&list, external.keys().map(String::as_str))
                        ),
                    );
                }
                let mut q = question(&mut cells, name, QuestionType::SelectOne);
                q.choices = Some(list);
                q.external = true;
                q
            }
            RowType::Mapped { kind, original } => {
                cells.diag.warn(
                    type_loc,
                    format!(
                        "type `{original}` is not supported; `{name}` is asked as a {} question",
                        crate::types::type_name(kind)
                    ),
                );
                question(&mut cells, name, kind)
            }
            RowType::Hidden { original } => {
                if original != "hidden" {
                    cells.diag.warn(
                        type_loc,
                        format!(
                            "type `{original}` is not supported; `{name}` is kept as an empty hidden field so expressions naming it still work"
                        ),
                    );
                }
                let mut q = question(&mut cells, name, QuestionType::Calculate);
                // Nothing can be entered: a requirement or constraint could only block the form.
                q.required = None;
                q.constraint = None;
                q.read_only = None;
                q.required_message = Text::default();
                q.constraint_message = Text::default();
                q
            }
        };
        if item.choice_filter.is_some()
            && let Some(c) = table.column("choice_filter")
        {
            survey.filters.push(FilterCell {
                path: path_in(&stack, &item.name, |_| true),
                flat_path: path_in(&stack, &item.name, |b| b == Block::Repeat),
                location: Location::cell(SHEET, row.number, &c.header),
            });
        }
        let parent = stack.last_mut().map_or(&mut root, |o| &mut o.items);
        parent.push(Item::Question(item));
    }
    // Unclosed blocks: report where each began, then close them anyway so
    // the remaining checks still see their questions.
    while let Some(open) = stack.pop() {
        let word = open.block.word();
        diag.error(
            Location::row(SHEET, open.row),
            format!("`begin {word}` without a matching `end {word}`"),
        );
        close(open, stack.last_mut().map_or(&mut root, |o| &mut o.items));
    }
    survey.items = root;
    if expanded.is_some() {
        // A loop's copies of a row say the same things about it once each.
        loops::dedupe(diag, before, &mut exprs);
    }
    survey.expressions = exprs;
    for (name, row) in other_answers {
        names.rows.entry(name).or_insert_with(|| vec![row]);
    }
    survey.names = names.rows;
    survey
}

/// `name`'s path inside the open blocks `keep` keeps, joined by `/`.
fn path_in(stack: &[Open], name: &str, keep: impl Fn(Block) -> bool) -> String {
    let mut parts: Vec<&str> = stack
        .iter()
        .filter(|o| keep(o.block))
        .map(|o| o.item.name())
        .collect();
    parts.push(name);
    parts.join("/")
}

fn close(open: Open, parent: &mut Vec<Item>) {
    let mut item = open.item;
    match &mut item {
        Item::Group(g) => g.items = open.items,
        Item::Repeat(r) => r.items = open.items,
        Item::Question(_) => {}
    }
    parent.push(item);
}

fn question(cells: &mut Cells<'_, '_>, name: &str, kind: QuestionType) -> Question {
    let mut q = Question::new(name, kind);
    q.label = cells.translated("label");
    q.hint = cells.translated("hint");
    q.guidance_hint = cells.translated("guidance_hint");
    q.required = cells.condition("required");
    q.required_message = cells.translated("required_message");
    q.relevant = cells.expr("relevant", CellKind::Expression);
    q.constraint = cells.expr("constraint", CellKind::Expression);
    q.constraint_message = cells.translated("constraint_message");
    q.calculation = cells.expr("calculation", CellKind::Expression);
    q.default = cells.expr("default", CellKind::Default);
    q.read_only = cells.condition("read_only");
    q.appearance = cells.text("appearance");
    if let Some((c, v)) = cells.get("trigger") {
        let (loc, text) = (cells.loc(c), v.to_owned());
        q.trigger = trigger::read(&text);
        if q.trigger.is_some() {
            // Its name is checked as a reference, at the cell.
            cells
                .exprs
                .push(ExprCell::new(loc, &text, CellKind::Trigger));
        }
    }
    if let Some((c, v)) = cells.get("parameters") {
        let loc = cells.loc(c);
        match parse_parameters(v) {
            Ok(p) => q.parameters = p,
            Err(e) => cells.diag.error(loc.clone(), e),
        }
        // The app shuffles a select's choices by these (`randomize`).
        if kind.has_choices() {
            match check_randomize(&q.parameters) {
                // A malformed seed was refused with the sheet (`malformed`).
                Ok(Some(seed)) if first_malformed(seed).is_some() => {}
                Ok(Some(seed)) => cells
                    .exprs
                    .push(ExprCell::new(loc, seed, CellKind::Expression)),
                Ok(None) => {}
                Err(e) => cells.diag.error(loc, e),
            }
        }
    }
    if kind.has_choices() {
        q.choice_filter = cells.expr("choice_filter", CellKind::ChoiceFilter);
    } else if let (false, Some((c, _))) = (cells.hidden, cells.get("choice_filter")) {
        let loc = cells.loc(c);
        cells
            .diag
            .warn(loc, "choice_filter on a question without choices; ignored");
    }
    q
}

fn group(cells: &mut Cells<'_, '_>, name: &str) -> Group {
    if let Some((c, _)) = cells.get("repeat_count") {
        let loc = cells.loc(c);
        cells
            .diag
            .warn(loc, "repeat_count on a group (not a repeat); ignored");
    }
    Group {
        name: name.to_owned(),
        label: cells.translated("label"),
        relevant: cells.expr("relevant", CellKind::Expression),
        appearance: cells.text("appearance"),
        items: Vec::new(),
    }
}

fn repeat(cells: &mut Cells<'_, '_>, name: &str) -> Repeat {
    Repeat {
        name: name.to_owned(),
        label: cells.translated("label"),
        relevant: cells.expr("relevant", CellKind::Expression),
        appearance: cells.text("appearance"),
        repeat_count: cells.expr("repeat_count", CellKind::Expression),
        min_instances: cells.count("min_instances"),
        max_instances: cells.count("max_instances"),
        items: Vec::new(),
    }
}

/// One warning per column that holds something this importer ignores.
fn warn_about_columns(table: &Table<'_>, diag: &mut Diagnostics) {
    for c in &table.columns {
        if KNOWN.contains(&c.key.as_str()) || !table.has_content(c) || c.header == disabled::HEADER
        {
            continue;
        }
        let message = if is_media(&c.key) {
            "images, audio and video are not supported yet; ignored".to_owned()
        } else if matches!(c.key.as_str(), "bind" | "body" | "instance") {
            format!("`{}` columns are not supported; ignored", c.key)
        } else {
            let hint = fieldform_engine::expr::suggest(&c.key, KNOWN.iter().copied())
                .map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"));
            format!("unknown column `{}`; ignored{hint}", c.header)
        };
        diag.warn(Location::column(SHEET, &c.header), message);
    }
}
