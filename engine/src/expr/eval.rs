//! The evaluator. It never fails and never panics: like ODK, problems at run
//! time (a missing answer, text in arithmetic, a bad date) become NaN or an
//! empty string, and only parsing reports errors.

use super::ast::{BinOp, Expr, ExprKind, Step};
use super::date::Parsed;
use super::functions;
use super::value::Value;
use crate::env::Environment;

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

    /// A bare name such as `region` (a one-step relative path, not
    /// `${region}`). Outside choice filters it means the field, as in
    /// `resolve`; a choice filter's context answers with the column of the
    /// choice row being filtered (`name`, or a key of `Choice::properties`).
    fn resolve_relative(&self, name: &str) -> Value {
        self.resolve(name)
    }

    /// `.`: the value of the node the expression belongs to (used by
    /// constraints, `once()`, argument-less `string-length()`).
    fn current(&self) -> Value;

    /// 1-based position of the innermost repeat instance containing the
    /// evaluation point, for `position(..)`; `None` outside repeats.
    fn position(&self) -> Option<usize> {
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

    /// Clock, randomness and identity for `now()`, `random()`, `uuid()`.
    fn env(&self) -> &dyn Environment;
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
        ExprKind::Neg(x) => Value::Number(-evaluate(x, ctx).as_number()),
        ExprKind::Binary { op, lhs, rhs } => binary(*op, lhs, rhs, ctx),
        ExprKind::Call { func, args } => functions::call(*func, args, ctx),
    }
}

fn binary(op: BinOp, lhs: &Expr, rhs: &Expr, ctx: &dyn EvalContext) -> Value {
    // `and`/`or` short-circuit, so `${n} > 0 and 10 div ${n} > 2` is cheap and safe.
    match op {
        BinOp::Or => {
            return Value::Bool(evaluate(lhs, ctx).as_bool() || evaluate(rhs, ctx).as_bool());
        }
        BinOp::And => {
            return Value::Bool(evaluate(lhs, ctx).as_bool() && evaluate(rhs, ctx).as_bool());
        }
        _ => {}
    }
    let a = evaluate(lhs, ctx);
    let b = evaluate(rhs, ctx);
    let offset = ctx.env().utc_offset_minutes();
    match op {
        BinOp::Eq => Value::Bool(equals(&a, &b, offset)),
        BinOp::Neq => Value::Bool(not_equals(&a, &b, offset)),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            Value::Bool(relational(op, &a, &b, offset))
        }
        BinOp::Add => Value::Number(a.as_number() + b.as_number()),
        BinOp::Sub => Value::Number(a.as_number() - b.as_number()),
        BinOp::Mul => Value::Number(a.as_number() * b.as_number()),
        // IEEE: x div 0 is ±Infinity or NaN; `%` is fmod like Java's and XPath's.
        BinOp::Div => Value::Number(a.as_number() / b.as_number()),
        BinOp::Mod => Value::Number(a.as_number() % b.as_number()),
        BinOp::Or | BinOp::And => Value::Bool(false), // handled above
    }
}

/// Numbers within this distance are equal, as in JavaRosa, so that
/// `0.1 + 0.2 = 0.3` holds in forms.
const EPSILON: f64 = 1e-12;

/// If exactly one side is a date and the other is a string that parses as
/// one (`${dob} = '2020-01-01'`), compare them as dates.
fn date_pair(a: &Value, b: &Value, offset: i32) -> Option<(f64, f64)> {
    let as_days = |p: Parsed| Value::from(p).as_number();
    match (a, b) {
        (d, Value::String(s)) | (Value::String(s), d) if d.is_date_like() => {
            let other = as_days(Value::String(s.clone()).as_date_like(offset)?);
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
pub(crate) fn equals(a: &Value, b: &Value, offset: i32) -> bool {
    match (a, b) {
        (Value::Nodeset(_), Value::Bool(x)) | (Value::Bool(x), Value::Nodeset(_)) => {
            let ns = if matches!(a, Value::Nodeset(_)) { a } else { b };
            ns.as_bool() == *x
        }
        (Value::Nodeset(xs), other) => xs.iter().any(|x| equals(x, other, offset)),
        (other, Value::Nodeset(ys)) => ys.iter().any(|y| equals(other, y, offset)),
        (Value::Bool(_), _) | (_, Value::Bool(_)) => a.as_bool() == b.as_bool(),
        _ => {
            if let Some((x, y)) = date_pair(a, b, offset) {
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
pub(crate) fn not_equals(a: &Value, b: &Value, offset: i32) -> bool {
    match (a, b) {
        (Value::Nodeset(_), Value::Bool(_)) | (Value::Bool(_), Value::Nodeset(_)) => {
            !equals(a, b, offset)
        }
        (Value::Nodeset(xs), other) => xs.iter().any(|x| not_equals(x, other, offset)),
        (other, Value::Nodeset(ys)) => ys.iter().any(|y| not_equals(other, y, offset)),
        _ => !equals(a, b, offset),
    }
}

/// `< <= > >=`: always numeric (so `'abc' < 1` is false), node-sets
/// existentially, dates as days, and a date-looking string against a date
/// as a date.
pub(crate) fn relational(op: BinOp, a: &Value, b: &Value, offset: i32) -> bool {
    match (a, b) {
        (Value::Nodeset(xs), other) => xs.iter().any(|x| relational(op, x, other, offset)),
        (other, Value::Nodeset(ys)) => ys.iter().any(|y| relational(op, other, y, offset)),
        _ => {
            let (x, y) = date_pair(a, b, offset).unwrap_or((a.as_number(), b.as_number()));
            match op {
                BinOp::Lt => x < y,
                BinOp::Le => x <= y,
                BinOp::Gt => x > y,
                BinOp::Ge => x >= y,
                _ => false,
            }
        }
    }
}
