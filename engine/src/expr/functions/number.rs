//! Numeric functions.

use super::{Func, arg, eval_args, flatten};
use crate::expr::ast::Expr;
use crate::expr::eval::EvalContext;
use crate::expr::value::Value;

pub(super) fn call(func: Func, args: &[Expr], ctx: &dyn EvalContext) -> Value {
    let n = |i: usize| arg(args, i, ctx).as_number();
    Value::Number(match func {
        Func::Number => n(0),
        // Truncates toward zero; NaN and infinities pass through.
        Func::Int => n(0).trunc(),
        Func::Round => {
            let places = if args.len() > 1 { n(1) } else { 0.0 };
            round(n(0), places)
        }
        Func::Floor => n(0).floor(),
        Func::Ceiling => n(0).ceil(),
        Func::Abs => n(0).abs(),
        Func::Pow => n(0).powf(n(1)),
        Func::Sqrt => n(0).sqrt(),
        Func::Exp => n(0).exp(),
        Func::Exp10 => 10f64.powf(n(0)),
        Func::Log => n(0).ln(),
        Func::Log10 => n(0).log10(),
        Func::Sin => n(0).sin(),
        Func::Cos => n(0).cos(),
        Func::Tan => n(0).tan(),
        Func::Asin => n(0).asin(),
        Func::Acos => n(0).acos(),
        Func::Atan => n(0).atan(),
        Func::Atan2 => n(0).atan2(n(1)),
        Func::Pi => std::f64::consts::PI,
        Func::Min => extreme(eval_args(args, ctx), f64::min),
        Func::Max => extreme(eval_args(args, ctx), f64::max),
        _ => f64::NAN,
    })
}

/// `min`/`max` over all arguments, node-sets spread out. Like JavaRosa,
/// members that are not numbers (typically unanswered fields) are skipped;
/// NaN if nothing numeric remains.
fn extreme(values: Vec<Value>, pick: fn(f64, f64) -> f64) -> f64 {
    flatten(values)
        .iter()
        .map(Value::as_number)
        .filter(|x| !x.is_nan())
        .reduce(pick)
        .unwrap_or(f64::NAN)
}

/// XPath `round()` (one argument): ties go toward positive infinity, so
/// `round(2.5) = 3` and `round(-2.5) = -2`.
pub(crate) fn round_half_up(x: f64) -> f64 {
    round(x, 0.0)
}

