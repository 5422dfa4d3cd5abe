//! Control flow, booleans and the volatile `uuid()` / `random()`.

use super::{Func, arg};
use crate::expr::ast::Expr;
use crate::expr::eval::{EvalContext, evaluate};
use crate::expr::value::Value;

/// Longest string `uuid(n)` produces; a typo like `uuid(1e9)` must not
/// exhaust a tablet's memory.
const MAX_RANDOM_STRING: usize = 4096;

pub(super) fn logic(func: Func, args: &[Expr], ctx: &dyn EvalContext) -> Value {
    match func {
        // Lazy: only the chosen branch is evaluated (ODK does the same).
        Func::If => {
            if arg(args, 0, ctx).as_bool() {
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
        Func::Boolean => Value::Bool(arg(args, 0, ctx).as_bool()),
        Func::Not => Value::Bool(!arg(args, 0, ctx).as_bool()),
        Func::True => Value::Bool(true),
        Func::False => Value::Bool(false),
        _ => Value::empty(),
    }
}

pub(super) fn other(func: Func, args: &[Expr], ctx: &dyn EvalContext) -> Value {
    match func {
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
    use crate::expr::testing::{Ctx, eval, eval_with};
    use crate::expr::value::Value;
    use wasm_bindgen_test::wasm_bindgen_test;

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
    fn uuid_and_random_use_the_environment() {
        assert_eq!(
            eval("uuid()"),
            Value::from("00000000-0000-7000-8000-000000000001")
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
