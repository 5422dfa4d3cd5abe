//! The XLSForm / ODK XPath expression language.
//!
//! ```text
//! source ──lex──▶ tokens ──parse──▶ Expr ──evaluate(ctx)──▶ Value
//!                                    └──analyze()──▶ references, `.`, volatility
//! ```
//!
//! * [`parse`] checks syntax, function names and arities, and reports the
//!   character position of any problem ([`ParseError`]).
//! * [`evaluate`] runs an [`Expr`] against an [`EvalContext`] (which the
//!   form model implements) and never fails: like ODK, run-time problems
//!   give NaN or `""`.
//! * [`Expr::analyze`] lists field references (with positions), use of `.`
//!   and `position()`, and volatile functions, for the dependency graph.
//!
//! # Syntax
//!
//! `${name}` references; `.` (the current node) and `..` (its parent, for
//! `position(..)`); string literals in `'` or `"` (no escapes, as in XPath);
//! numbers `12`, `3.5`, `.5`; operators with XPath 1.0 precedence
//! `or` < `and` < `= !=` < `< <= > >=` < `+ -` < `* div mod` < unary `-`;
//! parentheses; function calls (`jr:choice-name` included). `and or div mod`
//! are operators only after an operand, so a field may be called `div`.
//!
//! Names are unique only among siblings (as in pyxform), so fields are
//! told apart by path. `${name}` must name exactly one field of the form
//! (else a load error, as pyxform's). Location paths (`/data/group/age`,
//! `../age`) are resolved at load (`compile::exprs`) by walking the form's
//! tree from the root (whatever the first step calls it) or from the field
//! the expression belongs to; one that walks to no field but whose last
//! step is a name only one field has resolves to that field (Fieldform has
//! always read paths so). Secondary instances are read with
//! `instance('id')/root/item[predicate]...[/column]` (`ast::InstancePath`):
//! an attached file or a choice list (see [`crate::external`]); in a
//! predicate a bare name is a column of the item, a number keeps the item
//! at that position, and predicates elsewhere are not supported. Axes
//! (`child::`), `//`, `@attr`, `$var` and the union `|` are parse errors,
//! except that a choice filter ([`parse_choice_filter`]) reads
//! `label::English` as the choice's label in that language, with its
//! `${name}` insertions filled in (a Fieldform extension for a spelling
//! pyxform copies unread; ODK Collect refuses it).
//!
//! # Where we differ from ODK (Collect/JavaRosa, Enketo, the ODK XForms spec)
//!
//! * **Dates compared with strings**: when one side of a comparison is a
//!   date and the other a string that parses as an ISO date or date-time,
//!   both are compared as dates, so `${dob} < '2000-01-01'` works. Enketo
//!   does this; JavaRosa compares the string as a number (NaN: false). Form
//!   authors are told to write `date('2000-01-01')`, which works everywhere.
//! * **Number equality** uses an absolute tolerance of 1e-12, as JavaRosa
//!   does (so `0.1 + 0.2 = 0.3`); XPath 1.0 compares exactly.
//! * **Strings to numbers** follow XPath 1.0: JavaRosa additionally reads
//!   `1,5` as 1.5; we give NaN.
//! * **`sum`, `min`, `max`** skip members that are not numbers (unanswered
//!   fields), as JavaRosa does; XPath/Enketo give NaN.
//! * **`round`** rounds the decimal representation with ties toward
//!   positive infinity (XPath 1.0 and JavaRosa: `round(-2.5) = -2`,
//!   `round(2.5) = 3`, `round(1.005, 2) = 1.01`), not away from zero.
//! * **`regex`** matches the whole string (JavaRosa, ODK docs); the ODK
//!   spec's wording (and Enketo) search anywhere. Only a common subset of
//!   regex syntax is supported; see [`regex`](self::regex).
//! * **`distance`** uses the haversine formula on a sphere of radius
//!   6 378 100 m; JavaRosa uses the spherical law of cosines on the same
//!   sphere (same results up to rounding). It also accepts several geopoint
//!   arguments.
//! * **`jr:choice-name(v, ${q})`** without quotes around `${q}` is read as
//!   if quoted (ODK would look up the field named by `q`'s answer).
//! * **`position(x)`** returns the innermost repeat position whatever `x`
//!   is (it is almost always `..`).
//! * **`count(x)`** of a single (non-repeat) value is 1, `sum(x)` its value.
//! * **`format-date`** month and day names are English; ODK uses the form
//!   locale. Unknown `%x` are copied through instead of failing. A
//!   date-time is shown in the device's zone (as in ODK), whatever offset
//!   it was written with; the server keeps the device's value of a
//!   calculation that formats dates (see `computed`).
//! * **Time zones**: `today()`, `now()`, a date's local midnight
//!   (`date-time`, `decimal-date-time`) and zone-less date-times use the
//!   device's zone in the app and the `TZ` (else system) zone on the server
//!   and in `fieldform expr`, with the offset in force at the instant
//!   concerned (daylight saving time), as ODK does. A time alone
//!   (`decimal-time('10:00+03:00')`) has no date, so it is moved to the
//!   device's zone at today's offset. `date()` of a date-time written
//!   with another offset is its date in the device's zone (as JavaRosa,
//!   whose `DateUtils.parseTime` moves it to the default zone), so it
//!   agrees with `format-date`.
//! * **`date(x)` / `format-date(x)` / `decimal-date-time(x)`** give `""` or
//!   NaN for unconvertible input (JavaRosa raises an error or returns NaN).
//! * **Run-time errors** never interrupt the form: where JavaRosa throws at
//!   evaluation (`regex`, `date`, `distance`, an unknown `digest` algorithm
//!   or encoding in a field's value, text that is not base64 in
//!   `base64-decode` or `extract-signed`, `weighted-checklist` with
//!   node-sets of different sizes) we give false, `""` or NaN. Literal
//!   arguments that JavaRosa would refuse are load errors where we can tell
//!   (`digest`'s names; `count`, `sum`, `count-non-empty`, `randomize`,
//!   `position`, `name` and `local-name` given a text, number or
//!   calculation instead of a node-set).
//! * **`normalize-space()`, `string-length()`, `string()`** without an
//!   argument read the current node; JavaRosa's tests throw without a
//!   context node (an expression here always has one).
//! * **`uuid()`** is a random version-4 UUID, as the spec says; instance
//!   ids (`meta/instanceID`) are version 7, which sort by time.
//! * **`checklist`** counts the members of a single node-set argument, as
//!   JavaRosa does; `weighted-checklist` pairs the members of two node-sets.
//! * **`randomize(x)`** without a seed draws from the environment's random
//!   source (so it is volatile: the server keeps the device's result); with
//!   one it gives exactly JavaRosa's order (Park–Miller, inside-out
//!   Fisher–Yates, text seeds hashed with SHA-256).
//! * **`last()`** is XPath's context size: 1 for a field's own expressions,
//!   the number of nodes in a predicate. **`name(x)` / `local-name(x)`**
//!   give a field reference's field name (no namespaces, so both agree);
//!   without an argument (or with `.`) the name of the field the
//!   expression belongs to ([`EvalContext::current_name`]; `""` at the top
//!   level and for a choice row in a choice filter), else `""`, as for
//!   other nodes (`..`, instance items). JavaRosa has none of the three;
//!   Enketo has them.
//! * **`instance('list')/root/item[...]/label`** of a choice list gives
//!   the label in the current language; in ODK a translated list's items
//!   hold an itext id there (read with `jr:itext`). A predicate `[n]` or
//!   `[last()]` picks by position among the items it filters, but
//!   `position()` inside a predicate is still the repeat position.
//! * **Not implemented** from the ODK XForms spec and JavaRosa:
//!   `geofence()` (JavaRosa only, not in the spec), `jr:itext()` (XLSForm
//!   writes translations in columns, not itext ids), `current()` (only
//!   meaningful inside predicates of `instance()` paths, which read the
//!   current form's fields with `${name}` here), `version()`, `property()`,
//!   `depend()`, `is-selected()` and `enclosed-area()` (JavaRosa-only
//!   aliases and internals); XPath 1.0's `lang()`, `namespace-uri()` and
//!   `id()` (a form's data has no `xml:lang`, namespaces or ids). Each is
//!   an "unknown function" load error with a did-you-mean.
//! * Strings are indexed by Unicode scalar values, not UTF-16 units.
//! * **Bare names** (`age`, a relative path of one step) outside choice
//!   filters read the field called `age` when exactly one field is; XPath
//!   would look for a child of the context node. A bare name or path that
//!   designates no field (`null` in `if(.., ${x}, null)`) is XPath's empty
//!   node-set, read as empty, with a load warning; we give `""` rather than
//!   an empty node-set, so `null = ''` is true here and false in ODK.

