//! The evaluator. It never fails and never panics: like ODK, problems at run
//! time (a missing answer, text in arithmetic, a bad date) become NaN or an
//! empty string, and only parsing reports errors.

use super::ast::{BinOp, Expr, ExprKind, InstancePath, Step};
use super::date::Parsed;
use super::functions;
use super::functions::Func;
use super::value::Value;
use crate::env::Environment;
use crate::external::Rows;

/// What an expression can see of the form it belongs to.
///
/// The dependency-graph engine implements this for each evaluation point
/// (a field's `relevant`, `constraint`, `calculation`, ...). It is
/// object-safe; the evaluator only ever uses it as `&dyn EvalContext`.
pub trait EvalContext {
    /// The value of field `name` as seen from the evaluation point.
    ///
    /// A single typed value: answered integer/decimal fields as
    /// [`Value::Number`], dates as [`Value::Date`], date-times as
    /// [`Value::DateTime`], everything else (text, selects, geopoints, time)
    /// as [`Value::String`]; unanswered or non-relevant fields as
    /// `Value::String("")`.
    ///
    /// For a field inside a repeat, evaluated from outside that repeat, a
    /// [`Value::Nodeset`] with one member per instance. For a repeat itself
    /// (as in `count(${repeat})`), a node-set with one member per instance.
    /// Evaluating from inside the same repeat instance, the field's value in
    /// that instance (XForms' relative-reference rule); that resolution is
    /// the context's job.
    fn resolve(&self, name: &str) -> Value;

    /// `resolve(name).as_number()` when that value is text or a number
    /// (what comparisons with a number read of it), `None` otherwise (a
    /// date, a boolean, a node-set) or where finding out costs what
    /// `resolve` does. Contexts that store answers as text override it to
    /// parse the answer where it is, without copying it.
    fn resolve_number(&self, name: &str) -> Option<f64> {
        match self.resolve(name) {
            v @ (Value::String(_) | Value::Number(_)) => Some(v.as_number()),
            _ => None,
        }
    }

    /// A bare name such as `region` (a one-step relative path, not
    /// `${region}`). Outside choice filters it means the field, as in
    /// `resolve`; a choice filter's context answers with the column of the
    /// choice row being filtered (`name`, or a key of `Choice::properties`).
    fn resolve_relative(&self, name: &str) -> Value {
        self.resolve(name)
    }

    /// Whether `resolve(name) = ''` holds, when that value is a single
    /// text, number or date (`None` for a boolean or a node-set): only the
    /// empty text equals `''`. Contexts that store answers as text
    /// override it to look at the answer where it is.
    fn resolve_is_empty_text(&self, name: &str) -> Option<bool> {
        match self.resolve(name) {
            Value::String(s) => Some(s.is_empty()),
            Value::Number(_) | Value::Date(_) | Value::DateTime { .. } => Some(false),
            Value::Bool(_) | Value::Nodeset(_) => None,
        }
    }

    /// `.`: the value of the node the expression belongs to (used by
    /// constraints, `once()`, argument-less `string-length()`).
    fn current(&self) -> Value;

    /// `current().as_number()` when that value is text or a number, as
    /// [`EvalContext::resolve_number`] (a constraint's `. >= 0`).
    fn current_number(&self) -> Option<f64> {
        match self.current() {
            v @ (Value::String(_) | Value::Number(_)) => Some(v.as_number()),
            _ => None,
        }
    }

    /// 1-based position of the innermost repeat instance containing the
    /// evaluation point, for `position(..)`; `None` outside repeats.
    fn position(&self) -> Option<usize> {
        None
    }

    /// XPath's context size, for `last()`: 1 for the expressions of a
    /// field (their context is that one node); a predicate's context gives
    /// the number of nodes it filters.
    fn context_size(&self) -> usize {
        1
    }

    /// The name of the node the expression belongs to, for `name()` and
    /// `local-name()` without an argument (or with `.`); `None` if unknown.
    fn current_name(&self) -> Option<String> {
        None
    }

