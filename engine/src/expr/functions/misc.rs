//! Control flow, booleans, the checklists and the volatile `uuid()` /
//! `random()`.

use super::{Func, arg, eval_args};
use crate::expr::ast::Expr;
use crate::expr::eval::{EvalContext, evaluate, evaluate_bool};
use crate::expr::value::Value;

/// Longest string `uuid(n)` produces; a typo like `uuid(1e9)` must not
/// exhaust a tablet's memory.
const MAX_RANDOM_STRING: usize = 4096;

pub(super) fn logic(func: Func, args: &[Expr], ctx: &dyn EvalContext) -> Value {
    match func {
        // Lazy: only the chosen branch is evaluated (ODK does the same).
        Func::If => {
            if arg_bool(args, 0, ctx) {
                arg(args, 1, ctx)
            } else {
                arg(args, 2, ctx)
            }
        }
        Func::Coalesce => {
            let first = arg(args, 0, ctx);
            if first.is_empty() {
                arg(args, 1, ctx)
            } else {
                first
            }
        }
        // The field keeps its first non-empty value; `expr` only fills it.
        Func::Once => {
            let current = ctx.current();
            if current.is_empty() {
                arg(args, 0, ctx)
            } else {
                current
            }
        }
        Func::Boolean => Value::Bool(arg_bool(args, 0, ctx)),
        Func::Not => Value::Bool(!arg_bool(args, 0, ctx)),
        Func::True => Value::Bool(true),
        Func::False => Value::Bool(false),
        _ => Value::empty(),
    }
}

/// `boolean()` of argument `i` (false when missing, as `arg`'s empty
/// string is), without building the value of a comparison.
fn arg_bool(args: &[Expr], i: usize, ctx: &dyn EvalContext) -> bool {
    args.get(i).is_some_and(|a| evaluate_bool(a, ctx))
}

pub(super) fn other(func: Func, args: &[Expr], ctx: &dyn EvalContext) -> Value {
    match func {
        Func::Checklist => {
            let values = eval_args(args, ctx);
            let [min, max, rest @ ..] = values.as_slice() else {
                return Value::Bool(false);
            };
            // One node-set argument counts its members (JavaRosa).
            let items = match rest {
                [Value::Nodeset(items)] => items.as_slice(),
                _ => rest,
            };
            Value::Bool(checklist(min, max, items))
        }
        Func::WeightedChecklist => weighted_checklist(&eval_args(args, ctx)),
        Func::BooleanFromString => {
            let s = arg(args, 0, ctx).as_string();
            Value::Bool(s.eq_ignore_ascii_case("true") || s == "1")
        }
        Func::Random => Value::Number(ctx.env().random()),
        Func::Uuid => match args.first() {
            None => Value::String(ctx.env().uuid()),
            Some(len) => Value::String(random_string(evaluate(len, ctx).as_number(), ctx)),
        },
        _ => Value::empty(),
    }
}

/// `checklist(min, max, v...)`: whether the number of true values is within `min..=max`; a negative bound is no bound.
/// Bounds are truncated to integers, as JavaRosa does (NaN counts as 0).
fn checklist(min: &Value, max: &Value, values: &[Value]) -> bool {
    let bound = |v: &Value| {
        let n = v.as_number();
        if n.is_nan() { 0.0 } else { n.trunc() }
    };
    let (min, max) = (bound(min), bound(max));
    let count = values.iter().filter(|v| v.as_bool()).count() as f64;
    (min < 0.0 || count >= min) && (max < 0.0 || count <= max)
}

/// `weighted-checklist(min, max, v1, w1, v2, w2, ...)`: whether the sum of
/// the weights of the true values is within `min..=max` (no "negative means
/// none" here, as in JavaRosa). With exactly two node-sets, members are
/// paired; node-sets of different sizes are false (JavaRosa throws).
fn weighted_checklist(values: &[Value]) -> Value {
    let [min, max, rest @ ..] = values else {
        return Value::Bool(false);
    };
    let pairs: Vec<(Value, Value)> = match rest {
        [Value::Nodeset(flags), Value::Nodeset(weights)] => {
            if flags.len() != weights.len() {
                return Value::Bool(false);
            }
            flags.iter().cloned().zip(weights.iter().cloned()).collect()
        }
        _ => rest
            .chunks(2)
            .filter_map(|pair| match pair {
                [flag, weight] => Some((flag.clone(), weight.clone())),
                _ => None,
            })
            .collect(),
    };
    let sum: f64 = pairs
        .iter()
        .filter(|(flag, _)| flag.as_bool())
        .map(|(_, weight)| weight.as_number())
        .sum();
    Value::Bool(sum >= min.as_number() && sum <= max.as_number())
}

