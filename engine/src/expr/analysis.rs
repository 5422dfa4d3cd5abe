//! Static facts about an expression, for the dependency graph and for
//! load-time checks ("relevant refers to ${hh_sise}, which is not a field;
//! did you mean ${hh_size}?").

use super::ast::{Expr, ExprKind, Span, Step};
use super::functions::Func;
use super::parse::choice_field_name;

/// How an expression mentions a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceKind {
    /// Its value is read: `${x}`, a path, the first argument of
    /// `indexed-repeat`. The expression depends on it.
    Value,
    /// A repeat named in `indexed-repeat(${f}, ${repeat}, i)`. The result
    /// depends on the repeat's instances.
    Repeat,
    /// The select question whose choices `jr:choice-name(v, '${q}')` looks
    /// up: only its (static) choice list is used, not its value, but the
    /// loader should still check that it exists and is a select.
    ChoiceList,
    /// `${last-saved#name}`: the field's answer in the last response saved
    /// on the device, fixed for the session; `name` is the field. Not a
    /// dependency: the current answer is not read.
    LastSaved,
}

/// One mention of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    pub kind: ReferenceKind,
    /// Where it is written, in characters; `span.start` is the `$` of
    /// `${name}` (or the start of a path).
    pub span: Span,
    /// Written as a bare name (`region`: a relative path of one step) rather
    /// than `${region}`. In a `choice_filter` such names are columns of the
    /// choice row, not fields (see [`EvalContext::resolve_relative`]).
    ///
    /// [`EvalContext::resolve_relative`]: super::EvalContext::resolve_relative
    pub bare: bool,
}

impl Reference {
    /// 0-based character offset, for messages.
    pub fn position(&self) -> usize {
        self.span.start
    }
}

/// Everything the dependency graph needs to know about an expression.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Every field mention, in source order (duplicates kept, each with its
    /// own position).
    pub references: Vec<Reference>,
    /// Reads the node the expression belongs to: `.`, `once()`, or an
    /// argument-less `string()`, `string-length()`, `normalize-space()`.
    pub uses_current: bool,
    /// Uses `position()`, which changes when repeat instances are removed.
    pub uses_position: bool,
    /// Volatile functions used (`now`, `today`, `random`, `uuid`), each once,
    /// in order of first use.
    pub volatile: Vec<Func>,
    /// Secondary instances read (`instance('x')`, `pulldata('x', ...)`), in
    /// source order, with where they are named.
    pub instances: Vec<(String, Span)>,
}

impl Expr {
    /// Collect all static facts in one walk.
    pub fn analyze(&self) -> Analysis {
        let mut a = Analysis::default();
        walk(self, &mut a, false);
        a
    }

    /// Every field mention, in source order.
    pub fn references(&self) -> Vec<Reference> {
        self.analyze().references
    }

    /// Whether the expression reads its own node's value.
    pub fn uses_current(&self) -> bool {
        self.analyze().uses_current
    }

    /// The volatile functions used (see [`Func::is_volatile`]).
    pub fn volatile_functions(&self) -> Vec<Func> {
        self.analyze().volatile
    }
}

fn reference(a: &mut Analysis, name: &str, kind: ReferenceKind, span: Span) {
    a.references.push(Reference {
        name: name.to_owned(),
        kind,
        span,
        bare: false,
    });
}

