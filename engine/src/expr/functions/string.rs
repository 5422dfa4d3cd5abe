//! String functions. Indices count Unicode scalar values (`char`s); JavaRosa
//! counts UTF-16 units, which only differs outside the Basic Multilingual
//! Plane (emoji).

use super::{Func, arg, eval_args, flatten, round_half_up};
use crate::expr::ast::{Expr, ExprKind};
use crate::expr::eval::EvalContext;
use crate::expr::regex::Regex;
use crate::expr::value::Value;

pub(super) fn call(func: Func, args: &[Expr], ctx: &dyn EvalContext) -> Value {
    let s = |i: usize| arg(args, i, ctx).as_string();
    // The argument, or the current node's value when it is omitted.
    let s_or_current = || {
        if args.is_empty() {
            ctx.current().as_string()
        } else {
            s(0)
        }
    };
    match func {
        // ODK: node-set arguments contribute all their members.
        Func::Join => {
            let mut values = eval_args(args, ctx);
            if values.is_empty() {
                return Value::empty();
            }
            let sep = values.remove(0).as_string();
            Value::String(join(&sep, &flatten(values)))
        }
        Func::String => Value::String(s_or_current()),
        Func::StringLength => Value::Number(s_or_current().chars().count() as f64),
        Func::NormalizeSpace => Value::String(normalize_space(&s_or_current())),
        Func::Substr => {
            let end = args.get(2).map(|_| arg(args, 2, ctx).as_number());
            Value::String(substr(&s(0), arg(args, 1, ctx).as_number(), end))
        }
        Func::Substring => {
            let len = args.get(2).map(|_| arg(args, 2, ctx).as_number());
            Value::String(substring(&s(0), arg(args, 1, ctx).as_number(), len))
        }
        Func::SubstringBefore => {
            let (hay, needle) = (s(0), s(1));
            Value::String(
                hay.find(&needle)
                    .map_or_else(String::new, |i| hay[..i].to_owned()),
            )
        }
        Func::SubstringAfter => {
            let (hay, needle) = (s(0), s(1));
            Value::String(
                hay.find(&needle)
                    .map_or_else(String::new, |i| hay[i + needle.len()..].to_owned()),
            )
        }
        Func::Contains => Value::Bool(s(0).contains(&s(1))),
        Func::StartsWith => Value::Bool(s(0).starts_with(&s(1))),
        Func::EndsWith => Value::Bool(s(0).ends_with(&s(1))),
        Func::Translate => Value::String(translate(&s(0), &s(1), &s(2))),
        Func::Regex => {
            let text = s(0);
            match args.get(1).map(|a| &a.kind) {
                // A literal pattern, compiled at load.
                Some(ExprKind::Pattern(re)) => Value::Bool(re.is_match(&text)),
                // Known only now (`${pattern}`): an invalid one matches
                // nothing (JavaRosa throws instead).
                _ => Value::Bool(Regex::new(&s(1)).is_ok_and(|re| re.is_match(&text))),
            }
        }
        _ => Value::empty(),
    }
}

/// `concat(...)`: every argument's text, node-sets member by member.
pub(super) fn concat(args: &[Expr], ctx: &dyn EvalContext) -> Value {
    Value::String(join("", &flatten(eval_args(args, ctx))))
}

fn join(sep: &str, values: &[Value]) -> String {
    values
        .iter()
        .map(Value::as_string)
        .collect::<Vec<_>>()
        .join(sep)
}

/// Trim and collapse runs of whitespace to one space.
fn normalize_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// ODK `substr(s, start[, end])`: 0-based, `end` exclusive, negative
/// indices count from the end, out-of-range indices are clamped
/// (JavaRosa semantics).
fn substr(s: &str, start: f64, end: Option<f64>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let len = chars.len() as i64;
    let index = |x: f64| -> i64 {
        // NaN truncates to 0, like Java's (int) cast.
        let i = if x.is_nan() { 0 } else { x.trunc() as i64 };
        if i < 0 { len + i } else { i }
    };
    let start = index(start).clamp(0, len);
    let end = end.map_or(len, index).clamp(0, len);
    if start >= end {
        return String::new();
    }
    chars[start as usize..end as usize].iter().collect()
}

