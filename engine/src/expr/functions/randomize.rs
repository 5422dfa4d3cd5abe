//! `randomize(nodeset, seed?)`: ODK's shuffle, exactly as JavaRosa (and
//! Enketo) do it, so that a seeded shuffle puts choices and repeat values
//! in the same order on every ODK client and here.
//!
//! The ODK XForms spec fixes the algorithm: the "inside-out" Fisher–Yates
//! shuffle, drawing from a Park–Miller generator (multiplier 16807, modulus
//! 2³¹ − 1, computed in doubles as JavaRosa does) when a seed is given. A
//! seed that is not a number is hashed: the first 8 bytes of the SHA-256
//! of its UTF-8 text, read as a big-endian signed integer.

use sha2::{Digest, Sha256};

use super::arg;
use crate::env::Environment;
use crate::expr::ast::Expr;
use crate::expr::eval::EvalContext;
use crate::expr::value::Value;

pub(super) fn call(args: &[Expr], ctx: &dyn EvalContext) -> Value {
    let items = match arg(args, 0, ctx) {
        Value::Nodeset(items) => items,
        // The parser only lets node expressions through; a single field's
        // value is a node-set of one.
        single => vec![single],
    };
    let shuffled = match args.get(1) {
        Some(_) => shuffle_seeded(items, seed_of(&arg(args, 1, ctx))),
        None => shuffle(items, ctx.env()),
    };
    Value::Nodeset(shuffled)
}

/// The seed a value gives, as JavaRosa derives it: its number truncated
/// toward zero (JavaRosa also reads `1,5` as 1.5), else the hash of its text.
pub fn seed_of(v: &Value) -> i64 {
    let n = match v {
        Value::String(_) | Value::Nodeset(_) => {
            let text = v.as_string();
            crate::expr::value::parse_number(&text.replace(',', "."))
        }
        other => other.as_number(),
    };
    if n.is_nan() {
        text_hash(&v.as_string())
    } else {
        // Saturating, like Java's `(long) double`.
        n as i64
    }
}

/// JavaRosa's `toLongHash`: 0 for "", else SHA-256's first 8 bytes.
fn text_hash(s: &str) -> i64 {
    if s.is_empty() {
        return 0;
    }
    let digest = Sha256::digest(s.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// A seeded shuffle, reproducible everywhere ODK runs.
pub fn shuffle_seeded<T>(items: Vec<T>, seed: i64) -> Vec<T> {
    let mut rng = ParkMiller::new(seed);
    inside_out(items, || rng.next_double())
}

/// An unseeded shuffle from the environment's random source.
pub fn shuffle<T>(items: Vec<T>, env: &dyn Environment) -> Vec<T> {
    inside_out(items, || env.random())
}

/// The "inside-out" Fisher–Yates shuffle: item `i` goes to a random slot
/// `j <= i`, and the item that was at `j` moves to `i`.
fn inside_out<T>(items: Vec<T>, mut next_double: impl FnMut() -> f64) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        // Truncated like Java's `Double.intValue()`; below i + 1 because
        // the generator's doubles are below 1.
        let j = ((next_double() * (i + 1) as f64) as usize).min(i);
        out.push(item);
        out.swap(i, j);
    }
    out
}

/// JavaRosa's `ParkMiller`: the Lehmer generator in double arithmetic.
struct ParkMiller {
    state: f64,
}

const MODULUS: f64 = 2_147_483_647.0;
const MULTIPLIER: f64 = 16_807.0;

impl ParkMiller {
    fn new(seed: i64) -> Self {
        // Java: `Long.valueOf(seed).doubleValue() % MODULUS` (`%` on
        // doubles keeps the dividend's sign, like Rust's).
        let mut state = seed as f64 % MODULUS;
        if state <= 0.0 {
            state += MODULUS - 1.0;
        }
        Self { state }
    }

    /// `Random.nextInt()`, which JavaRosa overrides through `next(bits)`.
    fn next_int(&mut self) -> i32 {
        self.state = self.state * MULTIPLIER % MODULUS;
        self.state as i32
    }

    fn next_double(&mut self) -> f64 {
        f64::from(self.next_int() - 1) / (MODULUS - 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::testing::{Ctx, eval, eval_with};
    use wasm_bindgen_test::wasm_bindgen_test;

    fn letters(s: &str, seed: i64) -> String {
        shuffle_seeded(s.chars().collect(), seed)
            .into_iter()
            .collect()
    }

    /// JavaRosa's `FisherYatesExamplesTest` and `RandomizeTypesTest`.
    #[wasm_bindgen_test(unsupported = test)]
    fn seeded_orders_match_javarosa() {
        let digits: Vec<u32> = (0..10).collect();
        assert_eq!(
            shuffle_seeded(digits.clone(), 33),
            [3, 5, 4, 8, 2, 0, 1, 6, 9, 7]
        );
        assert_eq!(shuffle_seeded(digits, 42), [0, 5, 9, 1, 8, 4, 6, 3, 7, 2]);
        assert_eq!(letters("ABCDEF", 42), "AFCBDE");
        assert_eq!(letters("ABCDEF", -42), "EDAFBC");
        assert_eq!(letters("ABCDEF", 1), "BFEACD");
        assert_eq!(letters("ABCDEF", 11_111_111), "ACDBFE");
        assert_eq!(letters("abcdefgh", 1234), "gfedahbc");
        // A text seed is hashed.
        assert_eq!(
            letters("abcdefgh", seed_of(&Value::from("foo"))),
            "eadbhgcf"
        );
        assert!(shuffle_seeded(Vec::<u8>::new(), 7).is_empty());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn seeds_from_values() {
        assert_eq!(seed_of(&Value::from(1234.9)), 1234);
        assert_eq!(seed_of(&Value::from("1234")), 1234);
        assert_eq!(seed_of(&Value::from(" -7,9 ")), -7);
        assert_eq!(seed_of(&Value::from(-1e300)), i64::MIN);
        assert_eq!(seed_of(&Value::empty()), 0);
        assert_eq!(seed_of(&Value::Bool(true)), 1);
        assert_ne!(seed_of(&Value::from("foo")), seed_of(&Value::from("bar")));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_function() {
        let letters: Vec<Value> = "abcdefgh".chars().map(|c| c.to_string().into()).collect();
        let c = Ctx::new()
            .with("item", Value::Nodeset(letters))
            .with("seed", "1234");
        assert_eq!(
            eval_with(&c, "join('', randomize(${item}, 1234))"),
            Value::from("gfedahbc")
        );
        assert_eq!(
            eval_with(&c, "join('', randomize(${item}, ${seed}))"),
            Value::from("gfedahbc")
        );
        assert_eq!(
            eval_with(&c, "join('', randomize(${item}, 'foo'))"),
            Value::from("eadbhgcf")
        );
        assert_eq!(
            eval_with(&c, "count(randomize(${item}))"),
            Value::Number(8.0)
        );
        // Unseeded: a permutation drawn from the environment.
        let Value::String(s) = eval_with(&c, "join('', randomize(${item}))") else {
            panic!("string expected")
        };
        let mut sorted: Vec<char> = s.chars().collect();
        sorted.sort_unstable();
        assert_eq!(sorted.into_iter().collect::<String>(), "abcdefgh");
        assert_eq!(eval("join('', randomize(${nothing}, 3))"), Value::from(""));
    }
}
