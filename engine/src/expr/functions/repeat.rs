//! Node-set and repeat functions.

use super::{Func, arg};
use crate::expr::ast::{Expr, ExprKind, Step};
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
        Func::Last => Value::Number(ctx.context_size() as f64),
        // The parser lets only node expressions through.
        Func::Name | Func::LocalName => Value::String(node_name(args.first(), ctx)),
        _ => Value::empty(),
    }
}

/// `name(x)` / `local-name(x)`: a field reference's field name (form field
/// names have no namespace prefix, so both are the same); `.` or no
/// argument: the current node's. `""` for what has no name we know (`..`,
/// an instance item, a shuffled node-set).
fn node_name(arg: Option<&Expr>, ctx: &dyn EvalContext) -> String {
    let current = || ctx.current_name().unwrap_or_default();
    let Some(arg) = arg else {
        return current();
    };
    match &arg.kind {
        ExprKind::Current => current(),
        ExprKind::Path(p) if p.steps.iter().all(|s| *s == Step::Current) => current(),
        _ => arg.as_field_name().unwrap_or_default().to_owned(),
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
    use crate::expr::eval::{EvalContext, evaluate};
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
    fn last_is_the_context_size() {
        assert_eq!(eval("last()"), Value::Number(1.0));
        assert_eq!(eval("position(..) = last()"), Value::Bool(false));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn names_of_nodes() {
        let c = ctx();
        assert_eq!(eval_with(&c, "name(${age})"), Value::from("age"));
        assert_eq!(
            eval_with(&c, "local-name(/data/member/age)"),
            Value::from("age")
        );
        assert_eq!(eval_with(&c, "name(../single)"), Value::from("single"));
        assert_eq!(
            eval_with(&c, "concat(name(${age}), '!')"),
            Value::from("age!")
        );
        // The current node: the context's name when it has one.
        assert_eq!(eval_with(&c, "name()"), Value::from(""));
        assert_eq!(eval_with(&c, "name(..)"), Value::from(""));
        struct Named(Ctx);
        impl EvalContext for Named {
            fn resolve(&self, name: &str) -> Value {
                self.0.resolve(name)
            }
            fn current(&self) -> Value {
                EvalContext::current(&self.0)
            }
            fn current_name(&self) -> Option<String> {
                Some("weight".into())
            }
            fn env(&self) -> &dyn crate::env::Environment {
                self.0.env()
            }
        }
        let named = Named(Ctx::new());
        for e in ["name()", "name(.)", "local-name(./.)", "local-name()"] {
            let expr = crate::expr::parse(e).expect("parses");
            assert_eq!(evaluate(&expr, &named), Value::from("weight"), "{e}");
        }
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
