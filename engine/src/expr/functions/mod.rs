//! The function library, resolved at parse time.
//!
//! The parser turns a name into a [`Func`] and checks its [`Arity`], so
//! unknown functions and wrong argument counts are load-time errors, and
//! evaluation is a plain `match`. Arguments are handed over unevaluated
//! because some functions are lazy (`if`, `coalesce`, `once`) or look at
//! the syntax of their arguments (`indexed-repeat`).

mod crypto;
mod date;
mod external;
mod geo;
mod misc;
mod number;
mod randomize;
mod repeat;
mod select;
mod string;

pub use randomize::{seed_of, shuffle, shuffle_seeded};

use super::ast::{Expr, ExprKind};
use super::eval::{EvalContext, evaluate};
use super::value::Value;

/// How many arguments a function accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    Exact(usize),
    Range(usize, usize),
    AtLeast(usize),
    /// `indexed-repeat`: 3, 5, 7, 9 or 11.
    OddBetween(usize, usize),
    /// `weighted-checklist`: an even number, at least this many.
    EvenAtLeast(usize),
}

impl Arity {
    pub fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exact(k) => n == k,
            Arity::Range(a, b) => (a..=b).contains(&n),
            Arity::AtLeast(a) => n >= a,
            Arity::OddBetween(a, b) => (a..=b).contains(&n) && n % 2 == 1,
            Arity::EvenAtLeast(a) => n >= a && n.is_multiple_of(2),
        }
    }

    /// Wording for error messages: "3 arguments", "1 or 2 arguments", ...
    pub fn describe(self) -> String {
        let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
        match self {
            Arity::Exact(0) => "no arguments".to_owned(),
            Arity::Exact(n) => format!("{n} {}", plural(n)),
            Arity::Range(a, b) if b == a + 1 => format!("{a} or {b} arguments"),
            Arity::Range(a, b) => format!("{a} to {b} arguments"),
            Arity::AtLeast(a) => format!("at least {a} {}", plural(a)),
            Arity::OddBetween(a, b) => {
                let odd: Vec<String> = (a..=b).step_by(2).map(|n| n.to_string()).collect();
                match odd.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} or {last} arguments", rest.join(", "))
                    }
                    _ => format!("{a} arguments"),
                }
            }
            Arity::EvenAtLeast(a) => format!("an even number of arguments, at least {a}"),
        }
    }
}

macro_rules! functions {
    ($($variant:ident => $name:literal, $arity:expr;)*) => {
        /// A function of the expression language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Func { $($variant,)* }

        impl Func {
            /// Every function, in library order.
            pub const ALL: &'static [Func] = &[$(Func::$variant,)*];

            /// The name as written in forms, e.g. `jr:choice-name`.
            pub fn name(self) -> &'static str {
                match self { $(Func::$variant => $name,)* }
            }

            pub fn arity(self) -> Arity {
                match self { $(Func::$variant => $arity,)* }
            }

            /// Look a function up by the name written in the form.
            pub fn from_name(name: &str) -> Option<Func> {
                match name { $($name => Some(Func::$variant),)* _ => None }
            }
        }
    };
}

use Arity::{AtLeast, EvenAtLeast, Exact, OddBetween, Range};