    /// `indexed-repeat(${field}, ${repeat}, i [, ${repeat2}, i2 ...])`: the
    /// value of `field` in the given (1-based) instances, outermost repeat
    /// first. Indices are at least 1. An empty string when there is no such
    /// instance.
    fn indexed_repeat(&self, field: &str, repeats: &[(&str, usize)]) -> Value {
        let _ = (field, repeats);
        Value::empty()
    }

    /// `jr:choice-name(value, '${field}')`: the label, in the current
    /// language, of choice `value` of the select question `field`.
    fn choice_label(&self, field: &str, value: &str) -> Option<String> {
        let _ = (field, value);
        None
    }

    /// `label::English` in a choice filter: column `column` of the choice
    /// row being tested, in language `lang` (a code of the form); a label
    /// with its `${name}` insertions filled in. Empty elsewhere.
    fn choice_column(&self, column: &str, lang: &str) -> Value {
        let _ = (column, lang);
        Value::empty()
    }

    /// Clock, randomness and identity for `now()`, `random()`, `uuid()`.
    fn env(&self) -> &dyn Environment;

    /// The rows of secondary instance `id` (`instance('id')`, `pulldata('id', ...)`):
    /// an attached file (by its name without extension) or a choice list.
    fn dataset(&self, id: &str) -> Option<Rows<'_>> {
        let _ = id;
        None
    }
}

/// Evaluate `expr`. Never fails: see the module docs.
pub fn evaluate(expr: &Expr, ctx: &dyn EvalContext) -> Value {
    match &expr.kind {
        ExprKind::String(s) => Value::String(s.clone()),
        ExprKind::Pattern(re) => Value::String(re.as_str().to_owned()),
        ExprKind::Number(n) => Value::Number(*n),
        ExprKind::Ref(name) => ctx.resolve(name),
        ExprKind::Path(path) => match path.field_name() {
            Some(name) if path.is_bare_name() => ctx.resolve_relative(name),
            Some(name) => ctx.resolve(name),
            // Only `.`/`..` steps: `./.` is the current node, `../..` a group.
            None if path.steps.iter().all(|s| *s == Step::Current) => ctx.current(),
            None => Value::empty(),
        },
        ExprKind::Current => ctx.current(),
        // A group has no value of its own.
        ExprKind::Parent => Value::empty(),
        ExprKind::ChoiceColumn(c) => ctx.choice_column(&c.column, &c.lang),
        ExprKind::Neg(x) => Value::Number(-number_of(x, ctx)),
        ExprKind::Binary { op, lhs, rhs } => binary(*op, lhs, rhs, ctx),
        ExprKind::Call { func, args } => functions::call(*func, args, ctx),
        ExprKind::Instance(path) => instance(path, ctx),
    }
}

/// `boolean(evaluate(expr))`, without building and freeing the booleans of
/// comparisons and `and`/`or` (what relevance and constraints mostly are).
pub fn evaluate_bool(expr: &Expr, ctx: &dyn EvalContext) -> bool {
    let ExprKind::Binary { op, lhs, rhs } = &expr.kind else {
        return evaluate(expr, ctx).as_bool();
    };
    match op {
        BinOp::Or => evaluate_bool(lhs, ctx) || evaluate_bool(rhs, ctx),
        BinOp::And => evaluate_bool(lhs, ctx) && evaluate_bool(rhs, ctx),
        BinOp::Eq | BinOp::Neq | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            if let Some(result) = compare_field_number(*op, lhs, rhs, ctx) {
                return result;
            }
            let a = evaluate(lhs, ctx);
            let b = evaluate(rhs, ctx);
            let env = ctx.env();
            match op {
                BinOp::Eq => equals(&a, &b, env),
                BinOp::Neq => not_equals(&a, &b, env),
                _ => relational(*op, &a, &b, env),
            }
        }
        _ => binary(*op, lhs, rhs, ctx).as_bool(),
    }
}