/// `in_predicate`: inside `instance(..)/root/item[...]`, where a bare name
/// is a column of the item, not a field.
fn walk(e: &Expr, a: &mut Analysis, in_predicate: bool) {
    match &e.kind {
        ExprKind::String(_)
        | ExprKind::Pattern(_)
        | ExprKind::Number(_)
        | ExprKind::Parent
        | ExprKind::ChoiceColumn(_) => {}
        ExprKind::Ref(name) => match super::lex::last_saved_name(name) {
            Some(field) => reference(a, field, ReferenceKind::LastSaved, e.span),
            None => reference(a, name, ReferenceKind::Value, e.span),
        },
        ExprKind::Path(p) if in_predicate && p.is_bare_name() => {}
        ExprKind::Instance(p) => {
            a.instances.push((p.id.clone(), e.span));
            for pred in &p.predicates {
                walk(pred, a, true);
            }
        }
        ExprKind::Path(p) => match p.field_name() {
            Some(name) => {
                reference(a, name, ReferenceKind::Value, e.span);
                if let Some(r) = a.references.last_mut() {
                    r.bare = p.is_bare_name();
                }
            }
            None => a.uses_current |= p.steps.iter().all(|s| *s == Step::Current),
        },
        ExprKind::Current => a.uses_current = true,
        ExprKind::Neg(x) => walk(x, a, in_predicate),
        ExprKind::Binary { lhs, rhs, .. } => {
            walk(lhs, a, in_predicate);
            walk(rhs, a, in_predicate);
        }
        ExprKind::Call { func, args } => {
            if func.is_volatile() && !a.volatile.contains(func) {
                a.volatile.push(*func);
            }
            match func {
                Func::Once => a.uses_current = true,
                Func::String | Func::StringLength | Func::NormalizeSpace if args.is_empty() => {
                    a.uses_current = true;
                }
                Func::Position => a.uses_position = true,
                Func::Pulldata => {
                    if let Some(Expr {
                        kind: ExprKind::String(id),
                        span,
                    }) = args.first()
                    {
                        a.instances.push((id.trim().to_owned(), *span));
                    }
                }
                _ => {}
            }
            for (i, arg) in args.iter().enumerate() {
                match (func, i, &arg.kind) {
                    (Func::IndexedRepeat, i, _) if i % 2 == 1 => {
                        if let Some(name) = arg.as_field_name() {
                            reference(a, name, ReferenceKind::Repeat, arg.span);
                        }
                    }
                    (Func::ChoiceName, 1, ExprKind::String(s)) => {
                        if let Some(name) = choice_field_name(s) {
                            // Inside the quotes.
                            let span =
                                Span::new(arg.span.start + 1, arg.span.end.saturating_sub(1));
                            reference(a, name, ReferenceKind::ChoiceList, span);
                        }
                    }
                    // `..` in `position(..)` is not a reference.
                    _ => walk(arg, a, in_predicate),
                }
            }
        }
    }
}

/// Longest name (in characters) that gets a suggestion: the edit distance
/// is quadratic, and a fuzzer's 60,000-character name against a 17,000-
/// character trigger took seconds to compile. No real name comes near.
pub const MAX_SUGGEST_CHARS: usize = 256;