functions! {
    // control flow and misc
    If => "if", Exact(3);
    Coalesce => "coalesce", Exact(2);
    Once => "once", Exact(1);
    Boolean => "boolean", Exact(1);
    Not => "not", Exact(1);
    True => "true", Exact(0);
    False => "false", Exact(0);
    BooleanFromString => "boolean-from-string", Exact(1);
    Uuid => "uuid", Range(0, 1);
    Random => "random", Exact(0);
    Checklist => "checklist", AtLeast(2);
    WeightedChecklist => "weighted-checklist", EvenAtLeast(2);
    Digest => "digest", Range(2, 3);
    Base64Decode => "base64-decode", Exact(1);
    ExtractSigned => "extract-signed", Exact(2);
    // select questions
    Selected => "selected", Exact(2);
    CountSelected => "count-selected", Exact(1);
    SelectedAt => "selected-at", Exact(2);
    ChoiceName => "jr:choice-name", Exact(2);
    // strings
    Concat => "concat", AtLeast(0);
    Join => "join", AtLeast(1);
    String => "string", Range(0, 1);
    StringLength => "string-length", Range(0, 1);
    Substr => "substr", Range(2, 3);
    Substring => "substring", Range(2, 3);
    SubstringBefore => "substring-before", Exact(2);
    SubstringAfter => "substring-after", Exact(2);
    Contains => "contains", Exact(2);
    StartsWith => "starts-with", Exact(2);
    EndsWith => "ends-with", Exact(2);
    NormalizeSpace => "normalize-space", Range(0, 1);
    Translate => "translate", Exact(3);
    Regex => "regex", Exact(2);
    // numbers
    Number => "number", Exact(1);
    Int => "int", Exact(1);
    Round => "round", Range(1, 2);
    Floor => "floor", Exact(1);
    Ceiling => "ceiling", Exact(1);
    Abs => "abs", Exact(1);
    Pow => "pow", Exact(2);
    Sqrt => "sqrt", Exact(1);
    Exp => "exp", Exact(1);
    Exp10 => "exp10", Exact(1);
    Log => "log", Exact(1);
    Log10 => "log10", Exact(1);
    Sin => "sin", Exact(1);
    Cos => "cos", Exact(1);
    Tan => "tan", Exact(1);
    Asin => "asin", Exact(1);
    Acos => "acos", Exact(1);
    Atan => "atan", Exact(1);
    Atan2 => "atan2", Exact(2);
    Pi => "pi", Exact(0);
    Min => "min", AtLeast(1);
    Max => "max", AtLeast(1);
    // repeats and node-sets
    Sum => "sum", Exact(1);
    Count => "count", Exact(1);
    CountNonEmpty => "count-non-empty", Exact(1);
    Position => "position", Range(0, 1);
    IndexedRepeat => "indexed-repeat", OddBetween(3, 11);
    Randomize => "randomize", Range(1, 2);
    Last => "last", Exact(0);
    Name => "name", Range(0, 1);
    LocalName => "local-name", Range(0, 1);
    // dates
    Today => "today", Exact(0);
    Now => "now", Exact(0);
    Date => "date", Exact(1);
    DateTime => "date-time", Exact(1);
    DecimalDateTime => "decimal-date-time", Exact(1);
    DecimalTime => "decimal-time", Exact(1);
    FormatDate => "format-date", Exact(2);
    FormatDateTime => "format-date-time", Exact(2);
    // geography
    Distance => "distance", AtLeast(1);
    Area => "area", Exact(1);
    // external data
    Pulldata => "pulldata", Exact(4);
}

impl Func {
    /// Functions whose result changes without any field changing; the
    /// dependency graph must treat them specially.
    pub fn is_volatile(self) -> bool {
        // `randomize` without a seed is random; with one it is not, but
        // telling them apart here is not worth it: the server keeps what the
        // device computed either way.
        matches!(
            self,
            Func::Now | Func::Today | Func::Random | Func::Uuid | Func::Randomize
        )
    }

    /// The arguments that must be node-sets (field references, paths,
    /// `instance(...)`, `randomize(...)`): anything else is a load-time
    /// error, as JavaRosa refuses it ("not a nodeset").
    pub fn node_set_arguments(self) -> &'static [usize] {
        match self {
            Func::Count | Func::CountNonEmpty | Func::Sum | Func::Randomize => &[0],
            Func::Position | Func::Name | Func::LocalName => &[0],
            _ => &[],
        }
    }

    /// Whether a call's value is a node-set (usable where one is required).
    pub fn returns_node_set(self) -> bool {
        matches!(self, Func::Randomize)
    }
}