/// `uuid(n)`: `n` random alphanumeric characters (ODK: "a random GUID of
/// the given length").
fn random_string(len: f64, ctx: &dyn EvalContext) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if len.is_nan() || len < 1.0 {
        return String::new();
    }
    let n = (len.trunc() as usize).min(MAX_RANDOM_STRING);
    (0..n)
        .map(|_| {
            let i = (ctx.env().random() * ALPHABET.len() as f64) as usize;
            char::from(ALPHABET[i.min(ALPHABET.len() - 1)])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use crate::expr::eval::evaluate;
    use crate::expr::eval::tests::each_condition_case;
    use crate::expr::parse::parse;
    use crate::expr::testing::{Ctx, eval, eval_with};
    use crate::expr::value::Value;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// `if`, `not` and `boolean` decide on `evaluate_bool` of their
    /// condition, which is `boolean()` of its value.
    #[wasm_bindgen_test(unsupported = test)]
    fn conditions_of_if_not_and_boolean_are_their_values_boolean() {
        each_condition_case(|src, ctx| {
            let truth = evaluate(&parse(src).unwrap(), ctx).as_bool();
            let eval = |s: String| evaluate(&parse(&s).unwrap(), ctx);
            assert_eq!(
                eval(format!("if({src}, 'y', 'n')")),
                Value::from(if truth { "y" } else { "n" }),
                "{src}"
            );
            assert_eq!(eval(format!("not({src})")), Value::Bool(!truth), "{src}");
            assert_eq!(eval(format!("boolean({src})")), Value::Bool(truth), "{src}");
        });
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn if_is_lazy_and_coerces_condition() {
        assert_eq!(eval("if(1 = 1, 'a', 'b')"), Value::from("a"));
        assert_eq!(eval("if('', 'a', 'b')"), Value::from("b"));
        assert_eq!(eval("if(0, 'a', 'b')"), Value::from("b"));
        // The result keeps its type (not cast to string).
        assert_eq!(eval("if(true(), 5, 'x')"), Value::Number(5.0));
        let ctx = Ctx::new().with("a", "");
        assert_eq!(
            eval_with(&ctx, "if(${a} = '', 'empty', 'full')"),
            Value::from("empty")
        );
        // The untaken branch may refer to things that would be odd to evaluate.
        assert_eq!(
            eval_with(&ctx, "if(true(), 1, indexed-repeat(${x}, ${r}, 99))"),
            Value::Number(1.0)
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn coalesce() {
        let ctx = Ctx::new().with("a", "").with("b", "B").with("n", f64::NAN);
        assert_eq!(eval_with(&ctx, "coalesce(${a}, ${b})"), Value::from("B"));
        assert_eq!(eval_with(&ctx, "coalesce(${b}, 'x')"), Value::from("B"));
        assert_eq!(eval_with(&ctx, "coalesce(${n}, 3)"), Value::Number(3.0));
        assert_eq!(eval_with(&ctx, "coalesce(${a}, ${a})"), Value::from(""));
        assert_eq!(eval_with(&ctx, "coalesce(0, 3)"), Value::Number(0.0));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn once() {
        let empty = Ctx::new().current("");
        assert_eq!(eval_with(&empty, "once(2 + 3)"), Value::Number(5.0));
        let filled = Ctx::new().current("kept");
        assert_eq!(eval_with(&filled, "once(2 + 3)"), Value::from("kept"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn booleans() {
        assert_eq!(eval("true()"), Value::Bool(true));
        assert_eq!(eval("false()"), Value::Bool(false));
        assert_eq!(eval("boolean('x')"), Value::Bool(true));
        assert_eq!(eval("boolean('')"), Value::Bool(false));
        assert_eq!(eval("boolean('false')"), Value::Bool(true));
        assert_eq!(eval("boolean(0)"), Value::Bool(false));
        assert_eq!(eval("boolean(0 div 0)"), Value::Bool(false));
        assert_eq!(eval("boolean(-2)"), Value::Bool(true));
        assert_eq!(eval("not(1)"), Value::Bool(false));
        assert_eq!(eval("not('')"), Value::Bool(true));
        let ctx = Ctx::new().with("r", Value::Nodeset(vec![]));
        assert_eq!(eval_with(&ctx, "boolean(${r})"), Value::Bool(false));
        for (s, b) in [
            ("true", true),
            ("TRUE", true),
            ("1", true),
            ("0", false),
            ("yes", false),
            ("", false),
        ] {
            assert_eq!(
                eval(&format!("boolean-from-string('{s}')")),
                Value::Bool(b),
                "{s}"
            );
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn checklists() {
        // JavaRosa's XPathEvalTest cases.
        assert_eq!(eval("checklist(1, 3, 'foo', 'bar')"), Value::Bool(true));
        assert_eq!(eval("checklist(-1, 1, 'foo', 'bar')"), Value::Bool(false));
        assert_eq!(eval("checklist(3, -1, 'foo', 'bar')"), Value::Bool(false));
        assert_eq!(eval("checklist(3, 5, 'foo', 'bar')"), Value::Bool(false));
        assert_eq!(
            eval("checklist(1, 2, 'foo', 'bar', 'baz')"),
            Value::Bool(false)
        );
        // No bounds, empty and false values, a repeat's members.
        assert_eq!(eval("checklist(-1, -1, '', 0)"), Value::Bool(true));
        assert_eq!(eval("checklist(1, -1, '', 0, false())"), Value::Bool(false));
        assert_eq!(eval("checklist(2.9, 2, 1, 1)"), Value::Bool(true));
        assert_eq!(eval("checklist(0, 0)"), Value::Bool(true));
        let c = Ctx::new().with(
            "sick",
            Value::Nodeset(vec![true.into(), "".into(), "yes".into()]),
        );
        assert_eq!(eval_with(&c, "checklist(2, 2, ${sick})"), Value::Bool(true));
        assert_eq!(
            eval_with(&c, "checklist(0, 1, ${sick})"),
            Value::Bool(false)
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn weighted_checklists() {
        assert_eq!(
            eval("weighted-checklist(5, 10, 'yes', 3, '', 4, 1 = 1, 2.5)"),
            Value::Bool(true)
        );
        assert_eq!(
            eval("weighted-checklist(6, 10, 'yes', 3, '', 4, 1 = 1, 2.5)"),
            Value::Bool(false)
        );
        assert_eq!(eval("weighted-checklist(0, 0)"), Value::Bool(true));
        // Unlike checklist, -1 is a bound like any other.
        assert_eq!(
            eval("weighted-checklist(-1, -1, 'x', 2)"),
            Value::Bool(false)
        );
        let c = Ctx::new()
            .with(
                "flag",
                Value::Nodeset(vec!["1".into(), "".into(), "1".into()]),
            )
            .with(
                "weight",
                Value::Nodeset(vec![2.0.into(), 5.0.into(), "3".into()]),
            )
            .with("short", Value::Nodeset(vec![1.0.into()]));
        assert_eq!(
            eval_with(&c, "weighted-checklist(5, 5, ${flag}, ${weight})"),
            Value::Bool(true)
        );
        assert_eq!(
            eval_with(&c, "weighted-checklist(0, 9, ${flag}, ${short})"),
            Value::Bool(false)
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn uuid_and_random_use_the_environment() {
        assert_eq!(
            eval("uuid()"),
            Value::from("00000000-0000-4000-8000-000000000001")
        );
        let Value::String(s) = eval("uuid(12)") else {
            panic!("string expected")
        };
        assert_eq!(s.chars().count(), 12);
        assert!(s.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(eval("uuid(-1)"), Value::from(""));
        assert_eq!(
            eval("string-length(uuid(1000000000000))"),
            Value::Number(4096.0)
        );
        let Value::Number(r) = eval("random()") else {
            panic!("number expected")
        };
        assert!((0.0..1.0).contains(&r));
        // Two calls within one expression differ.
        assert_eq!(eval("random() = random()"), Value::Bool(false));
    }
}
