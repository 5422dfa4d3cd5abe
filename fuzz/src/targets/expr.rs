//! Target 1: the expression parser and evaluator. Any text is parsed; what
//! parses is analysed and evaluated alone (literals and functions, as
//! `fieldform expr` does without a form) and against the roster form with
//! answers, at the top and inside a repeat instance.

use std::cell::RefCell;

use arbitrary::{Arbitrary, Unstructured};
use fieldform_engine::expr::{Func, parse};
use fieldform_engine::state::{FormState, evaluate_alone, type_name};

use super::{env, forms};
use crate::rng::Rng;
use crate::{Input, Target, class};

pub static TARGET: Target = Target {
    name: "expr",
    run,
    seeds,
    generate,
    mutate: None,
    dictionary: DICTIONARY,
};

const DICTIONARY: &[&str] = &[
    "${n}",
    "${age}",
    "${member}",
    "${name}",
    "${tags}",
    "${visit}",
    "${",
    "}",
    "(",
    ")",
    "'",
    "\"",
    ".",
    "..",
    "/",
    " div ",
    " mod ",
    " and ",
    " or ",
    "=",
    "!=",
    "<=",
    ">=",
    "<",
    ">",
    "+",
    "-",
    "*",
    "|",
    "[",
    "]",
    "@",
    "::",
    "//",
    "$x",
    ",",
    "concat(",
    "if(",
    "regex(",
    "format-date(",
    "date(",
    "round(",
    "substr(",
    "pow(",
    "indexed-repeat(",
    "jr:choice-name(",
    "selected-at(",
    "position(..)",
    "today()",
    "now()",
    "1e308",
    "-0",
    "NaN",
    "'%Y-%m-%d %H:%M:%S'",
    "'^(a+)+$'",
    "'[a-z]{2,}'",
    "'\\d*'",
];

thread_local! {
    /// The roster form with answers: n = 2 members (the second with a
    /// child), so references have values and node-sets have members.
    static STATE: RefCell<Option<FormState>> = const { RefCell::new(None) };
}

fn with_state<T>(f: impl FnOnce(&FormState) -> T) -> T {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let state = s.get_or_insert_with(|| {
            let env = env();
            let roster = forms().swap_remove(0);
            let mut state = FormState::new(roster, &env);
            for (path, value) in [
                ("n", "2"),
                ("village", "Orhei"),
                ("visit", "2024-01-02"),
                ("ok", "yes"),
                ("w", "3.5"),
                ("tags", "1 3"),
                ("member[1]/name", "Ana"),
                ("member[1]/age", "40"),
                ("member[2]/name", "Ion"),
                ("member[2]/age", "14"),
            ] {
                if let Err(e) = state.set(path, value, &env) {
                    panic!("roster fixture: {path}: {e}");
                }
            }
            if let Err(e) = state.add("member[2]/child", &env) {
                panic!("roster fixture: child: {e}");
            }
            state
        });
        f(state)
    })
}

fn run(input: &Input) -> String {
    let src = String::from_utf8_lossy(&input.bytes);
    let env = env();
    let expr = match parse(&src) {
        Ok(e) => e,
        // Its first words: messages quote the input in many ways, and a
        // class per spelling would flood the pool.
        Err(e) => {
            let message = class(&e.to_string());
            let words: Vec<&str> = message.split_whitespace().take(4).collect();
            return format!("parse: {}", words.join(" "));
        }
    };
    let _ = expr.references();
    let _ = expr.uses_current();
    let alone = evaluate_alone(&src, &env);
    let mut outcome = match &alone {
        Ok(v) => format!("alone {}", type_name(v)),
        Err(e) => format!("alone: {}", class(&e.to_string())),
    };
    if let Ok(v) = &alone {
        let _ = (v.as_string(), v.as_number(), v.as_bool());
    }
    with_state(|state| {
        for at in [None, Some("member[2]/age"), Some("member[2]/child[1]/cage")] {
            match state.evaluate_expression(&src, at, &env) {
                Ok(v) => {
                    let _ = v.as_string();
                    outcome.push_str(&format!(", form {}", type_name(&v)));
                }
                Err(e) => outcome.push_str(&format!(", form: {}", class(&e.to_string()))),
            }
        }
    });
    outcome
}

fn seeds() -> Vec<Input> {
    let mut rng = Rng::new(1);
    let mut out: Vec<Input> = [
        "1 + 2 * 3",
        "if(${n} > 1, concat(${village}, ' ', count(${member})), 'none')",
        "regex(${village}, '^[A-Z][a-z]+$') and string-length(.) < 10",
        "format-date(date(${visit}), '%Y-%m-%d %b %a %e')",
        "indexed-repeat(${age}, ${member}, 2) + sum(${age}) div count(${name})",
        "selected(${tags}, '1') or count-selected(${tags}) = 2 and selected-at(${tags}, 1) = '3'",
        "round(1.005, 2) + pow(2, 10) - int(-3.7) mod 2",
        "position(..) * -${age}",
        "/data/member/age + ../age + age",
        "jr:choice-name(${ok}, '${ok}')",
        "distance('1 2 0 0', '3 4 0 0') + area('1 2;3 4;5 6')",
        "decimal-date-time(now()) > decimal-time('10:00:00.000+02:00')",
    ]
    .iter()
    .map(|s| Input::new("seed.txt", *s))
    .collect();
    for _ in 0..16 {
        out.push(generate(&mut rng));
    }
    out
}