/// Load-time checks of a call's arguments that this library owns: node-set
/// arguments must be node expressions, and `digest`'s literal algorithm
/// and encoding names must exist. The error is the argument's index and
/// what is wrong with it.
pub(crate) fn check_call(func: Func, args: &[Expr]) -> Result<(), (usize, String)> {
    for &i in func.node_set_arguments() {
        if let Some(a) = args.get(i)
            && let Some(what) = not_a_node_set(a)
        {
            return Err((
                i,
                format!(
                    "argument {} must be a node-set (a field reference like ${{name}}, a path \
                     or instance(...)), not {what}",
                    i + 1
                ),
            ));
        }
    }
    if func == Func::Digest {
        let literal = |i: usize| match args.get(i).map(|a| &a.kind) {
            Some(ExprKind::String(s)) => Some(s.as_str()),
            _ => None,
        };
        if let Some(name) = literal(1)
            && crypto::Algorithm::from_name(name).is_none()
        {
            return Err((
                1,
                format!("unknown algorithm '{name}' (MD5, SHA-1, SHA-256, SHA-384 or SHA-512)"),
            ));
        }
        if let Some(name) = literal(2)
            && crypto::Encoding::from_name(name).is_none()
        {
            return Err((2, format!("unknown encoding '{name}' (base64 or hex)")));
        }
    }
    Ok(())
}

/// What a non-node-set argument is, in words; `None` for node expressions.
fn not_a_node_set(e: &Expr) -> Option<&'static str> {
    match &e.kind {
        ExprKind::String(_) | ExprKind::Pattern(_) => Some("a text"),
        ExprKind::Number(_) => Some("a number"),
        ExprKind::Neg(_) | ExprKind::Binary { .. } => Some("a calculation"),
        // `if` hands back one of its arguments, which may be a node-set.
        ExprKind::Call { func, .. } if !func.returns_node_set() && *func != Func::If => {
            Some("a function's value")
        }
        // References, paths, `.`, `..`, instance paths, `randomize(...)`.
        _ => None,
    }
}

/// Evaluate every argument eagerly.
fn eval_args(args: &[Expr], ctx: &dyn EvalContext) -> Vec<Value> {
    args.iter().map(|a| evaluate(a, ctx)).collect()
}

/// Evaluate argument `i`, or an empty string if it is absent (arity was
/// checked at parse time, so absence only happens for optional arguments).
fn arg(args: &[Expr], i: usize, ctx: &dyn EvalContext) -> Value {
    args.get(i).map_or_else(Value::empty, |a| evaluate(a, ctx))
}

/// Node-sets spread into their members; other values stay as they are.
fn flatten(values: Vec<Value>) -> Vec<Value> {
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        match v {
            Value::Nodeset(items) => out.extend(items),
            other => out.push(other),
        }
    }
    out
}

pub(crate) fn call(func: Func, args: &[Expr], ctx: &dyn EvalContext) -> Value {
    use Func as F;
    match func {
        F::If | F::Coalesce | F::Once | F::Boolean | F::Not | F::True | F::False => {
            misc::logic(func, args, ctx)
        }
        F::BooleanFromString | F::Uuid | F::Random | F::Checklist | F::WeightedChecklist => {
            misc::other(func, args, ctx)
        }
        F::Digest => crypto::digest(args, ctx),
        F::Base64Decode => crypto::base64_decode(args, ctx),
        F::ExtractSigned => crypto::extract_signed(args, ctx),
        F::Randomize => randomize::call(args, ctx),
        F::Selected | F::CountSelected | F::SelectedAt | F::ChoiceName => {
            select::call(func, args, ctx)
        }
        // Apart from the other string functions: `string::call`'s frame is
        // large in an unoptimised build, and nested `concat`s pay it per level.
        F::Concat => string::concat(args, ctx),
        F::Join
        | F::String
        | F::StringLength
        | F::Substr
        | F::Substring
        | F::SubstringBefore
        | F::SubstringAfter
        | F::Contains
        | F::StartsWith
        | F::EndsWith
        | F::NormalizeSpace
        | F::Translate
        | F::Regex => string::call(func, args, ctx),
        F::Number
        | F::Int
        | F::Round
        | F::Floor
        | F::Ceiling
        | F::Abs
        | F::Pow
        | F::Sqrt
        | F::Exp
        | F::Exp10
        | F::Log
        | F::Log10
        | F::Sin
        | F::Cos
        | F::Tan
        | F::Asin
        | F::Acos
        | F::Atan
        | F::Atan2
        | F::Pi
        | F::Min
        | F::Max => number::call(func, args, ctx),
        F::Sum
        | F::Count
        | F::CountNonEmpty
        | F::Position
        | F::IndexedRepeat
        | F::Last
        | F::Name
        | F::LocalName => repeat::call(func, args, ctx),
        F::Today
        | F::Now
        | F::Date
        | F::DateTime
        | F::DecimalDateTime
        | F::DecimalTime
        | F::FormatDate
        | F::FormatDateTime => date::call(func, args, ctx),
        F::Distance | F::Area => geo::call(func, args, ctx),
        F::Pulldata => external::pulldata(args, ctx),
    }
}

