//! Node-set and repeat functions.

use super::{Func, arg};
use crate::expr::ast::Expr;
use crate::expr::eval::{EvalContext, evaluate};
use crate::expr::value::Value;

pub(super) fn call(func: Func, args: &[Expr], ctx: &dyn EvalContext) -> Value {
    match func {
        // Like JavaRosa, members that are not numbers (unanswered fields)
        // are skipped rather than making the sum NaN.
        Func::Sum => Value::Number(
            members(arg(args, 0, ctx))
                .iter()
                .map(Value::as_number)
                .filter(|x| !x.is_nan())
                .sum(),
        ),
        // A single (non-repeat) value is a node-set of one, as in XPath.
        Func::Count => Value::Number(members(arg(args, 0, ctx)).len() as f64),
        Func::CountNonEmpty => Value::Number(
            members(arg(args, 0, ctx))
                .iter()
                .filter(|v| !v.is_empty())
                .count() as f64,
        ),
        // `position(..)` (or `position()`): the innermost repeat instance's
        // index; any other argument is treated the same (see module docs).
        Func::Position => Value::Number(ctx.position().map_or(f64::NAN, |p| p as f64)),
        Func::IndexedRepeat => indexed_repeat(args, ctx),
        _ => Value::empty(),
    }
}

fn members(v: Value) -> Vec<Value> {
    match v {
        Value::Nodeset(items) => items,
        other => vec![other],
    }
}

/// The parser guarantees the field and repeat arguments are references.
fn indexed_repeat(args: &[Expr], ctx: &dyn EvalContext) -> Value {
    let Some(field) = args.first().and_then(Expr::as_field_name) else {
        return Value::empty();
    };
    let mut repeats = Vec::with_capacity(args.len() / 2);
    for pair in args[1..].chunks(2) {
        let [repeat, index] = pair else {
            return Value::empty();
        };
        let Some(repeat) = repeat.as_field_name() else {
            return Value::empty();
        };
        // JavaRosa clamps indices below 1 (e.g. from an empty field) to 1.
        let i = evaluate(index, ctx).as_number();
        let i = if i.is_finite() && i >= 1.0 {
            i.trunc() as usize
        } else {
            1
        };
        repeats.push((repeat, i));
    }
    ctx.indexed_repeat(field, &repeats)
}

#[cfg(test)]
mod tests {
    use crate::expr::testing::{Ctx, eval, eval_with};
    use crate::expr::value::Value;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn ctx() -> Ctx {
        Ctx::new()
            .with(
                "age",
                Value::Nodeset(vec![34.0.into(), "".into(), "7".into(), 19.0.into()]),
            )
            .with("member", Value::Nodeset(vec!["".into(); 4]))
            .with("empty_rep", Value::Nodeset(vec![]))
            .with("single", 5.0)
            .indexed("name|member:2", "Bia")
            .indexed("name|hh:1|member:3", "Caio")
            .indexed("name|member:1", "Ana")
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn sum_and_count() {
        let c = ctx();
        assert_eq!(eval_with(&c, "sum(${age})"), Value::Number(60.0));
        assert_eq!(eval_with(&c, "count(${age})"), Value::Number(4.0));
        assert_eq!(eval_with(&c, "count(${member})"), Value::Number(4.0));
        assert_eq!(eval_with(&c, "count-non-empty(${age})"), Value::Number(3.0));
        assert_eq!(eval_with(&c, "sum(${empty_rep})"), Value::Number(0.0));
        assert_eq!(eval_with(&c, "count(${empty_rep})"), Value::Number(0.0));
        assert_eq!(eval_with(&c, "sum(${single})"), Value::Number(5.0));
        assert_eq!(eval_with(&c, "count(${single})"), Value::Number(1.0));
        assert_eq!(
            eval_with(&c, "sum(${age}) div count(${age})"),
            Value::Number(15.0)
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn position() {
        let c = ctx().position(3);
        assert_eq!(eval_with(&c, "position(..)"), Value::Number(3.0));
        assert_eq!(eval_with(&c, "position()"), Value::Number(3.0));
        assert_eq!(eval_with(&c, "position(..) - 1"), Value::Number(2.0));
        assert!(eval("position(..)").as_number().is_nan());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn indexed_repeat() {
        let c = ctx().with("i", 2.0);
        assert_eq!(
            eval_with(&c, "indexed-repeat(${name}, ${member}, 2)"),
            Value::from("Bia")
        );
        assert_eq!(
            eval_with(&c, "indexed-repeat(${name}, ${member}, ${i})"),
            Value::from("Bia")
        );
        assert_eq!(
            eval_with(&c, "indexed-repeat(${name}, ${hh}, 1, ${member}, 1 + 2)"),
            Value::from("Caio")
        );
        assert_eq!(
            eval_with(&c, "indexed-repeat(/data/member/name, /data/member, 2.9)"),
            Value::from("Bia")
        );
        // Index from an unanswered field: clamped to 1.
        assert_eq!(
            eval_with(&c, "indexed-repeat(${name}, ${member}, ${nothing})"),
            Value::from("Ana")
        );
        assert_eq!(
            eval_with(&c, "indexed-repeat(${name}, ${member}, 9)"),
            Value::from("")
        );
    }
}
