//! What compiling a form with attachments adds: the files it needs (each
//! present, of a known kind, its instance id unique), the choice lists of
//! `select_*_from_file` and `select_one_external` questions, and a check
//! that every `instance('x')` names something.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Attachments, Dataset, Kind, instance_id, kind_of};
use crate::compile::{Compiled, Cond, DefaultValue, Field, ListRows, LoadError, Property};
use crate::model::{Condition, Form, Item, Question};

/// The result of [`prepare`].
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    /// The form with each file or external select pointing at its list
    /// (`Question::choices`); `None` when nothing changed.
    pub form: Option<Form>,
    /// Choice lists to add to the form's, by name.
    pub lists: Vec<(String, ListRows)>,
    /// Attached files by instance id.
    pub datasets: HashMap<String, Arc<Dataset>>,
}

pub(crate) fn prepare(
    form: &Form,
    attachments: &Attachments,
    errors: &mut Vec<LoadError>,
) -> Prepared {
    let mut out = Prepared::default();
    let mut files_by_id: HashMap<String, String> = HashMap::new();
    for file in form.attachment_names() {
        let fail = |problem: String| LoadError::Attachment {
            file: file.clone(),
            problem,
        };
        if kind_of(&file).is_none() {
            errors.push(fail(
                "only .csv, .xml and .geojson files can be used as form data".into(),
            ));
            continue;
        }
        let id = instance_id(&file).to_owned();
        if let Some(other) = files_by_id.insert(id.clone(), file.clone()) {
            errors.push(fail(format!(
                "its instance name `{id}` is also that of `{other}`; instance names must be unique in a form"
            )));
            continue;
        }
        if form.choices.contains_key(&id) {
            errors.push(fail(format!(
                "its instance name `{id}` is also the name of a choice list; instance names must be unique in a form"
            )));
            continue;
        }
        match attachments.get(&file) {
            Some(d) => {
                out.datasets.insert(id, d.clone());
            }
            None => errors.push(LoadError::MissingAttachment { file: file.clone() }),
        }
    }
    let needs_rewrite = form.walk().any(|i| match i {
        Item::Question(q) => q.choices_file.is_some() || q.external,
        _ => false,
    });
    if needs_rewrite {
        let mut rewritten = form.clone();
        let langs: Vec<String> = form.languages.iter().map(|l| l.code.clone()).collect();
        let mut cx = Lists {
            form,
            datasets: &out.datasets,
            langs: &langs,
            lists: &mut out.lists,
            errors,
        };
        cx.items(&mut rewritten.items);
        out.form = Some(rewritten);
    }
    out
}

struct Lists<'a> {
    form: &'a Form,
    datasets: &'a HashMap<String, Arc<Dataset>>,
    langs: &'a [String],
    lists: &'a mut Vec<(String, ListRows)>,
    errors: &'a mut Vec<LoadError>,
}

