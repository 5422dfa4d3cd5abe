//! pyxform's `xl_date_ambiguous.xlsx` (in `tests/corpus`): a select of the
//! names entered so far, filtered by `label::English != ''` over choice
//! labels `${name1}`..`${name3}`. Fieldform reads `label::English` as the
//! choice's English label as the enumerator sees it, and warns that ODK
//! Collect refuses the filter.

use std::path::Path;

use fieldform_engine::compile::compile;
use fieldform_engine::env::FixedEnvironment;
use fieldform_engine::state::FormState;
use fieldform_xlsform::import_path;

#[test]
fn the_names_entered_so_far_are_the_choices() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/pyxform-xl_date_ambiguous.xlsx");
    let imported = import_path(&path).unwrap_or_else(|e| panic!("imports: {e}"));
    let warning = imported
        .warnings
        .iter()
        .map(ToString::to_string)
        .find(|w| w.contains("label::English"))
        .unwrap_or_else(|| panic!("no warning about label::English: {:?}", imported.warnings));
    assert_eq!(
        warning,
        "survey row 5, column choice_filter: `label::English` at position 0 (a choice's label in \
         a language) is a Fieldform extension: pyxform copies this choice_filter into the XForm \
         unread and ODK Collect refuses the form when it loads"
    );

    let form = compile(&imported.form).unwrap_or_else(|e| panic!("compiles: {e:?}"));
    let env = FixedEnvironment::default();
    let mut s = FormState::new(std::sync::Arc::new(form), &env);
    let shown = |s: &FormState| -> Vec<String> {
        let node = s.node("names").unwrap_or_else(|e| panic!("{e}"));
        s.choices(node).iter().map(|c| c.name.clone()).collect()
    };
    assert!(shown(&s).is_empty());
    s.set("name2", "Ana", &env)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(shown(&s), ["name2"]);
    s.set("name1", "Ion", &env)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(shown(&s), ["name1", "name2"]);
    // name3's relevant is `0`: never shown, so its label stays empty.
    s.set("name3", "Eva", &env)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(shown(&s), ["name1", "name2"]);
}