/// A grammar-made expression (three times in four), else a deeply nested
/// one around the parser's depth limit.
fn generate(rng: &mut Rng) -> Input {
    Input::new("gen.txt", generate_text(rng))
}

/// The text of [`generate`], for other targets' expression properties.
pub fn generate_text(rng: &mut Rng) -> String {
    if rng.chance(0.75) {
        let n = rng.between(8, 600);
        let bytes = rng.bytes(n);
        let mut u = Unstructured::new(&bytes);
        match Gen::arbitrary(&mut u) {
            Ok(g) => {
                let mut s = String::new();
                g.render(&mut s, rng);
                s
            }
            Err(_) => "1".to_owned(),
        }
    } else {
        deep(rng)
    }
}

/// Nesting near and past `MAX_DEPTH` (256), in the ways the tree can grow.
fn deep(rng: &mut Rng) -> String {
    let depth = rng.between(200, 320);
    let (open, close): (&str, &str) = *rng.pick(&[
        ("(", ")"),
        ("-", ""),
        ("not(", ")"),
        ("if(true(), ", ", 0)"),
        ("concat('a', ", ")"),
        ("1 + ", ""),
        ("2 * (", ")"),
        ("round(", ", 2)"),
        ("substr(", ", 1)"),
    ]);
    let core = *rng.pick(&["1", "${age}", ".", "'x'", "position(..)", "now()"]);
    let mut s = open.repeat(depth);
    s.push_str(core);
    s.push_str(&close.repeat(depth));
    if rng.chance(0.3) {
        // A long flat chain: deep on the left without any parentheses.
        let op = *rng.pick(&[" + ", " and ", " = ", " div ", " or "]);
        s = vec![core; rng.between(200, 2000)].join(op);
    }
    s
}

/// A small grammar of the expression language; `arbitrary` picks the tree
/// from random bytes.
#[derive(Debug, Arbitrary)]
enum Gen {
    Number(u8),
    Float(f64),
    Str(u8),
    Field(u8),
    Current,
    Parent,
    Path(u8, u8),
    Neg(Box<Gen>),
    Binary(u8, Box<Gen>, Box<Gen>),
    Paren(Box<Gen>),
    Call(u8, Vec<Gen>),
    /// A call with its arity respected, so evaluation is reached.
    CallFitting(u8, Box<Gen>, Box<Gen>, Box<Gen>),
}

const FIELDS: &[&str] = &[
    "n", "village", "visit", "ok", "w", "tags", "member", "name", "age", "pos", "child", "cage",
    "total", "names", "g", "nope",
];
const STRINGS: &[&str] = &[
    "",
    "a",
    "yes",
    "1 3",
    "2024-02-29",
    "2024-02-30T25:61:00Z",
    "1970-01-01T00:00:00.000+14:00",
    "%Y %m %d %H %M %S %3 %a %b %e %h %n",
    "^(a|b)*c{2,5}$",
    "[",
    "\\",
    "NaN",
    "-0",
    "1e400",
    "12 34 0 0;56 78 0 0",
    "ăîș ١٢٣",
    "true",
    "1.5",
    "0x10",
];
/// Whitespace a tokenizer might not expect.
const SPACES: [&str; 4] = [" ", "\t", "\n", "\u{a0}"];
const OPS: &[&str] = &[
    " + ", " - ", " * ", " div ", " mod ", " = ", " != ", " < ", " <= ", " > ", " >= ", " and ",
    " or ", "+", "|",
];

impl Gen {
    fn render(&self, out: &mut String, rng: &mut Rng) {
        match self {
            Gen::Number(n) => out.push_str(&n.to_string()),
            Gen::Float(f) => out.push_str(&format!("{f}")),
            Gen::Str(i) => {
                let s = STRINGS[*i as usize % STRINGS.len()];
                let q = if s.contains('\'') { '"' } else { '\'' };
                out.push(q);
                out.push_str(s);
                out.push(q);
            }
            Gen::Field(i) => {
                out.push_str("${");
                out.push_str(FIELDS[*i as usize % FIELDS.len()]);
                out.push('}');
            }
            Gen::Current => out.push('.'),
            Gen::Parent => out.push_str(".."),
            Gen::Path(a, b) => {
                out.push_str("/data/");
                out.push_str(FIELDS[*a as usize % FIELDS.len()]);
                out.push('/');
                out.push_str(FIELDS[*b as usize % FIELDS.len()]);
            }
            Gen::Neg(e) => {
                out.push('-');
                e.render(out, rng);
            }
            Gen::Binary(op, a, b) => {
                a.render(out, rng);
                out.push_str(OPS[*op as usize % OPS.len()]);
                b.render(out, rng);
            }
            Gen::Paren(e) => {
                out.push('(');
                if rng.chance(0.1) {
                    // Whitespace where a tokenizer might not expect it.
                    let space = SPACES[rng.below(SPACES.len())];
                    out.push_str(space);
                }
                e.render(out, rng);
                out.push(')');
            }
            Gen::Call(f, args) => {
                out.push_str(Func::ALL[*f as usize % Func::ALL.len()].name());
                out.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    a.render(out, rng);
                }
                out.push(')');
            }
            Gen::CallFitting(f, a, b, c) => {
                let func = Func::ALL[*f as usize % Func::ALL.len()];
                let n = (0..=3).find(|&n| func.arity().accepts(n)).unwrap_or(3);
                out.push_str(func.name());
                out.push('(');
                for (i, arg) in [a, b, c].into_iter().take(n).enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    arg.render(out, rng);
                }
                out.push(')');
            }
        }
    }
}