pub mod analysis;
pub mod ast;
pub mod date;
pub mod error;
pub mod eval;
pub mod functions;
pub mod lex;
pub mod parse;
pub mod regex;
pub mod value;

#[cfg(test)]
mod javarosa_cases;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod stack_tests;
#[cfg(test)]
pub(crate) mod testing;

pub use analysis::{Analysis, Reference, ReferenceKind, suggest};
pub use ast::{BinOp, ChoiceColumn, Expr, ExprKind, InstancePath, Path, Span, Step};
pub use error::{ParseError, RegexError};
pub use eval::{EvalContext, evaluate};
pub use functions::{Arity, Func};
pub use lex::is_valid_field_name;
pub use parse::{parse, parse_choice_filter};
pub use value::Value;

#[cfg(test)]
mod tests {
    //! Operators and coercions end to end.
    use super::date::days_from_civil;
    use super::testing::{Ctx, eval, eval_num, eval_str, eval_with};
    use super::value::Value;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn arithmetic() {
        assert_eq!(eval_num("1 + 2 * 3"), 7.0);
        assert_eq!(eval_num("(1 + 2) * 3"), 9.0);
        assert_eq!(eval_num("-2 * 3"), -6.0);
        assert_eq!(eval_num("10 - 4 - 3"), 3.0);
        assert_eq!(eval_num("7 div 2"), 3.5);
        assert_eq!(eval_num("7 mod 3"), 1.0);
        assert_eq!(eval_num("-7 mod 3"), -1.0);
        assert_eq!(eval_num("7.5 mod 2"), 1.5);
        assert_eq!(eval_num("1 div 0"), f64::INFINITY);
        assert_eq!(eval_num("-1 div 0"), f64::NEG_INFINITY);
        assert!(eval_num("0 div 0").is_nan());
        assert!(eval_num("5 mod 0").is_nan());
        assert_eq!(eval_num("'3' + '4'"), 7.0);
        assert_eq!(eval_num("true() + 1"), 2.0);
        assert_eq!(eval_num("--3"), 3.0);
        assert_eq!(eval_num("2 * -3"), -6.0);
        assert_eq!(eval_num(".5 + .25"), 0.75);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn empty_and_text_in_arithmetic_is_nan() {
        assert!(eval_num("'' + 1").is_nan());
        assert!(eval_num("'abc' * 2").is_nan());
        let c = Ctx::new().with("a", "");
        assert!(eval_with(&c, "${a} + 1").as_number().is_nan());
        assert_eq!(eval_with(&c, "string(${a} + 1)"), Value::from("NaN"));
        assert!(eval_with(&c, "-${a}").as_number().is_nan());
        // Unknown fields resolve to "" in the test context.
        assert!(eval_with(&c, "${missing} * 2").as_number().is_nan());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn equality() {
        assert_eq!(eval("'5' = 5"), Value::Bool(true));
        assert_eq!(eval("5 = '5.0'"), Value::Bool(true));
        assert_eq!(eval("'5' = '5.0'"), Value::Bool(false));
        assert_eq!(eval("'abc' = 'abc'"), Value::Bool(true));
        assert_eq!(eval("'abc' != 'abd'"), Value::Bool(true));
        assert_eq!(eval("1 = true()"), Value::Bool(true));
        assert_eq!(eval("'' = false()"), Value::Bool(true));
        assert_eq!(eval("'false' = true()"), Value::Bool(true));
        assert_eq!(eval("0 div 0 = 0 div 0"), Value::Bool(false));
        assert_eq!(eval("0 div 0 != 0 div 0"), Value::Bool(true));
        assert_eq!(eval("0.1 + 0.2 = 0.3"), Value::Bool(true));
        assert_eq!(eval("'' = 0"), Value::Bool(false));
        let c = Ctx::new().with("a", "").with("n", 3.0);
        assert_eq!(eval_with(&c, "${a} = ''"), Value::Bool(true));
        assert_eq!(eval_with(&c, "${a} != ''"), Value::Bool(false));
        assert_eq!(eval_with(&c, "${n} = '3'"), Value::Bool(true));
        assert_eq!(eval_with(&c, "${n} != 3"), Value::Bool(false));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn relational_is_numeric() {
        assert_eq!(eval("1 < 2"), Value::Bool(true));
        assert_eq!(eval("2 <= 2"), Value::Bool(true));
        assert_eq!(eval("3 > 2"), Value::Bool(true));
        assert_eq!(eval("2 >= 3"), Value::Bool(false));
        assert_eq!(eval("'abc' < 1"), Value::Bool(false));
        assert_eq!(eval("'abc' > 1"), Value::Bool(false));
        assert_eq!(eval("'10' > '9'"), Value::Bool(true));
        assert_eq!(eval("'' < 1"), Value::Bool(false));
        assert_eq!(eval("'' >= 0"), Value::Bool(false));
        assert_eq!(eval("true() > false()"), Value::Bool(true));
        assert_eq!(eval("1 < 2 = true()"), Value::Bool(true));
        assert_eq!(eval("3 > 2 > 1"), Value::Bool(false)); // (true) > 1
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn boolean_operators() {
        assert_eq!(eval("1 and 'x'"), Value::Bool(true));
        assert_eq!(eval("1 and ''"), Value::Bool(false));
        assert_eq!(eval("0 or ''"), Value::Bool(false));
        assert_eq!(eval("0 or 'x'"), Value::Bool(true));
        assert_eq!(eval("true() or false() and false()"), Value::Bool(true));
        let c = Ctx::new().with("age", 30.0);
        assert_eq!(
            eval_with(&c, "${age} > -1 and ${age} < 120"),
            Value::Bool(true)
        );
        assert_eq!(
            eval_with(&c, "${age} < 19 or ${age} > 64"),
            Value::Bool(false)
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn nodeset_comparisons_are_existential() {
        let c = Ctx::new()
            .with("ages", Value::Nodeset(vec![4.0.into(), 40.0.into()]))
            .with("none", Value::Nodeset(vec![]));
        assert_eq!(eval_with(&c, "${ages} = 40"), Value::Bool(true));
        assert_eq!(eval_with(&c, "${ages} = 5"), Value::Bool(false));
        assert_eq!(eval_with(&c, "${ages} != 4"), Value::Bool(true));
        assert_eq!(eval_with(&c, "${ages} > 30"), Value::Bool(true));
        assert_eq!(eval_with(&c, "${ages} < 3"), Value::Bool(false));
        assert_eq!(eval_with(&c, "${ages} = ${ages}"), Value::Bool(true));
        assert_eq!(eval_with(&c, "${none} = 1"), Value::Bool(false));
        assert_eq!(eval_with(&c, "${none} != 1"), Value::Bool(false));
        assert_eq!(eval_with(&c, "${none} = false()"), Value::Bool(true));
        assert_eq!(eval_with(&c, "${ages} = true()"), Value::Bool(true));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn dates_compare_and_subtract_as_days() {
        let dob = Value::Date(days_from_civil(2000, 1, 1));
        let c = Ctx::new().with("dob", dob).with("blank", "");
        assert_eq!(eval_with(&c, "${dob} = '2000-01-01'"), Value::Bool(true));
        assert_eq!(eval_with(&c, "${dob} < '2000-01-02'"), Value::Bool(true));
        assert_eq!(eval_with(&c, "'1999-12-31' < ${dob}"), Value::Bool(true));
        assert_eq!(
            eval_with(&c, "${dob} > '2000-01-01T12:00:00Z'"),
            Value::Bool(false)
        );
        assert_eq!(eval_with(&c, "${dob} <= today()"), Value::Bool(true));
        assert_eq!(
            eval_with(&c, "${dob} = date('2000-01-01')"),
            Value::Bool(true)
        );
        assert_eq!(eval_with(&c, "${dob} < 10958"), Value::Bool(true));
        assert_eq!(eval_with(&c, "${dob} < 10957"), Value::Bool(false));
        assert_eq!(eval_with(&c, "${dob} = 10957"), Value::Bool(true));
        assert_eq!(eval_with(&c, "${dob} != ''"), Value::Bool(true));
        assert_eq!(eval_with(&c, "${blank} < today()"), Value::Bool(false));
        assert_eq!(eval_with(&c, "today() - ${dob}"), Value::Number(8780.0));
        assert_eq!(eval_with(&c, "${dob} + 1"), Value::Number(10958.0));
        // Without a date on either side, date-looking strings stay strings.
        assert_eq!(eval("'2000-01-01' < '2000-01-02'"), Value::Bool(false));
        // Date-time minus date: fractional days.
        assert_eq!(eval_num("now() - today()"), 0.4375);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn current_and_paths() {
        let c = Ctx::new().current(17.0).with("age", 30.0);
        assert_eq!(eval_with(&c, ". >= 18"), Value::Bool(false));
        assert_eq!(eval_with(&c, "/data/person/age + ."), Value::Number(47.0));
        assert_eq!(eval_with(&c, "../age"), Value::Number(30.0));
        assert_eq!(eval_with(&c, ".."), Value::from(""));
        assert_eq!(eval_with(&c, "./."), Value::Number(17.0));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn keywords_as_field_names() {
        let c = Ctx::new()
            .with("div", 6.0)
            .with("mod", 4.0)
            .with("and", 1.0);
        assert_eq!(eval_with(&c, "${div} div 2"), Value::Number(3.0));
        assert_eq!(eval_with(&c, "${div} mod ${mod}"), Value::Number(2.0));
        assert_eq!(eval_with(&c, "${and} and ${and}"), Value::Bool(true));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn string_results() {
        assert_eq!(eval_str("1 div 4"), "0.25");
        assert_eq!(eval_str("10 div 2"), "5");
        assert_eq!(eval_str("1 = 1"), "true");
        assert_eq!(eval_str("concat(1 div 3 * 3, '')"), "1");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn deep_but_legal_nesting_evaluates() {
        let nested = format!("{}1{}", "if(true(), ".repeat(100), ", 0)".repeat(100));
        assert_eq!(eval_num(&nested), 1.0);
    }
}