/// XPath 1.0 `substring(s, start[, length])`: 1-based, rounded positions;
/// characters at positions `p` with `round(start) <= p < round(start) +
/// round(length)` (all comparisons in floating point, so NaN yields "").
fn substring(s: &str, start: f64, len: Option<f64>) -> String {
    let first = round_half_up(start);
    let last = len.map_or(f64::INFINITY, |l| first + round_half_up(l));
    s.chars()
        .enumerate()
        .filter(|(i, _)| {
            let p = (*i + 1) as f64;
            p >= first && p < last
        })
        .map(|(_, c)| c)
        .collect()
}

/// XPath `translate`: map characters of `from` to the same position in `to`,
/// deleting those beyond `to`'s length; the first occurrence in `from` wins.
fn translate(s: &str, from: &str, to: &str) -> String {
    let from: Vec<char> = from.chars().collect();
    let to: Vec<char> = to.chars().collect();
    s.chars()
        .filter_map(|c| match from.iter().position(|&f| f == c) {
            None => Some(c),
            Some(i) => to.get(i).copied(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::expr::testing::{Ctx, eval, eval_str, eval_with};
    use crate::expr::value::Value;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn repeat_ctx() -> Ctx {
        Ctx::new().with(
            "names",
            Value::Nodeset(vec!["Ana".into(), "Bia".into(), "".into(), "Caio".into()]),
        )
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn concat_and_join() {
        assert_eq!(eval_str("concat('a', 1, true(), 2.5)"), "a1true2.5");
        assert_eq!(eval_str("concat()"), "");
        assert_eq!(eval_str("concat('x')"), "x");
        let ctx = repeat_ctx();
        assert_eq!(
            eval_with(&ctx, "concat(${names})"),
            Value::from("AnaBiaCaio")
        );
        assert_eq!(
            eval_with(&ctx, "concat('<', ${names}, '>')"),
            Value::from("<AnaBiaCaio>")
        );
        assert_eq!(
            eval_with(&ctx, "join(', ', ${names})"),
            Value::from("Ana, Bia, , Caio")
        );
        assert_eq!(eval_str("join('-', 'a', 'b', 3)"), "a-b-3");
        assert_eq!(eval_str("join('-')"), "");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn string_and_length() {
        assert_eq!(eval("string(1)"), Value::from("1"));
        assert_eq!(eval("string(1.50)"), Value::from("1.5"));
        assert_eq!(eval("string(0 div 0)"), Value::from("NaN"));
        assert_eq!(eval("string(1 div 0)"), Value::from("Infinity"));
        assert_eq!(eval("string(-1 div 0)"), Value::from("-Infinity"));
        assert_eq!(eval("string(1 = 1)"), Value::from("true"));
        assert_eq!(eval("string-length('héllo')"), Value::Number(5.0));
        assert_eq!(eval("string-length('')"), Value::Number(0.0));
        let ctx = Ctx::new().current("abcd");
        assert_eq!(eval_with(&ctx, "string-length()"), Value::Number(4.0));
        assert_eq!(eval_with(&ctx, "string()"), Value::from("abcd"));
        assert_eq!(eval_with(&ctx, "string-length(.) <= 4"), Value::Bool(true));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn substr_odk() {
        assert_eq!(eval_str("substr('hello', 2, 3)"), "l");
        assert_eq!(eval_str("substr('hello', 0, 2)"), "he");
        assert_eq!(eval_str("substr('hello', 1)"), "ello");
        assert_eq!(eval_str("substr('hello', -2)"), "lo");
        assert_eq!(eval_str("substr('hello', 1, -1)"), "ell");
        assert_eq!(eval_str("substr('hello', 3, 1)"), "");
        assert_eq!(eval_str("substr('hello', 2, 99)"), "llo");
        assert_eq!(eval_str("substr('hello', 99)"), "");
        assert_eq!(eval_str("substr('', 0, 1)"), "");
        assert_eq!(eval_str("substr('héllo', 1, 2)"), "é");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn substring_xpath() {
        assert_eq!(eval_str("substring('12345', 2, 3)"), "234");
        assert_eq!(eval_str("substring('12345', 2)"), "2345");
        assert_eq!(eval_str("substring('12345', 1.5, 2.6)"), "234");
        assert_eq!(eval_str("substring('12345', 0, 3)"), "12");
        assert_eq!(eval_str("substring('12345', 0 div 0, 3)"), "");
        assert_eq!(eval_str("substring('12345', 1, 0 div 0)"), "");
        assert_eq!(eval_str("substring('12345', -42, 1 div 0)"), "12345");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn searching() {
        assert_eq!(eval_str("substring-before('1999/04/01', '/')"), "1999");
        assert_eq!(eval_str("substring-before('abc', 'x')"), "");
        assert_eq!(eval_str("substring-before('abc', 'a')"), "");
        assert_eq!(eval_str("substring-after('1999/04/01', '/')"), "04/01");
        assert_eq!(eval_str("substring-after('abc', 'x')"), "");
        assert_eq!(eval_str("substring-after('abc', '')"), "abc");
        assert_eq!(
            eval("contains('Maria da Silva', 'Silva')"),
            Value::Bool(true)
        );
        assert_eq!(eval("contains('Maria', 'silva')"), Value::Bool(false));
        assert_eq!(eval("contains('abc', '')"), Value::Bool(true));
        assert_eq!(eval("starts-with('Maria', 'Ma')"), Value::Bool(true));
        assert_eq!(eval("starts-with('Maria', 'ria')"), Value::Bool(false));
        assert_eq!(eval("ends-with('Maria', 'ria')"), Value::Bool(true));
        assert_eq!(eval("ends-with('', 'a')"), Value::Bool(false));
        assert_eq!(eval("contains(12345, 34)"), Value::Bool(true));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn normalize_and_translate() {
        assert_eq!(eval_str("normalize-space('  a \t b\n\nc  ')"), "a b c");
        assert_eq!(eval_str("normalize-space('')"), "");
        let ctx = Ctx::new().current(" x  y ");
        assert_eq!(eval_with(&ctx, "normalize-space()"), Value::from("x y"));
        assert_eq!(eval_str("translate('bar', 'abc', 'ABC')"), "BAr");
        assert_eq!(eval_str("translate('--aaa--', 'abc-', 'ABC')"), "AAA");
        assert_eq!(eval_str("translate('abc', 'aa', 'xy')"), "xbc");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn regex() {
        assert_eq!(eval("regex('12345', '[0-9]+')"), Value::Bool(true));
        // Whole-string match, as in ODK Collect.
        assert_eq!(eval("regex('a12345', '[0-9]+')"), Value::Bool(false));
        assert_eq!(eval("regex('0712345678', '^07\\d{8}$')"), Value::Bool(true));
        assert_eq!(eval("regex('', 'a*')"), Value::Bool(true));
        assert_eq!(eval("regex(., 'x')"), Value::Bool(false));
        // A pattern only known at run time that is invalid: false.
        let ctx = Ctx::new().with("p", "[a-");
        assert_eq!(eval_with(&ctx, "regex('a', ${p})"), Value::Bool(false));
        // A pattern known at run time that is valid.
        let ctx = Ctx::new().with("p", "[a-z]+");
        assert_eq!(eval_with(&ctx, "regex('abc', ${p})"), Value::Bool(true));
        assert_eq!(eval_with(&ctx, "regex('ab1', ${p})"), Value::Bool(false));
        // Issue 12: valid names of 299 characters or more were refused.
        for len in [299, 10_000] {
            let name: String = "Ana Maria ".chars().cycle().take(len).collect();
            let ctx = Ctx::new().with("name", name.as_str());
            assert_eq!(
                eval_with(&ctx, "regex(${name}, '^([A-Za-z]| )*$')"),
                Value::Bool(true),
                "{len} characters"
            );
        }
        // The compiled literal reads as the text it was written as.
        assert_eq!(
            eval("concat('x', '[0-9]+')"),
            Value::String("x[0-9]+".into())
        );
    }
}