/// A comparison of a field (or `.`) with a number (`${age} >= 18`), or
/// for `<`, `<=`, `>`, `>=` of two fields, decided on the numbers
/// [`EvalContext::resolve_number`] reads, without building the field's
/// value (a copy of its text, for a calculation); likewise `${name} = ''`
/// on [`EvalContext::resolve_is_empty_text`]. `None` when another path
/// decides it. For text or numbers the general path compares as numbers
/// too: `=`/`!=` against a number, relations always (neither side being a
/// date or a node-set).
fn compare_field_number(op: BinOp, lhs: &Expr, rhs: &Expr, ctx: &dyn EvalContext) -> Option<bool> {
    // `${name} != ''`, the usual test of an answer.
    if let (BinOp::Eq | BinOp::Neq, ExprKind::Ref(name), ExprKind::String(s))
    | (BinOp::Eq | BinOp::Neq, ExprKind::String(s), ExprKind::Ref(name)) =
        (op, &lhs.kind, &rhs.kind)
        && s.is_empty()
    {
        let empty = ctx.resolve_is_empty_text(name)?;
        return Some(empty == (op == BinOp::Eq));
    }
    let literal = |e: &Expr| matches!(e.kind, ExprKind::Number(_));
    let relation = !matches!(op, BinOp::Eq | BinOp::Neq);
    // Two literals take the general path (nothing to save); `=`/`!=` of
    // two fields compare text as text.
    if (literal(lhs) && literal(rhs)) || !(relation || literal(lhs) || literal(rhs)) {
        return None;
    }
    let side = |e: &Expr| match &e.kind {
        ExprKind::Number(n) => Some(*n),
        ExprKind::Ref(name) => ctx.resolve_number(name),
        ExprKind::Current => ctx.current_number(),
        _ => None,
    };
    let (x, y) = (side(lhs)?, side(rhs)?);
    let equal = || (x - y).abs() < EPSILON;
    Some(match op {
        BinOp::Eq => equal(),
        BinOp::Neq => !equal(),
        _ => compare(op, x, y),
    })
}

/// `instance('id')/root/item[...]/column`: a node-set with one member per
/// item left by the predicates (the column's value, or the item's text).
fn instance(path: &InstancePath, ctx: &dyn EvalContext) -> Value {
    let Some(rows) = ctx.dataset(&path.id) else {
        return Value::Nodeset(Vec::new());
    };
    let Some((root, item)) = &path.steps else {
        // The instance's root element: one node.
        return Value::Nodeset(vec![Value::empty()]);
    };
    if rows.path() != (root.as_str(), item.as_str()) {
        return Value::Nodeset(Vec::new());
    }
    let kept = matching_rows(rows, &path.predicates, ctx);
    Value::Nodeset(match &path.column {
        Some(c) => kept
            .iter()
            .filter_map(|&r| rows.cell(r, c))
            .map(Value::from)
            .collect(),
        None => kept
            .iter()
            .map(|&r| Value::String(rows.item_text(r)))
            .collect(),
    })
}

/// The rows of `rows` that pass every predicate, in order. A first
/// predicate `column = <expression of the form only>` whose value is text
/// is answered from the file's index instead of a scan.
pub(crate) fn matching_rows(
    rows: Rows<'_>,
    predicates: &[Expr],
    ctx: &dyn EvalContext,
) -> Vec<usize> {
    let mut kept: Vec<usize> = Vec::new();
    for (k, pred) in predicates.iter().enumerate() {
        let candidates = if k == 0 {
            match indexed(rows, pred, ctx) {
                // The predicate is exactly the looked-up test.
                Some((found, true)) => {
                    kept = found;
                    continue;
                }
                Some((found, false)) => found,
                None => (0..rows.len()).collect(),
            }
        } else {
            std::mem::take(&mut kept)
        };
        let size = candidates.len();
        for (i, &r) in candidates.iter().enumerate() {
            let row_ctx = RowCtx {
                outer: ctx,
                rows,
                row: r,
                size,
            };
            let keep = match evaluate(pred, &row_ctx) {
                // `[2]`: the item at that position among those left.
                Value::Number(n) => (i + 1) as f64 == n,
                v => v.as_bool(),
            };
            if keep {
                kept.push(r);
            }
        }
    }
    if predicates.is_empty() {
        kept = (0..rows.len()).collect();
    }
    kept
}

