//! Languages of a workbook: from the `::Language (code)` suffixes of its
//! translatable columns, and the settings' `default_language`.

use fieldform_engine::model::Language;

/// The code of the language pyxform calls `default`: the text of unsuffixed
/// columns (`label`, `hint`) when the settings name no default language.
pub const UNNAMED: &str = "default";

/// Common language names (English and native) to BCP 47 codes, for headers
/// written without a code (`label::French`, `label:Kiswahili`).
#[rustfmt::skip]
const NAMES: &[(&str, &str)] = &[
    ("english", "en"), ("french", "fr"), ("français", "fr"), ("francais", "fr"),
    ("spanish", "es"), ("español", "es"), ("espanol", "es"), ("portuguese", "pt"),
    ("português", "pt"), ("arabic", "ar"), ("العربية", "ar"), ("swahili", "sw"),
    ("kiswahili", "sw"), ("hindi", "hi"), ("bengali", "bn"), ("bangla", "bn"),
    ("russian", "ru"), ("русский", "ru"), ("romanian", "ro"), ("română", "ro"),
    ("chinese", "zh"), ("mandarin", "zh"), ("german", "de"), ("deutsch", "de"),
    ("italian", "it"), ("dutch", "nl"), ("amharic", "am"), ("hausa", "ha"),
    ("yoruba", "yo"), ("igbo", "ig"), ("somali", "so"), ("oromo", "om"),
    ("tigrinya", "ti"), ("nepali", "ne"), ("urdu", "ur"), ("pashto", "ps"),
    ("dari", "prs"), ("farsi", "fa"), ("persian", "fa"), ("turkish", "tr"),
    ("ukrainian", "uk"), ("polish", "pl"), ("indonesian", "id"), ("malay", "ms"),
    ("thai", "th"), ("vietnamese", "vi"), ("khmer", "km"), ("lao", "lo"),
    ("burmese", "my"), ("tagalog", "tl"), ("filipino", "fil"), ("japanese", "ja"),
    ("korean", "ko"), ("hebrew", "he"), ("greek", "el"), ("kinyarwanda", "rw"),
    ("kirundi", "rn"), ("luganda", "lg"), ("lingala", "ln"), ("zulu", "zu"),
    ("xhosa", "xh"), ("afrikaans", "af"), ("shona", "sn"), ("chichewa", "ny"),
    ("malagasy", "mg"), ("wolof", "wo"), ("fula", "ff"), ("bambara", "bm"),
    ("tajik", "tg"), ("uzbek", "uz"), ("kazakh", "kk"), ("kyrgyz", "ky"),
    ("georgian", "ka"), ("armenian", "hy"), ("azerbaijani", "az"), ("serbian", "sr"),
    ("croatian", "hr"), ("bosnian", "bs"), ("albanian", "sq"), ("bulgarian", "bg"),
    ("czech", "cs"), ("slovak", "sk"), ("hungarian", "hu"), ("finnish", "fi"),
    ("swedish", "sv"), ("norwegian", "no"), ("danish", "da"), ("tamil", "ta"),
    ("telugu", "te"), ("marathi", "mr"), ("gujarati", "gu"), ("punjabi", "pa"),
    ("kannada", "kn"), ("malayalam", "ml"), ("sinhala", "si"), ("kurdish", "ku"),
    ("haitian creole", "ht"), ("tetum", "tet"), ("quechua", "qu"),
];

/// Scripts written right to left; XLSForm has no column for it, so it
/// follows from the code (which is also what keeps export/import lossless).
pub fn is_rtl(code: &str) -> bool {
    let primary = code
        .split(['-', '_'])
        .next()
        .unwrap_or(code)
        .to_ascii_lowercase();
    matches!(
        primary.as_str(),
        "ar" | "he" | "iw" | "fa" | "prs" | "ur" | "ps" | "yi" | "dv" | "sd" | "ug" | "ckb"
    )
}