/// The candidate closest to `name` by edit distance (ignoring case), if it
/// is close enough to be a plausible typo: at most one edit per three
/// characters, and at least one allowed. Ties go to the earliest candidate.
/// Candidates whose length differs by more than that are not compared (the
/// distance is at least the difference), and a name over
/// [`MAX_SUGGEST_CHARS`] gets none, so each comparison is bounded.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = name.chars().count();
    if length > MAX_SUGGEST_CHARS {
        return None;
    }
    let lower = name.to_lowercase();
    let limit = (length / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance (insertions, deletions, substitutions) over chars.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn names(src: &str) -> Vec<(String, ReferenceKind, usize)> {
        parse(src)
            .expect("parses")
            .references()
            .into_iter()
            .map(|r| (r.name.clone(), r.kind, r.position()))
            .collect()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn references_with_positions() {
        use ReferenceKind::*;
        assert_eq!(
            names("${a} + ${hh_size} * ${a}"),
            vec![
                ("a".into(), Value, 0),
                ("hh_size".into(), Value, 7),
                ("a".into(), Value, 20)
            ]
        );
        assert_eq!(names("/data/g/age > 3"), vec![("age".into(), Value, 0)]);
        assert_eq!(
            names("indexed-repeat(${name}, ${hh}, ${i}, ${member}, 2)"),
            vec![
                ("name".into(), Value, 15),
                ("hh".into(), Repeat, 24),
                ("i".into(), Value, 31),
                ("member".into(), Repeat, 37),
            ]
        );
        assert_eq!(
            names("jr:choice-name(${c}, '${c}')"),
            vec![("c".into(), Value, 15), ("c".into(), ChoiceList, 22)]
        );
        assert_eq!(names("position(..) + 1"), vec![]);
        let bare = |src: &str| -> Vec<bool> {
            let refs = parse(src).expect("parses").references();
            refs.iter().map(|r| r.bare).collect()
        };
        assert_eq!(
            bare("region = ${region} and ../x = /data/y"),
            vec![true, false, false, false]
        );
        assert_eq!(names("'${not_a_ref}'"), vec![]);
        assert_eq!(names("if(${x}, -${y}, concat(${z}))").len(), 3);
    }

    /// In a predicate of an instance path, a bare name is a column of the
    /// item, not a field; `${...}` are fields as anywhere.
    #[wasm_bindgen_test(unsupported = test)]
    fn instance_paths_read_columns_and_fields() {
        use ReferenceKind::*;
        assert_eq!(
            names("instance('people')/root/item[name = ${p} and ../x = 1]/place"),
            vec![("p".into(), Value, 36), ("x".into(), Value, 45)]
        );
        let a = parse("pulldata('fruits', 'price', 'name', ${f}) + count(instance('s')/root/item)")
            .expect("parses")
            .analyze();
        let ids: Vec<&str> = a.instances.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["fruits", "s"]);
        assert_eq!(a.references.len(), 1);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn current_position_and_volatility() {
        let a = parse(". > 3 and ${x} < today()").expect("parses").analyze();
        assert!(a.uses_current);
        assert!(!a.uses_position);
        assert_eq!(a.volatile, vec![Func::Today]);

        let b = parse("once(concat(uuid(), random(), uuid(), now()))")
            .expect("parses")
            .analyze();
        assert!(b.uses_current);
        assert_eq!(b.volatile, vec![Func::Uuid, Func::Random, Func::Now]);

        let c = parse("position(..) * 2").expect("parses").analyze();
        assert!(c.uses_position);
        assert!(!c.uses_current);

        assert!(parse("string-length() < 5").expect("parses").uses_current());
        assert!(
            !parse("string-length(${a}) < 5")
                .expect("parses")
                .uses_current()
        );
        assert!(
            parse("${a} + 1")
                .expect("parses")
                .volatile_functions()
                .is_empty()
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn suggestions() {
        let fields = ["hh_size", "hh_head", "age"];
        assert_eq!(suggest("hh_sise", fields), Some("hh_size"));
        assert_eq!(suggest("agee", fields), Some("age"));
        assert_eq!(suggest("zzz", fields), None);
        assert_eq!(suggest("CONCAT", ["concat", "count"]), Some("concat"));
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("é", "e"), 1);
    }

    /// Found by the fuzzer (`fuzz/`, target `form`): a 66,645-character
    /// field name and a 17,522-character trigger took 2.5 s to compile in a
    /// release build, all of it in the edit distance.
    #[wasm_bindgen_test(unsupported = test)]
    fn suggestions_for_long_names_are_not_quadratic() {
        let long = "x".repeat(40_000);
        let other = "y".repeat(20_000);
        assert_eq!(suggest(&other, [long.as_str(), "age"]), None);
        // One edit from a candidate, but too long to be compared at all.
        let typo = format!("{}z", "x".repeat(MAX_SUGGEST_CHARS));
        let name = "x".repeat(MAX_SUGGEST_CHARS + 1);
        assert_eq!(suggest(&typo, [name.as_str()]), None);
        let near = format!("{}z", "x".repeat(MAX_SUGGEST_CHARS - 1));
        let almost = "x".repeat(MAX_SUGGEST_CHARS);
        assert_eq!(suggest(&near, [almost.as_str()]), Some(almost.as_str()));
        // Lengths too far apart are skipped without changing an answer.
        assert_eq!(
            suggest("hh_size_total", ["hh", "hh_size_tota"]),
            Some("hh_size_tota")
        );
    }
}