/// The rows a predicate keeps for sure, from the file's index: the rows
/// whose column equals the value of a `column = e` test (`e` independent
/// of the row, its value text) that is the predicate or one of its
/// `and`ed terms; with whether that test is the whole predicate.
fn indexed(rows: Rows<'_>, pred: &Expr, ctx: &dyn EvalContext) -> Option<(Vec<usize>, bool)> {
    // `last()` and `position()` would see the candidates instead of all
    // the items: scan.
    let mut positional = false;
    pred.visit(&mut |e| {
        positional |= matches!(
            e.kind,
            ExprKind::Call {
                func: Func::Last | Func::Position,
                ..
            }
        );
    });
    if positional {
        return None;
    }
    let mut terms = Vec::new();
    and_terms(pred, &mut terms);
    let exact = terms.len() == 1;
    terms.into_iter().find_map(|term| {
        let ExprKind::Binary {
            op: BinOp::Eq,
            lhs,
            rhs,
        } = &term.kind
        else {
            return None;
        };
        let (column, other) = match (&lhs.kind, &rhs.kind) {
            (ExprKind::Path(p), _) if p.is_bare_name() && row_independent(rhs) => (p, rhs),
            (_, ExprKind::Path(p)) if p.is_bare_name() && row_independent(lhs) => (p, lhs),
            _ => return None,
        };
        let column = column.field_name()?;
        // Only a file's rows have an index (the probe costs a hash lookup).
        // Asked first, so that `other` is not evaluated for nothing: the
        // scan evaluates it again, and nested predicates would double the
        // work at each level.
        rows.indexed(column, "")?;
        // A number or boolean compares as a number or boolean, which the
        // index cannot answer; one that reads an instance would be
        // evaluated twice (here and by the scan), at every level of nesting.
        if !matches!(other.kind, ExprKind::Instance(_)) && reads_an_instance(other) {
            return None;
        }
        let values = match evaluate(other, ctx) {
            Value::String(value) => vec![value],
            // `column = instance(...)/...`: equal to any member's text.
            Value::Nodeset(members) => members.iter().map(Value::as_string).collect(),
            _ => return None,
        };
        let mut found: Vec<usize> = Vec::new();
        for value in &values {
            found.extend(rows.indexed(column, value)?.iter().map(|&r| r as usize));
        }
        if values.len() > 1 {
            found.sort_unstable();
            found.dedup();
        }
        Some((found, exact))
    })
}

/// Whether `e` contains an `instance(...)` path.
fn reads_an_instance(e: &Expr) -> bool {
    let mut found = false;
    e.visit(&mut |e| found |= matches!(e.kind, ExprKind::Instance(_)));
    found
}

/// The terms of a chain of `and`s.
pub(crate) fn and_terms<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary {
            op: BinOp::And,
            lhs,
            rhs,
        } => {
            and_terms(lhs, out);
            and_terms(rhs, out);
        }
        _ => out.push(e),
    }
}

/// Whether `e` reads nothing of the row it would be tested against (no
/// bare column name outside a nested instance path, no `.`, nothing
/// volatile): then its value is the same for every row.
pub(crate) fn row_independent(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::String(_) | ExprKind::Pattern(_) | ExprKind::Number(_) | ExprKind::Ref(_) => true,
        ExprKind::Path(p) => !p.is_bare_name() && p.field_name().is_some(),
        ExprKind::Current | ExprKind::Parent | ExprKind::ChoiceColumn(_) => false,
        ExprKind::Neg(x) => row_independent(x),
        ExprKind::Binary { lhs, rhs, .. } => row_independent(lhs) && row_independent(rhs),
        ExprKind::Call { func, args } => {
            !func.is_volatile()
                && !matches!(
                    func,
                    Func::Once
                        | Func::Position
                        | Func::String
                        | Func::StringLength
                        | Func::NormalizeSpace
                )
                && args.iter().all(row_independent)
        }
        // Its own predicates read its own rows.
        ExprKind::Instance(_) => true,
    }
}

/// The evaluation point inside a predicate: bare names are the columns of
/// the item being tested, everything else is the outer context's.
struct RowCtx<'a> {
    outer: &'a dyn EvalContext,
    rows: Rows<'a>,
    row: usize,
    /// How many items the predicate filters, for `last()`.
    size: usize,
}

