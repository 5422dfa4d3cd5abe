//! Search text as people type it: a query and a choice's labels are both
//! [`normalise`]d, so that spelling variants a keyboard or a habit gives
//! still find the name.

/// `text` folded for search:
/// - lower case (Unicode's simple case folding, `char::to_lowercase`);
/// - Latin accents dropped (`é` → `e`, `ș` → `s`, `æ` → `ae`, `ß` → `ss`)
///   by a table of the Latin-1 Supplement and Latin Extended-A letters
///   plus Romanian's comma-below `ș` `ț`, and combining marks removed (for
///   text typed decomposed). A table rather than Unicode decomposition:
///   it covers every letter of the forms' Latin-script languages
///   (French, Spanish, Romanian and their neighbours) without the
///   decomposition tables' weight in the app's wasm;
/// - Arabic: hamza carriers and alef forms `أ إ آ ٱ` → `ا`, `ى` → `ي`,
///   `ة` → `ه`, `ؤ` → `و`, `ئ` → `ي`, Persian `ی` `ک` → `ي` `ك`;
///   diacritics (tashkeel, U+064B–U+065F and the dagger alef U+0670) and
///   the tatweel (U+0640) removed: writers differ on all of them, so
///   `الاردن` finds `الأردن` and `اندونيسيا` finds `إندونيسيا`;
/// - Russian `ё` → `е`, which most writing leaves undotted.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            '\u{300}'..='\u{36F}' | '\u{64B}'..='\u{65F}' | '\u{670}' | '\u{640}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' | 'ئ' | 'ی' => out.push('ي'),
            'ة' => out.push('ه'),
            'ؤ' => out.push('و'),
            'ک' => out.push('ك'),
            'ё' => out.push('е'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ß' => out.push_str("ss"),
            'þ' => out.push_str("th"),
            _ => out.push(latin_base(c).unwrap_or(c)),
        }
    }
    out
}

/// The base letter of an accented lower-case Latin letter.
fn latin_base(c: char) -> Option<char> {
    const TABLE: &[(&str, char)] = &[
        ("àáâãäåāăą", 'a'),
        ("çćĉċč", 'c'),
        ("ďđð", 'd'),
        ("èéêëēĕėęě", 'e'),
        ("ĝğġģ", 'g'),
        ("ĥħ", 'h'),
        ("ìíîïĩīĭįı", 'i'),
        ("ĵ", 'j'),
        ("ķĸ", 'k'),
        ("ĺļľŀł", 'l'),
        ("ñńņňŉŋ", 'n'),
        ("òóôõöøōŏő", 'o'),
        ("ŕŗř", 'r'),
        ("śŝşšșſ", 's'),
        ("ţťŧț", 't'),
        ("ùúûüũūŭůűų", 'u'),
        ("ŵ", 'w'),
        ("ýÿŷ", 'y'),
        ("źżž", 'z'),
    ];
    if c.is_ascii() {
        return None;
    }
    TABLE
        .iter()
        .find(|(accented, _)| accented.contains(c))
        .map(|(_, base)| *base)
}

/// Whether every word of `query` (already normalised) occurs in `key`
/// (already normalised): `rep moldova` finds `Republic of Moldova`.
pub fn matches(key: &str, query: &str) -> bool {
    query.split_whitespace().all(|word| key.contains(word))
}

#[cfg(test)]
mod tests {
    use super::{matches, normalise};

    fn finds(label: &str, query: &str) -> bool {
        matches(&normalise(label), &normalise(query))
    }

    #[test]
    fn arabic_hamza_alef_and_diacritics() {
        assert!(finds("الأردن", "الاردن"));
        assert!(finds("إندونيسيا", "اندونيسيا"));
        assert!(finds("آسيا", "اسيا"));
        assert!(finds("مصر", "مِصْر"), "tashkeel in the query");
        assert!(finds("مِصْر", "مصر"), "tashkeel in the label");
        assert!(
            finds("الجمهورية العربية السورية", "الجمهوريه"),
            "taa marbuta"
        );
        assert!(finds("ليبيا", "ليـبـيا"), "tatweel");
        assert!(finds("مصطفى", "مصطفي"), "alef maqsura");
        assert!(finds("المؤتمر", "الموتمر"));
        assert!(finds("رئيس", "رييس"));
        assert!(!finds("الأردن", "لبنان"));
    }

    #[test]
    fn latin_accents_and_case() {
        assert!(finds("Côte d'Ivoire", "cote d'ivoire"));
        assert!(finds("République de Moldova", "republique MOLDOVA"));
        assert!(finds("Türkiye", "turkiye"));
        assert!(finds("Åland Islands", "aland"));
        assert!(finds("România", "romania"));
        assert!(finds("Țara", "tara"), "Romanian comma below");
        assert!(finds("Ţara", "tara"), "Romanian cedilla");
        assert!(finds("Cote\u{301}", "coté"), "decomposed accents");
        assert!(finds("Straße", "strasse"));
        assert!(finds("Ёлка", "елка"));
        assert!(!finds("Jordan", "jordania"));
    }

    #[test]
    fn every_word_of_the_query() {
        assert!(finds("Republic of Moldova", "rep moldova"));
        assert!(!finds("Republic of Moldova", "rep chad"));
        assert!(finds("anything", "  "));
    }
}
