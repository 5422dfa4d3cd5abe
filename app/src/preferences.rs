//! Which language a form opens in: the one last chosen for it on this
//! device, else the first of the browser's languages the form has, else
//! the form's default. An enumerator in Chișinău with a Romanian tablet
//! should not have to switch every questionnaire from English.

use fieldform_engine::model::{Language, primary_subtag};

fn key(form_id: &str) -> String {
    format!("fieldform.language.{form_id}")
}

/// Remembers the language chosen for a form.
pub fn remember_language(form_id: &str, code: &str) {
    // Refused in some private modes: then the choice lasts this visit only.
    if let Some(s) = crate::env::local_storage() {
        let _refused = s.set_item(&key(form_id), code);
    }
}

/// The browser's preferred languages, most preferred first.
fn browser_languages() -> Vec<String> {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return Vec::new();
    };
    let list: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if list.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        list
    }
}

/// The browser's most preferred language (`en` when it says none), for
/// the app's own words before a form is loaded.
pub fn browser_language() -> String {
    browser_languages()
        .into_iter()
        .next()
        .unwrap_or_else(|| "en".to_owned())
}

/// The language to open `form_id` in (see the module docs).
pub fn initial_language(form_id: &str, languages: &[Language], default: &str) -> String {
    let remembered =
        crate::env::local_storage().and_then(|s| s.get_item(&key(form_id)).ok().flatten());
    pick(
        remembered.as_deref(),
        &browser_languages(),
        languages,
        default,
    )
}

/// The choice itself, without the browser: a remembered code the form
/// still has, else the first preferred language matching exactly or by
/// its primary subtag (`ro-MD` → `ro`), else `default`.
pub fn pick(
    remembered: Option<&str>,
    preferred: &[String],
    languages: &[Language],
    default: &str,
) -> String {
    let has = |code: &str| languages.iter().any(|l| l.code == code);
    if let Some(code) = remembered.filter(|c| has(c)) {
        return code.to_owned();
    }
    for wanted in preferred {
        if let Some(l) = languages
            .iter()
            .find(|l| l.code.eq_ignore_ascii_case(wanted))
        {
            return l.code.clone();
        }
        if let Some(l) = languages
            .iter()
            .find(|l| primary_subtag(&l.code) == primary_subtag(wanted))
        {
            return l.code.clone();
        }
    }
    default.to_owned()
}

#[cfg(test)]
mod tests {
    use super::pick;
    use fieldform_engine::model::Language;

    fn langs(codes: &[&str]) -> Vec<Language> {
        codes
            .iter()
            .map(|c| Language {
                code: (*c).to_owned(),
                name: (*c).to_owned(),
                rtl: false,
            })
            .collect()
    }

    #[test]
    fn remembered_then_browser_then_default() {
        let form = langs(&["en", "ro", "ru"]);
        let prefs = |p: &[&str]| p.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(pick(Some("ru"), &prefs(&["ro-MD"]), &form, "en"), "ru");
        assert_eq!(
            pick(Some("fr"), &prefs(&["ro-MD", "ru"]), &form, "en"),
            "ro"
        );
        assert_eq!(pick(None, &prefs(&["de", "RU"]), &form, "en"), "ru");
        assert_eq!(pick(None, &prefs(&["de"]), &form, "en"), "en");
    }
}