pub(crate) use number::round_half_up;

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn names_round_trip() {
        for &f in Func::ALL {
            assert_eq!(Func::from_name(f.name()), Some(f));
        }
        assert_eq!(Func::from_name("pulldatum"), None);
    }

    fn load_error(src: &str) -> String {
        crate::expr::parse(src)
            .expect_err("should not load")
            .to_string()
    }

    /// JavaRosa throws "not a nodeset" for these; here the form does not load.
    #[wasm_bindgen_test(unsupported = test)]
    fn node_set_arguments_are_checked_at_load() {
        assert_eq!(
            load_error("count(3)"),
            "function `count`: argument 1 must be a node-set (a field reference like ${name}, \
             a path or instance(...)), not a number (position 6)"
        );
        assert!(load_error("sum(${a} + ${b})").ends_with("not a calculation (position 4)"));
        assert!(load_error("count-non-empty('x')").contains("not a text"));
        assert!(load_error("randomize(concat('a', 'b'))").contains("not a function's value"));
        assert!(load_error("1 + sum(-${a})").contains("not a calculation (position 8)"));
        assert!(load_error("name(1)").contains("must be a node-set"));
        for ok in [
            "count(${rep})",
            "sum(/data/rep/x)",
            "count(.)",
            "position(..)",
            "count(randomize(${rep}, 3))",
            "count(if(${a}, ${rep}, ${other}))",
            "sum(instance('prices')/root/item/price)",
            "name()",
            "local-name(../x)",
            "max(1, 2)",
        ] {
            assert!(crate::expr::parse(ok).is_ok(), "{ok}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn digest_names_are_checked_at_load() {
        assert_eq!(
            load_error("digest(., 'SHA-3')"),
            "function `digest`: unknown algorithm 'SHA-3' (MD5, SHA-1, SHA-256, SHA-384 or \
             SHA-512) (position 10)"
        );
        assert!(load_error("digest(., 'md5', 'base32')").contains("unknown encoding 'base32'"));
        assert!(load_error("weighted-checklist(1, 2, 3)").contains("an even number of arguments"));
        assert!(crate::expr::parse("digest(., ${alg}, ${enc})").is_ok());
        assert!(crate::expr::parse("digest(., 'sha-256', 'HEX')").is_ok());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn arity_wording() {
        assert_eq!(Arity::Exact(3).describe(), "3 arguments");
        assert_eq!(Arity::Exact(1).describe(), "1 argument");
        assert_eq!(Arity::Exact(0).describe(), "no arguments");
        assert_eq!(Arity::Range(1, 2).describe(), "1 or 2 arguments");
        assert_eq!(Arity::AtLeast(1).describe(), "at least 1 argument");
        assert_eq!(
            Arity::OddBetween(3, 11).describe(),
            "3, 5, 7, 9 or 11 arguments"
        );
        assert!(Arity::OddBetween(3, 11).accepts(5));
        assert!(!Arity::OddBetween(3, 11).accepts(4));
        assert!(!Arity::OddBetween(3, 11).accepts(13));
        assert!(Arity::EvenAtLeast(2).accepts(4));
        assert!(!Arity::EvenAtLeast(2).accepts(3));
        assert!(!Arity::EvenAtLeast(2).accepts(0));
        assert_eq!(
            Arity::EvenAtLeast(2).describe(),
            "an even number of arguments, at least 2"
        );
    }
}
