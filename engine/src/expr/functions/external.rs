//! `pulldata(id, column, lookup_column, value)`: the `column` of the first
//! row of attached CSV `id.csv` whose `lookup_column` is exactly `value`
//! (as text), else `""`. ODK's older spelling of
//! `instance('id')/root/item[lookup_column = value]/column`.

use super::{EvalContext, Expr, Value, arg};

pub(super) fn pulldata(args: &[Expr], ctx: &dyn EvalContext) -> Value {
    let id = arg(args, 0, ctx).as_string();
    let column = arg(args, 1, ctx).as_string();
    let lookup = arg(args, 2, ctx).as_string();
    let value = arg(args, 3, ctx).as_string();
    let Some(rows) = ctx.dataset(id.trim()) else {
        return Value::empty();
    };
    let first = match rows.indexed(&lookup, &value) {
        Some(found) => found.first().map(|&r| r as usize),
        None => (0..rows.len()).find(|&r| rows.cell(r, &lookup) == Some(value.as_str())),
    };
    first
        .and_then(|r| rows.cell(r, &column))
        .map_or_else(Value::empty, Value::from)
}