/// ODK `round(x, places)`: decimal rounding of the number as it is written
/// (JavaRosa rounds `BigDecimal(Double.toString(x))`), so `round(1.005, 2)`
/// is 1.01 even though the double 1.005 is slightly below it. Ties go toward
/// positive infinity as in XPath 1.0. Negative `places` round to tens,
/// hundreds, ...; `|places| > 30` gives NaN.
pub(crate) fn round(x: f64, places: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let places = if places.is_nan() { 0.0 } else { places.trunc() };
    if places.abs() > 30.0 {
        return f64::NAN;
    }
    let places = places as i64;
    // Shortest round-tripping decimal digits of |x| and the exponent of
    // the first digit: |x| = 0.d1d2d3... * 10^(exp + 1).
    let sci = format!("{:e}", x.abs());
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return x;
    };
    let Ok(exp) = exp.parse::<i64>() else {
        return x;
    };
    let digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // Digit i has weight 10^(exp - i); keep those with weight >= 10^-places.
    let keep = exp + places + 1;
    if keep < 0 {
        return 0.0 * x.signum();
    }
    let keep = keep as usize;
    if keep >= digits.len() {
        return x;
    }
    let first_dropped = digits[keep];
    let rest_nonzero = digits[keep + 1..].iter().any(|&d| d != 0);
    // Away from zero for positive numbers on ties; toward zero for negatives.
    let up = first_dropped > 5 || (first_dropped == 5 && (rest_nonzero || x > 0.0));
    // Kept digits as an integer (at most 17 digits: fits in u64).
    let mut kept: u64 = digits[..keep]
        .iter()
        .fold(0, |acc, &d| acc * 10 + u64::from(d));
    if up {
        kept += 1;
    }
    let scale = exp - keep as i64 + 1;
    let magnitude: f64 = format!("{kept}e{scale}").parse().unwrap_or(f64::NAN);
    magnitude.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::round;
    use crate::expr::testing::{Ctx, eval, eval_num, eval_with};
    use crate::expr::value::Value;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn number_conversion() {
        assert_eq!(eval_num("number('42')"), 42.0);
        assert_eq!(eval_num("number(' -1.5 ')"), -1.5);
        assert!(eval_num("number('abc')").is_nan());
        assert!(eval_num("number('')").is_nan());
        assert_eq!(eval_num("number(true())"), 1.0);
        assert_eq!(eval_num("number(false())"), 0.0);
        assert_eq!(eval_num("number(date('1970-01-11'))"), 10.0);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn int_truncates_toward_zero() {
        assert_eq!(eval_num("int(2.7)"), 2.0);
        assert_eq!(eval_num("int(-2.7)"), -2.0);
        assert_eq!(eval("string(int(-0.5))"), Value::from("0"));
        assert!(eval_num("int('x')").is_nan());
        assert_eq!(eval_num("int('12.9')"), 12.0);
        assert!(eval_num("int(1 div 0)").is_infinite());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn rounding() {
        assert_eq!(eval_num("round(2.5)"), 3.0);
        assert_eq!(eval_num("round(2.4)"), 2.0);
        assert_eq!(eval_num("round(-2.5)"), -2.0);
        assert_eq!(eval_num("round(-2.6)"), -3.0);
        assert_eq!(eval_num("round(1.005, 2)"), 1.01);
        assert_eq!(eval_num("round(1.23456, 3)"), 1.235);
        assert_eq!(eval_num("round(1234.5, -2)"), 1200.0);
        assert_eq!(eval_num("round(1250, -2)"), 1300.0);
        assert_eq!(eval_num("round(0.6)"), 1.0);
        assert_eq!(eval_num("round(0.4)"), 0.0);
        assert_eq!(eval_num("round(0.05, 1)"), 0.1);
        assert_eq!(eval_num("round(9.99, 1)"), 10.0);
        assert_eq!(eval_num("round(12, 2)"), 12.0);
        assert_eq!(eval_num("round(0.001, 0)"), 0.0);
        assert_eq!(eval_num("round(-0.5)"), 0.0);
        assert_eq!(eval_num("round(33.33, -1)"), 30.0);
        assert!(eval_num("round('')").is_nan());
        assert!(eval_num("round(1, 31)").is_nan());
        assert_eq!(eval_num("round(1.5, 'x')"), 2.0);
        assert_eq!(round(f64::INFINITY, 2.0), f64::INFINITY);
        assert_eq!(round(1e300, 2.0), 1e300);
        assert_eq!(round(123_456.789, 1.0), 123_456.8);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn floor_ceiling_abs() {
        assert_eq!(eval_num("floor(2.7)"), 2.0);
        assert_eq!(eval_num("floor(-2.1)"), -3.0);
        assert_eq!(eval_num("ceiling(2.1)"), 3.0);
        assert_eq!(eval_num("ceiling(-2.7)"), -2.0);
        assert_eq!(eval_num("abs(-3)"), 3.0);
        assert!(eval_num("abs('')").is_nan());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn math() {
        assert_eq!(eval_num("pow(2, 10)"), 1024.0);
        assert_eq!(eval_num("pow(4, 0.5)"), 2.0);
        assert_eq!(eval_num("sqrt(16)"), 4.0);
        assert!(eval_num("sqrt(-1)").is_nan());
        assert_eq!(eval_num("exp(0)"), 1.0);
        assert_eq!(eval_num("exp10(3)"), 1000.0);
        assert_eq!(eval_num("log(exp(2))"), 2.0);
        assert_eq!(eval_num("log10(1000)"), 3.0);
        assert!(eval_num("log(-1)").is_nan());
        assert_eq!(eval_num("log(0)"), f64::NEG_INFINITY);
        assert_eq!(eval_num("sin(0)"), 0.0);
        assert_eq!(eval_num("cos(0)"), 1.0);
        assert_eq!(eval_num("tan(0)"), 0.0);
        assert_eq!(eval_num("asin(1)"), std::f64::consts::FRAC_PI_2);
        assert_eq!(eval_num("acos(1)"), 0.0);
        assert_eq!(eval_num("atan(0)"), 0.0);
        assert_eq!(eval_num("atan2(1, 1)"), std::f64::consts::FRAC_PI_4);
        assert_eq!(eval_num("pi()"), std::f64::consts::PI);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn min_max() {
        assert_eq!(eval_num("min(3, 1, 2)"), 1.0);
        assert_eq!(eval_num("max(3, 1, 2)"), 3.0);
        assert_eq!(eval_num("max('7', 10)"), 10.0);
        let ctx = Ctx::new()
            .with(
                "age",
                Value::Nodeset(vec![4.0.into(), "".into(), 11.0.into(), "2".into()]),
            )
            .with("none", Value::Nodeset(vec![]))
            .with("blank", "");
        assert_eq!(eval_with(&ctx, "max(${age})"), Value::Number(11.0));
        assert_eq!(eval_with(&ctx, "min(${age})"), Value::Number(2.0));
        assert_eq!(eval_with(&ctx, "min(${age}, -1)"), Value::Number(-1.0));
        assert!(eval_with(&ctx, "max(${none})").as_number().is_nan());
        assert!(eval_with(&ctx, "min(${blank})").as_number().is_nan());
        assert_eq!(eval_with(&ctx, "max(${blank}, 5)"), Value::Number(5.0));
    }
}