impl EvalContext for RowCtx<'_> {
    fn resolve(&self, name: &str) -> Value {
        self.outer.resolve(name)
    }

    fn resolve_number(&self, name: &str) -> Option<f64> {
        self.outer.resolve_number(name)
    }

    fn resolve_is_empty_text(&self, name: &str) -> Option<bool> {
        self.outer.resolve_is_empty_text(name)
    }

    fn resolve_relative(&self, name: &str) -> Value {
        Value::String(
            self.rows
                .cell(self.row, name)
                .unwrap_or_default()
                .to_owned(),
        )
    }

    fn current(&self) -> Value {
        self.outer.current()
    }

    fn current_number(&self) -> Option<f64> {
        self.outer.current_number()
    }

    fn position(&self) -> Option<usize> {
        self.outer.position()
    }

    fn context_size(&self) -> usize {
        self.size
    }

    fn current_name(&self) -> Option<String> {
        self.outer.current_name()
    }

    fn indexed_repeat(&self, field: &str, repeats: &[(&str, usize)]) -> Value {
        self.outer.indexed_repeat(field, repeats)
    }

    fn choice_label(&self, field: &str, value: &str) -> Option<String> {
        self.outer.choice_label(field, value)
    }

    fn env(&self) -> &dyn Environment {
        self.outer.env()
    }

    fn dataset(&self, id: &str) -> Option<Rows<'_>> {
        self.outer.dataset(id)
    }
}

fn binary(op: BinOp, lhs: &Expr, rhs: &Expr, ctx: &dyn EvalContext) -> Value {
    let arithmetic = |f: fn(f64, f64) -> f64| {
        let x = number_of(lhs, ctx);
        Value::Number(f(x, number_of(rhs, ctx)))
    };
    match op {
        // `and`/`or` short-circuit, so `${n} > 0 and 10 div ${n} > 2` is cheap and safe.
        BinOp::Or => Value::Bool(evaluate(lhs, ctx).as_bool() || evaluate(rhs, ctx).as_bool()),
        BinOp::And => Value::Bool(evaluate(lhs, ctx).as_bool() && evaluate(rhs, ctx).as_bool()),
        BinOp::Add => arithmetic(|x, y| x + y),
        BinOp::Sub => arithmetic(|x, y| x - y),
        BinOp::Mul => arithmetic(|x, y| x * y),
        // IEEE: x div 0 is ±Infinity or NaN; `%` is fmod like Java's and XPath's.
        BinOp::Div => arithmetic(|x, y| x / y),
        BinOp::Mod => arithmetic(|x, y| x % y),
        BinOp::Eq | BinOp::Neq | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let a = evaluate(lhs, ctx);
            let b = evaluate(rhs, ctx);
            let env = ctx.env();
            Value::Bool(match op {
                BinOp::Eq => equals(&a, &b, env),
                BinOp::Neq => not_equals(&a, &b, env),
                _ => relational(op, &a, &b, env),
            })
        }
    }
}

/// `evaluate(e).as_number()`; a field's number read in place (see
/// [`EvalContext::resolve_number`]) rather than from a copy of its text.
fn number_of(e: &Expr, ctx: &dyn EvalContext) -> f64 {
    if let ExprKind::Ref(name) = &e.kind
        && let Some(n) = ctx.resolve_number(name)
    {
        return n;
    }
    evaluate(e, ctx).as_number()
}

/// Numbers within this distance are equal, as in JavaRosa, so that
/// `0.1 + 0.2 = 0.3` holds in forms.
const EPSILON: f64 = 1e-12;

/// If exactly one side is a date and the other is a string that parses as
/// one (`${dob} = '2020-01-01'`), compare them as dates.
fn date_pair(a: &Value, b: &Value, env: &dyn Environment) -> Option<(f64, f64)> {
    // Most comparisons involve no date: decided before matching the pair.
    if !a.is_date_like() && !b.is_date_like() {
        return None;
    }
    let as_days = |p: Parsed| Value::from(p).as_number();
    match (a, b) {
        (d, Value::String(s)) | (Value::String(s), d) if d.is_date_like() => {
            let other = as_days(Value::String(s.clone()).as_date_like(env)?);
            let date = d.as_number();
            Some(if a.is_date_like() {
                (date, other)
            } else {
                (other, date)
            })
        }
        _ => None,
    }
}