/// `English (en)` → (English, en); `French` → (French, fr); `Klingon` →
/// (Klingon, Klingon): a name we do not know stands for itself.
pub fn parse_language(spec: &str) -> Language {
    let spec = spec.trim();
    let (name, code) = match spec.strip_suffix(')').and_then(|s| s.rsplit_once('(')) {
        Some((name, code)) if !code.trim().is_empty() => {
            let name = name.trim();
            let code = code.trim();
            (if name.is_empty() { code } else { name }, code.to_owned())
        }
        _ => {
            let lower = spec.to_lowercase();
            let code = NAMES
                .iter()
                .find(|(n, _)| *n == lower)
                .map_or_else(|| spec.to_owned(), |(_, c)| (*c).to_owned());
            (spec, code)
        }
    };
    Language {
        rtl: is_rtl(&code),
        code,
        name: name.to_owned(),
    }
}

/// The languages of a workbook, in order of first appearance.
#[derive(Debug, Clone, Default)]
pub struct Languages {
    pub list: Vec<Language>,
    /// Code of the language unsuffixed columns are in.
    pub default: String,
}

impl Languages {
    /// The code for a column's language spec, adding the language if new.
    /// `English` and `English (en)` are the same language.
    pub fn code_for(&mut self, spec: &str) -> String {
        let parsed = parse_language(spec);
        if let Some(l) = self
            .list
            .iter()
            .find(|l| l.code == parsed.code || l.name.eq_ignore_ascii_case(spec.trim()))
        {
            return l.code.clone();
        }
        let code = parsed.code.clone();
        self.list.push(parsed);
        code
    }

    /// The code of a language already collected.
    pub fn lookup(&self, spec: &str) -> String {
        let parsed = parse_language(spec);
        self.list
            .iter()
            .find(|l| l.code == parsed.code || l.name.eq_ignore_ascii_case(spec.trim()))
            .map_or(parsed.code, |l| l.code.clone())
    }

    /// Settles the default language once every column has been seen:
    /// the settings' `default_language`; else, when unsuffixed columns hold
    /// text, pyxform's `default`; else the first language seen.
    pub fn settle(&mut self, setting: Option<&str>, unsuffixed_text: bool) {
        self.default = match setting {
            Some(s) => self.code_for(s),
            None if unsuffixed_text || self.list.is_empty() => {
                if !self.list.iter().any(|l| l.code == UNNAMED) {
                    self.list.insert(
                        0,
                        Language {
                            code: UNNAMED.into(),
                            name: UNNAMED.into(),
                            rtl: false,
                        },
                    );
                }
                UNNAMED.into()
            }
            None => self
                .list
                .first()
                .map(|l| l.code.clone())
                .unwrap_or_default(),
        };
    }

    /// The code text in a column goes to: its own language, else the default.
    pub fn of(&self, lang: Option<&str>) -> String {
        lang.map_or_else(|| self.default.clone(), |l| self.lookup(l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes() {
        let l = parse_language("English (en)");
        assert_eq!(
            (l.name.as_str(), l.code.as_str(), l.rtl),
            ("English", "en", false)
        );
        let l = parse_language("العربية (ar)");
        assert_eq!(
            (l.name.as_str(), l.code.as_str(), l.rtl),
            ("العربية", "ar", true)
        );
        assert_eq!(parse_language("french").code, "fr");
        assert_eq!(parse_language("Kiswahili").code, "sw");
        assert_eq!(parse_language("Klingon").code, "Klingon");
        assert_eq!(parse_language("(en)").name, "en");
    }

    #[test]
    fn same_language_written_two_ways_is_one() {
        let mut langs = Languages::default();
        assert_eq!(langs.code_for("English (en)"), "en");
        assert_eq!(langs.code_for("English"), "en");
        assert_eq!(langs.code_for("french"), "fr");
        langs.settle(Some("English"), true);
        assert_eq!(langs.default, "en");
        assert_eq!(langs.list.len(), 2);
        assert_eq!(langs.of(None), "en");
        assert_eq!(langs.of(Some("French")), "fr");
    }

    #[test]
    fn unsuffixed_text_without_a_setting_is_pyxforms_default() {
        let mut langs = Languages::default();
        langs.settle(None, true);
        assert_eq!(langs.default, "default");
        let mut langs = Languages::default();
        langs.code_for("Swahili (sw)");
        langs.settle(None, false);
        assert_eq!(langs.default, "sw");
    }
}
