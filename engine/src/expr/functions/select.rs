//! Select questions: a select_multiple answer is its choice names
//! separated by spaces.

use super::{Func, arg};
use crate::expr::ast::{Expr, ExprKind};
use crate::expr::eval::EvalContext;
use crate::expr::parse::choice_field_name;
use crate::expr::value::Value;

pub(super) fn call(func: Func, args: &[Expr], ctx: &dyn EvalContext) -> Value {
    match func {
        Func::Selected => {
            let list = arg(args, 0, ctx);
            let wanted = arg(args, 1, ctx).as_string();
            let wanted = wanted.trim();
            // From outside a repeat: selected in any instance.
            let lists = match list {
                Value::Nodeset(items) => items,
                other => vec![other],
            };
            Value::Bool(
                lists
                    .iter()
                    .any(|l| l.as_string().split_whitespace().any(|c| c == wanted)),
            )
        }
        Func::CountSelected => {
            Value::Number(arg(args, 0, ctx).as_string().split_whitespace().count() as f64)
        }
        // 0-based; out of range (or not a number) gives "".
        Func::SelectedAt => {
            let list = arg(args, 0, ctx).as_string();
            let index = arg(args, 1, ctx).as_number();
            let item = if index.is_finite() && index >= 0.0 {
                list.split_whitespace().nth(index.trunc() as usize)
            } else {
                None
            };
            Value::String(item.unwrap_or_default().to_owned())
        }
        Func::ChoiceName => {
            let value = arg(args, 0, ctx).as_string();
            let field = match args.get(1).map(|a| &a.kind) {
                // The usual `'${field}'`, validated by the parser.
                Some(ExprKind::String(s)) => choice_field_name(s).map(str::to_owned),
                // A forgotten pair of quotes, `${field}`: surely the field
                // itself is meant, not a field name stored in its answer.
                Some(ExprKind::Ref(name)) => Some(name.clone()),
                // Anything else: its value must name the field.
                _ => choice_field_name(&arg(args, 1, ctx).as_string()).map(str::to_owned),
            };
            let label = field.and_then(|f| ctx.choice_label(&f, value.trim()));
            Value::String(label.unwrap_or_default())
        }
        _ => Value::empty(),
    }
}

#[cfg(test)]
mod tests {
    use crate::expr::testing::{Ctx, eval, eval_with};
    use crate::expr::value::Value;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn ctx() -> Ctx {
        Ctx::new()
            .with("colors", "red green  purple")
            .with("none", "")
            .with("rep_sel", Value::Nodeset(vec!["a b".into(), "c".into()]))
            .choice("colors", "red", "Rouge")
            .choice("colors", "green", "Vert")
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn selected() {
        let c = ctx();
        assert_eq!(
            eval_with(&c, "selected(${colors}, 'green')"),
            Value::Bool(true)
        );
        assert_eq!(
            eval_with(&c, "selected(${colors}, ' purple ')"),
            Value::Bool(true)
        );
        assert_eq!(
            eval_with(&c, "selected(${colors}, 'gree')"),
            Value::Bool(false)
        );
        assert_eq!(eval_with(&c, "selected(${colors}, '')"), Value::Bool(false));
        assert_eq!(
            eval_with(&c, "selected(${none}, 'red')"),
            Value::Bool(false)
        );
        assert_eq!(
            eval_with(&c, "selected(${rep_sel}, 'c')"),
            Value::Bool(true)
        );
        assert_eq!(
            eval_with(&c, "selected(${rep_sel}, 'd')"),
            Value::Bool(false)
        );
        assert_eq!(eval("selected('1 2 3', 2)"), Value::Bool(true));
        let current = Ctx::new().current("c d");
        assert_eq!(
            eval_with(&current, "selected(., 'c') and not(selected(., 'x'))"),
            Value::Bool(true)
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn count_selected() {
        let c = ctx();
        assert_eq!(
            eval_with(&c, "count-selected(${colors})"),
            Value::Number(3.0)
        );
        assert_eq!(eval_with(&c, "count-selected(${none})"), Value::Number(0.0));
        assert_eq!(eval("count-selected(' a ')"), Value::Number(1.0));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn selected_at() {
        let c = ctx();
        assert_eq!(
            eval_with(&c, "selected-at(${colors}, 0)"),
            Value::from("red")
        );
        assert_eq!(
            eval_with(&c, "selected-at(${colors}, 2)"),
            Value::from("purple")
        );
        assert_eq!(eval_with(&c, "selected-at(${colors}, 3)"), Value::from(""));
        assert_eq!(eval_with(&c, "selected-at(${colors}, -1)"), Value::from(""));
        assert_eq!(
            eval_with(&c, "selected-at(${colors}, 'x')"),
            Value::from("")
        );
        assert_eq!(
            eval_with(&c, "selected-at(${colors}, 1.9)"),
            Value::from("green")
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn choice_name() {
        let c = ctx();
        assert_eq!(
            eval_with(&c, "jr:choice-name(selected-at(${colors}, 1), '${colors}')"),
            Value::from("Vert")
        );
        assert_eq!(
            eval_with(&c, "jr:choice-name('red', '/data/colors')"),
            Value::from("Rouge")
        );
        assert_eq!(
            eval_with(&c, "jr:choice-name('blue', '${colors}')"),
            Value::from("")
        );
        assert_eq!(
            eval_with(&c, "jr:choice-name(${none}, '${colors}')"),
            Value::from("")
        );
        // Computed field names work; unquoted `${colors}` means the field.
        assert_eq!(
            eval_with(&c, "jr:choice-name('red', concat('/data/', 'colors'))"),
            Value::from("Rouge")
        );
        assert_eq!(
            eval_with(&c, "jr:choice-name('green', ${colors})"),
            Value::from("Vert")
        );
    }
}