/// XPath `=`: node-sets compare existentially (true if any member matches);
/// else if either side is boolean compare as booleans, else if either is a
/// number or date compare as numbers, else as strings.
pub(crate) fn equals(a: &Value, b: &Value, env: &dyn Environment) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => (x - y).abs() < EPSILON,
        (Value::Nodeset(_), Value::Bool(x)) | (Value::Bool(x), Value::Nodeset(_)) => {
            let ns = if matches!(a, Value::Nodeset(_)) { a } else { b };
            ns.as_bool() == *x
        }
        (Value::Nodeset(xs), other) => xs.iter().any(|x| equals(x, other, env)),
        (other, Value::Nodeset(ys)) => ys.iter().any(|y| equals(other, y, env)),
        (Value::Bool(_), _) | (_, Value::Bool(_)) => a.as_bool() == b.as_bool(),
        _ => {
            if let Some((x, y)) = date_pair(a, b, env) {
                return (x - y).abs() < EPSILON;
            }
            let numeric = |v: &Value| matches!(v, Value::Number(_)) || v.is_date_like();
            if numeric(a) || numeric(b) {
                (a.as_number() - b.as_number()).abs() < EPSILON
            } else {
                a.as_string() == b.as_string()
            }
        }
    }
}

/// XPath `!=`: with node-sets, true if any member differs (so it is not
/// simply `not(=)`); otherwise the negation of [`equals`].
pub(crate) fn not_equals(a: &Value, b: &Value, env: &dyn Environment) -> bool {
    match (a, b) {
        (Value::Nodeset(_), Value::Bool(_)) | (Value::Bool(_), Value::Nodeset(_)) => {
            !equals(a, b, env)
        }
        (Value::Nodeset(xs), other) => xs.iter().any(|x| not_equals(x, other, env)),
        (other, Value::Nodeset(ys)) => ys.iter().any(|y| not_equals(other, y, env)),
        _ => !equals(a, b, env),
    }
}

/// `< <= > >=`: always numeric (so `'abc' < 1` is false), node-sets
/// existentially, dates as days, and a date-looking string against a date
/// as a date.
pub(crate) fn relational(op: BinOp, a: &Value, b: &Value, env: &dyn Environment) -> bool {
    match (a, b) {
        // The common case (two numbers) needs no date or node-set check.
        (Value::Number(x), Value::Number(y)) => compare(op, *x, *y),
        (Value::Nodeset(xs), other) => xs.iter().any(|x| relational(op, x, other, env)),
        (other, Value::Nodeset(ys)) => ys.iter().any(|y| relational(op, other, y, env)),
        _ => {
            let (x, y) = date_pair(a, b, env).unwrap_or_else(|| (a.as_number(), b.as_number()));
            compare(op, x, y)
        }
    }
}