impl Lists<'_> {
    fn items(&mut self, items: &mut [Item]) {
        for item in items {
            match item {
                Item::Question(q) => self.question(q),
                Item::Group(g) => self.items(&mut g.items),
                Item::Repeat(r) => self.items(&mut r.items),
            }
        }
    }

    fn question(&mut self, q: &mut Question) {
        self.resolve(q);
        // Its list could not be made (and that was reported): a filter
        // over it could only add knock-on errors.
        let missing_file = q
            .choices_file
            .as_deref()
            .is_some_and(|f| !self.datasets.contains_key(instance_id(f)));
        if (q.choices_file.is_some() || q.external) && q.choices.is_none() || missing_file {
            q.choice_filter = None;
        }
    }

    fn resolve(&mut self, q: &mut Question) {
        if let Some(file) = &q.choices_file {
            let multiple = q.kind == crate::model::QuestionType::SelectMultiple;
            q.choices = self.file_list(&q.name, file, &q.parameters, multiple);
        } else if q.external
            && let Some(list) = &q.choices
        {
            q.choices = if self.form.external_choices.contains_key(list) {
                // Its own name, unless the choices sheet has a list so named.
                let key = if self.form.choices.contains_key(list) {
                    format!("{list} (external_choices)")
                } else {
                    list.clone()
                };
                // Read from the form's sheet, not copied (see `ListRows`).
                self.add(&key, || ListRows::External(list.clone()));
                Some(key)
            } else {
                self.errors.push(LoadError::MissingChoiceList {
                    field: q.name.clone(),
                    list: format!("{list} (external_choices)"),
                });
                None
            };
        }
    }

    fn add(&mut self, key: &str, make: impl FnOnce() -> ListRows) {
        if !self.lists.iter().any(|(k, _)| k == key) {
            self.lists.push((key.to_owned(), make()));
        }
    }

    /// The list of a `select_*_from_file` question, by a name saying where
    /// it comes from (`villages.csv`, or `villages.csv (value=code)`).
    fn file_list(
        &mut self,
        field: &str,
        file: &str,
        params: &std::collections::BTreeMap<String, String>,
        multiple: bool,
    ) -> Option<String> {
        let Some(d) = self.datasets.get(instance_id(file)) else {
            // A missing or refused file was reported already. An empty list
            // stands in, so that checking a form without its files (`fieldform
            // form check`) adds no knock-on warnings.
            self.add(file, || ListRows::Built(Arc::default()));
            return Some(file.to_owned());
        };
        let geo = kind_of(file) == Some(Kind::GeoJson);
        let (value_default, label_default) = if geo {
            ("id", "title")
        } else {
            ("name", "label")
        };
        let value = params.get("value").map_or(value_default, String::as_str);
        let label = params.get("label").map_or(label_default, String::as_str);
        let mut ok = true;
        for (role, column, default) in [
            ("value", value, !params.contains_key("value")),
            ("label", label, !params.contains_key("label")),
        ] {
            // Features without a title are common: their label is empty.
            let optional = geo && role == "label" && default;
            if !d.has_column(column) && !optional {
                self.errors.push(LoadError::FileColumn {
                    field: field.to_owned(),
                    file: file.to_owned(),
                    column: column.to_owned(),
                    role,
                    columns: d.columns().to_vec(),
                    default,
                });
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        // A select_multiple answer is its values separated by spaces.
        if multiple
            && let Some(row) =
                (0..d.len()).find(|&r| d.cell(r, value).is_some_and(|v| v.contains(' ')))
        {
            self.errors.push(LoadError::Attachment {
                file: file.to_owned(),
                problem: format!(
                    "item {}: value `{}` contains a space, which the select_multiple `{field}` cannot store",
                    row + 1,
                    d.cell(row, value).unwrap_or_default()
                ),
            });
            return None;
        }
        let key = if params.contains_key("value") || params.contains_key("label") {
            format!("{file} (value={value}, label={label})")
        } else {
            file.to_owned()
        };
        let langs = self.langs;
        self.add(&key, || {
            ListRows::Built(d.choices(value, label, langs).into())
        });
        Some(key)
    }
}

/// The expression texts of an item (those that may call `pulldata`).
pub(crate) fn expression_sources(item: &Item) -> Vec<&str> {
    fn cond(c: &Option<Condition>) -> Option<&str> {
        match c {
            Some(Condition::Expr(e)) => Some(e.as_str()),
            _ => None,
        }
    }
    match item {
        Item::Question(q) => [
            q.relevant.as_deref(),
            q.constraint.as_deref(),
            q.calculation.as_deref(),
            q.default.as_deref(),
            q.choice_filter.as_deref(),
            cond(&q.required),
            cond(&q.read_only),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Item::Group(g) => g.relevant.as_deref().into_iter().collect(),
        Item::Repeat(r) => [r.relevant.as_deref(), r.repeat_count.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
    }
}

/// Every `instance('x')` and `pulldata('x', ...)` of the compiled
/// expressions must name an attached file or a choice list.
/// Each `instance('x')/root/item/column` of `expr` whose element names or
/// column the instance does not have (unknown instances are reported
/// elsewhere).
fn check_paths(
    expr: &crate::expr::Expr,
    datasets: &HashMap<String, Arc<Dataset>>,
    form: &Form,
    report: &mut dyn FnMut(String, usize, String),
) {
    expr.visit(&mut |e| {
        // `pulldata('file', 'column', 'lookup_column', value)`: both columns.
        if let crate::expr::ExprKind::Call {
            func: crate::expr::Func::Pulldata,
            args,
        } = &e.kind
        {
            let literal = |i: usize| match args.get(i).map(|a| &a.kind) {
                Some(crate::expr::ExprKind::String(s)) => Some(s.trim()),
                _ => None,
            };
            if let Some(d) = literal(0).and_then(|id| datasets.get(id)) {
                for column in [literal(1), literal(2)].into_iter().flatten() {
                    if !d.has_column(column) {
                        report(
                            instance_id(d.file()).to_owned(),
                            e.span.start,
                            format!(
                                "it has no column `{column}` (its columns: {})",
                                d.columns().join(", ")
                            ),
                        );
                    }
                }
            }
            return;
        }
        let crate::expr::ExprKind::Instance(p) = &e.kind else {
            return;
        };
        let Some((root, item)) = &p.steps else {
            return;
        };
        let (path, columns): ((&str, &str), Vec<&str>) = if let Some(d) = datasets.get(&p.id) {
            (
                (&d.root, &d.item),
                d.columns().iter().map(String::as_str).collect(),
            )
        } else if let Some(list) = form.choices.get(&p.id) {
            let mut cols = vec!["name", "label"];
            for c in list {
                cols.extend(c.properties.keys().map(String::as_str));
            }
            crate::sort::sort(&mut cols);
            cols.dedup();
            (("root", "item"), cols)
        } else {
            return;
        };
        if path != (root.as_str(), item.as_str()) {
            report(
                p.id.clone(),
                e.span.start,
                format!(
                    "its items are `/{}/{}`, not `/{root}/{item}`",
                    path.0, path.1
                ),
            );
        } else if let Some(c) = &p.column
            && !columns.contains(&c.as_str())
        {
            report(
                p.id.clone(),
                e.span.start,
                format!(
                    "it has no column `{c}` (its columns: {})",
                    columns.join(", ")
                ),
            );
        }
    });
}

fn compiled_mut(p: &mut crate::compile::Props, property: Property) -> Option<&mut Compiled> {
    fn cond(c: &mut Cond) -> Option<&mut Compiled> {
        match c {
            Cond::Expr(c) => Some(c),
            Cond::Const(_) => None,
        }
    }
    match property {
        Property::Relevant => p.relevant.as_mut(),
        Property::Required => cond(&mut p.required),
        Property::ReadOnly => cond(&mut p.read_only),
        Property::Constraint => p.constraint.as_mut(),
        Property::Calculation => p.calculation.as_mut(),
        Property::Default => match &mut p.default {
            Some(DefaultValue::Expr(c)) => Some(c),
            _ => None,
        },
        Property::ChoiceFilter => p.choice_filter.as_mut(),
        Property::RepeatCount => p.repeat_count.as_mut(),
        _ => None,
    }
}

fn cond(c: &Cond) -> Option<&Compiled> {
    match c {
        Cond::Expr(c) => Some(c),
        Cond::Const(_) => None,
    }
}

/// Also marks the expressions reading a choice list through `instance()`
/// as depending on the language (labels are translated).
pub(crate) fn check_instances(
    fields: &mut [Field],
    datasets: &HashMap<String, Arc<Dataset>>,
    form: &Form,
    errors: &mut Vec<LoadError>,
) {
    // A declared file that is missing was reported as such.
    let declared: Vec<String> = form
        .attachment_names()
        .iter()
        .map(|f| instance_id(f).to_owned())
        .collect();
    for f in fields.iter_mut() {
        let p = &f.props;
        let default = match &p.default {
            Some(DefaultValue::Expr(c)) => Some(c),
            _ => None,
        };
        let all = [
            (Property::Relevant, p.relevant.as_ref()),
            (Property::Required, cond(&p.required)),
            (Property::ReadOnly, cond(&p.read_only)),
            (Property::Constraint, p.constraint.as_ref()),
            (Property::Calculation, p.calculation.as_ref()),
            (Property::Default, default),
            (Property::ChoiceFilter, p.choice_filter.as_ref()),
            (Property::RepeatCount, p.repeat_count.as_ref()),
        ];
        let mut labels = Vec::new();
        for (property, compiled) in all {
            let Some(c) = compiled else { continue };
            check_paths(&c.expr, datasets, form, &mut |name, position, problem| {
                errors.push(LoadError::InstancePath {
                    field: f.name.clone(),
                    property,
                    name,
                    position,
                    problem,
                });
            });
            for (name, span) in c.expr.analyze().instances {
                if form.choices.contains_key(&name) {
                    labels.push(property);
                } else if !datasets.contains_key(&name) && !declared.contains(&name) {
                    errors.push(LoadError::UnknownInstance {
                        field: f.name.clone(),
                        property,
                        name,
                        position: span.start,
                    });
                }
            }
        }
        for property in labels {
            if let Some(c) = compiled_mut(&mut f.props, property) {
                c.uses_language = true;
            }
        }
    }
}