fn compare(op: BinOp, x: f64, y: f64) -> bool {
    match op {
        BinOp::Lt => x < y,
        BinOp::Le => x <= y,
        BinOp::Gt => x > y,
        BinOp::Ge => x >= y,
        _ => false,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{
        BinOp, EvalContext, Value, equals, evaluate, evaluate_bool, not_equals, relational,
    };
    use crate::expr::parse::parse;
    use crate::expr::testing::Ctx;

    /// Conditions over fields `n`, `s`, `d`, `ns` and `.`, each with many
    /// values of every type: `check(source, context)` for every pair.
    pub(crate) fn each_condition_case(mut check: impl FnMut(&str, &Ctx)) {
        let conditions = [
            ".",
            ". >= 0 and . < 1000",
            ". <= ${n}",
            "${n} != ''",
            "${n} = ''",
            "${n} > 10 or ${s} = 'yes'",
            "${s} != 'yes' and ${s}",
            "${d} < '2024-02-01'",
            "${d} = ${s}",
            "${ns} = 2",
            "${ns} != 2",
            "${ns} > ${n}",
            "${n} + 1",
            "${n} * 0",
            "${n} div 0",
            "${n} mod 2 = 1",
            "not(${n} > 3) and (${s} = 'yes' or ${n} < 0)",
            "true() = ${n}",
            "${ns} = true()",
            "'' or 0",
            // Fields against numbers, and against each other.
            "${n} = 7",
            "7 = ${n}",
            "${n} != 7",
            "0 != ${s}",
            "${n} = 0",
            "${s} < 13",
            "12 <= ${s}",
            "${n} > -2.5",
            "${n} >= ${s}",
            "${s} < ${n}",
            "${n} = ${s}",
            "${n} != ${s}",
            "${d} > 19000",
            "19737 = ${d}",
            "${d} != 19737",
            "${ns} < 2",
            "2 = ${ns}",
            "${missing} = 0",
            "${missing} != 0",
            "${missing} < 1",
            "1 = 1",
            "1 < 2",
            "'' = ${s}",
            "'' != ${ns}",
            "${d} != ''",
            "${missing} = ''",
            "${s} = ' '",
            ". = 7",
            ". != 0",
            "0 < .",
            ". >= ${n}",
            ". = ${n}",
            // Arithmetic on fields' numbers.
            "-${n}",
            "-${d}",
            "${n} - ${s}",
            "${s} * 2",
            "2 div ${n}",
            "${n} mod ${s}",
            "${d} + 1",
            "${ns} + 1",
            "1 - ${missing}",
            "(${n} + ${s}) * ${d} = 0",
        ];
        let values = [
            Value::empty(),
            Value::Number(0.0),
            Value::Number(7.0),
            Value::Number(-2.5),
            Value::Number(f64::NAN),
            Value::from("yes"),
            Value::from("12"),
            Value::from("7"),
            Value::from(" 7 "),
            Value::from("7.0"),
            Value::from("-2.5"),
            Value::from("0"),
            Value::from("2024-01-15"),
            Value::Bool(true),
            Value::Bool(false),
            Value::Date(19_737),
            Value::DateTime {
                millis: 1_705_314_600_000,
                offset_minutes: 60,
            },
            Value::Nodeset(vec![]),
            Value::Nodeset(vec![Value::Number(1.0), Value::Number(2.0)]),
            Value::Nodeset(vec![Value::from("2"), Value::from("x")]),
        ];
        for src in conditions {
            for (i, v) in values.iter().enumerate() {
                for step in [5, 7] {
                    let w = &values[(i * step + 3) % values.len()];
                    let ctx = Ctx::new()
                        .with("n", v.clone())
                        .with("s", w.clone())
                        .with("d", Value::Date(19_737))
                        .with("ns", v.clone())
                        .current(w.clone());
                    check(src, &ctx);
                }
            }
        }
    }

    /// `evaluate_bool` is `boolean()` of `evaluate`, whatever the types the
    /// conditions compare (numbers, text, dates, node-sets, empty answers),
    /// including its comparisons of fields with numbers read in place.
    #[wasm_bindgen_test(unsupported = test)]
    fn conditions_are_the_boolean_of_their_value() {
        each_condition_case(|src, ctx| {
            let expr = parse(src).unwrap();
            assert_eq!(
                evaluate_bool(&expr, ctx),
                evaluate(&expr, ctx).as_bool(),
                "{src} with n = {:?}, s = {:?}",
                ctx.resolve("n"),
                ctx.resolve("s")
            );
        });
    }

    /// A context that reads every field as a value (no number read in
    /// place): the general path, to compare the shortcuts with.
    struct General<'a>(&'a Ctx);

    impl EvalContext for General<'_> {
        fn resolve(&self, name: &str) -> Value {
            self.0.resolve(name)
        }

        fn resolve_number(&self, _: &str) -> Option<f64> {
            None
        }

        fn resolve_is_empty_text(&self, _: &str) -> Option<bool> {
            None
        }

        fn current_number(&self) -> Option<f64> {
            None
        }

        fn current(&self) -> Value {
            self.0.current()
        }

        fn env(&self) -> &dyn crate::env::Environment {
            self.0.env()
        }
    }

    /// Fields' numbers and emptiness read in place (comparisons with
    /// numbers and `''`, arithmetic) give what reading their values gives.
    #[wasm_bindgen_test(unsupported = test)]
    fn answers_read_in_place_change_no_result() {
        each_condition_case(|src, ctx| {
            let expr = parse(src).unwrap();
            let general = General(ctx);
            // `{:?}`: NaN equals NaN.
            assert_eq!(
                format!("{:?}", evaluate(&expr, ctx)),
                format!("{:?}", evaluate(&expr, &general)),
                "{src}"
            );
            assert_eq!(
                evaluate_bool(&expr, ctx),
                evaluate(&expr, &general).as_bool(),
                "{src}"
            );
        });
    }

    /// Two numbers compare without the date and node-set checks; the
    /// answer is what the general path gives for the same numbers read
    /// from text (which round-trips: `Display` of an `f64` never writes
    /// an exponent).
    #[wasm_bindgen_test(unsupported = test)]
    fn numbers_compare_as_the_general_path_compares_them() {
        let env = FixedEnvironment::default();
        let mut numbers = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            1e-13,
            2e-12,
            0.1 + 0.2,
            0.3,
            f64::NAN,
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..60 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (seed % 2001) as f64 - 1000.0;
            numbers.extend([n, n / 8.0]);
        }
        for &x in &numbers {
            for &y in &numbers {
                let (a, b) = (Value::Number(x), Value::Number(y));
                let text = Value::String(x.to_string());
                for op in [BinOp::Lt, BinOp::Le, BinOp::Gt, BinOp::Ge] {
                    assert_eq!(
                        relational(op, &a, &b, &env),
                        relational(op, &text, &b, &env),
                        "{x} {op:?} {y}"
                    );
                }
                assert_eq!(equals(&a, &b, &env), equals(&text, &b, &env), "{x} = {y}");
                assert_eq!(
                    not_equals(&a, &b, &env),
                    not_equals(&text, &b, &env),
                    "{x} != {y}"
                );
            }
        }
    }

    use std::sync::Arc;

    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use crate::env::FixedEnvironment;
    use crate::external::Attachments;
    use crate::state::FormState;
    use crate::testing::{form, q};

    /// A file's index answers `column = <node-set>` (equal to any member),
    /// and nested lookups evaluate each inner path once: they used to be
    /// evaluated for the index and again by the scan, doubling the work at
    /// each level of nesting.
    #[wasm_bindgen_test(unsupported = test)]
    fn nested_instance_lookups_use_the_index_and_are_evaluated_once() {
        let mut files = Attachments::new();
        let lgas = "name,label\naba_n,Aba North\naba_s,Aba South\nafikpo_n,Afikpo North\n";
        let wards =
            "name,label,lga\neziama,Eziama,aba_n\numuogor,Umuogor,aba_n\nezeke,Ezeke,afikpo_n\n";
        files.add("lgas.csv", lgas.as_bytes()).unwrap();
        files.add("wards.csv", wards.as_bytes()).unwrap();
        let nested = |n: usize| {
            format!(
                "count({}'aba_n'{})",
                "instance('lgas')/root/item[name = ".repeat(n),
                "]/name".repeat(n)
            )
        };
        let f = form(
            json!([
                q("lga", "select_one", json!({ "choices_file": "lgas.csv" })),
                q("ward", "select_one", json!({ "choices_file": "wards.csv" })),
                q(
                    "shown",
                    "calculate",
                    json!({
                        "calculation": "join(', ', instance('lgas')/root/item[name = instance('wards')/root/item/lga]/label)"
                    })
                ),
                q("deep", "calculate", json!({ "calculation": nested(100) })),
            ]),
            json!({}),
        );
        let compiled = Arc::new(crate::compile_with(&f, &files).unwrap());
        let env = FixedEnvironment::default();
        let s = FormState::new(compiled, &env);
        let value = |p: &str| s.value(s.node(p).unwrap()).to_owned();
        assert_eq!(value("shown"), "Aba North, Afikpo North");
        // 2^100 evaluations before: this would never finish.
        assert_eq!(value("deep"), "1");
    }
}
