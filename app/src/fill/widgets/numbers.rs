//! Numbers as people type them, and as the interview's language shows them.
//!
//! [`parse`] turns what an enumerator types into the canonical text the
//! engine stores (`2500000`, `12.5`); [`format`] shows a stored number the
//! way the language writes it. Both are pure, so they are tested natively.
//!
//! What is accepted, in every language (a tablet's keyboard and its
//! owner's habits need not match the interview's language):
//! - ASCII, Arabic-Indic (`٠`–`٩`) and Persian (`۰`–`۹`) digits;
//! - a decimal comma or point, or the Arabic decimal separator `٫`;
//! - thousands separated by a space, a no-break space (U+00A0), a narrow
//!   no-break space (U+202F), a thin or figure space, an apostrophe (`'`,
//!   `’`: Swiss), a comma, a point, or the Arabic thousands separator `٬`,
//!   in groups of three;
//! - a leading `-`, `−` (U+2212) or `+`.
//!
//! Which separator is the decimal one:
//! - `٫` always is; with both `,` and `.`, the last one is (`1,234.5`,
//!   `1.234,5`); one that occurs twice or more is a thousands separator
//!   (`2.500.000`); with spaces or apostrophes grouping the thousands, a
//!   single `,` or `.` is decimal (`1 250 000,5`);
//! - a single `,` or `.` not followed by exactly three digits is decimal
//!   (`12,5`, `0,125`, `3.14159`);
//! - followed by exactly three digits it is ambiguous (`1,234`), and the
//!   interview's language decides: its decimal separator is decimal, the
//!   other one groups thousands (`1,234` is 1234 in English and 1.234 in
//!   French). In an integer question only the thousands reading is a
//!   whole number, so that one is taken. The device's locale does not
//!   decide: the same keystrokes mean the same in an interview on every
//!   tablet.
//!
//! Shown ([`format`]): the language's decimal separator, and thousands
//! grouped from five integer digits up (as CLDR's "minimum grouping
//! digits" 2: a year or a code of four digits stays `1987`, not `1 987`).

/// How a language writes numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Convention {
    pub decimal: char,
    pub group: char,
}

/// The convention of `lang` (a BCP 47 code; only its primary subtag counts).
///
/// English: `2,500,000.5`. French: narrow no-break space (U+202F) and
/// comma, as CLDR and the Imprimerie nationale write it. Russian, Romanian
/// and Spanish: no-break space (U+00A0) and comma (GOST, the Romanian
/// standard SR 13411 and the RAE's 2010 Ortografía all group with a space;
/// a point would read as a decimal point to anyone used to English).
/// Arabic: Western digits with `.` and `,`, as the United Nations' Arabic
/// documents and the forms' own constraints (`<= 100`) write them, and as
/// CLDR's `ar` uses with Latin digits; an input of numbers stays left to
/// right, so it reads the same as the figures in the labels.
pub fn convention(lang: &str) -> Convention {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match primary.as_str() {
        "fr" => Convention {
            decimal: ',',
            group: '\u{202F}',
        },
        "ru" | "ro" | "es" => Convention {
            decimal: ',',
            group: '\u{A0}',
        },
        _ => Convention {
            decimal: '.',
            group: ',',
        },
    }
}

/// A separator, once digits are mapped to ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Digit(char),
    Comma,
    Point,
    /// Spaces and apostrophes: only ever a thousands separator.
    Space,
    /// `٫`: only ever decimal.
    ArabicDecimal,
    /// `٬`: only ever a thousands separator.
    ArabicGroup,
}

/// The canonical text of a number typed as `text` in an interview in
/// `lang` (an `integer` question or a decimal one), or `None` when it is
/// not a number (or not yet one: `-`). Digits are kept as typed (`1.50`,
/// `007`): only separators and digit shapes change.
pub fn parse(text: &str, lang: &str, integer: bool) -> Option<String> {
    let text = text.trim();
    let (negative, body) = match text.chars().next()? {
        '-' | '\u{2212}' => (true, &text[text.chars().next()?.len_utf8()..]),
        '+' => (false, &text[1..]),
        _ => (false, text),
    };
    let tokens = body.chars().map(token).collect::<Option<Vec<Token>>>()?;
    if !tokens.iter().any(|t| matches!(t, Token::Digit(_))) {
        return None;
    }
    let decimal_at = decimal_position(&tokens, convention(lang).decimal, integer)?;
    let (int_part, frac_part) = match decimal_at {
        Some(i) => (&tokens[..i], &tokens[i + 1..]),
        None => (&tokens[..], &[][..]),
    };
    let int_digits = grouped_digits(int_part)?;
    let frac_digits = frac_part
        .iter()
        .map(|t| match t {
            Token::Digit(d) => Some(*d),
            _ => None,
        })
        .collect::<Option<String>>()?;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(if int_digits.is_empty() {
        "0"
    } else {
        &int_digits
    });
    // `12,` is 12 on its way to `12,5`.
    if !frac_digits.is_empty() {
        out.push('.');
        out.push_str(&frac_digits);
    }
    Some(out)
}

/// `-?digits(.digits)?`: what the engine stores for a number.
pub fn is_canonical(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

fn token(c: char) -> Option<Token> {
    Some(match c {
        '0'..='9' => Token::Digit(c),
        '\u{660}'..='\u{669}' => Token::Digit(shift(c, '\u{660}')),
        '\u{6F0}'..='\u{6F9}' => Token::Digit(shift(c, '\u{6F0}')),
        // The Arabic comma is what an Arabic keyboard gives for `,`.
        ',' | '\u{60C}' => Token::Comma,
        '.' => Token::Point,
        ' ' | '\u{A0}' | '\u{202F}' | '\u{2009}' | '\u{2007}' | '\'' | '\u{2019}' => Token::Space,
        '\u{66B}' => Token::ArabicDecimal,
        '\u{66C}' => Token::ArabicGroup,
        _ => return None,
    })
}

/// The ASCII digit of `c`, whose zero is `zero`.
fn shift(c: char, zero: char) -> char {
    let offset = c as u32 - zero as u32;
    char::from_digit(offset, 10).unwrap_or('0')
}

/// Where the decimal separator is (`Some(None)`: there is none), by the
/// rules in the module's documentation; `None` when the separators
/// contradict each other.
fn decimal_position(tokens: &[Token], lang_decimal: char, integer: bool) -> Option<Option<usize>> {
    let at = |kind: Token| -> Vec<usize> {
        tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| **t == kind)
            .map(|(i, _)| i)
            .collect()
    };
    let arabic = at(Token::ArabicDecimal);
    if !arabic.is_empty() {
        return (arabic.len() == 1).then(|| Some(arabic[0]));
    }
    let (commas, points) = (at(Token::Comma), at(Token::Point));
    let spaced = tokens
        .iter()
        .any(|t| matches!(t, Token::Space | Token::ArabicGroup));
    match (commas.len(), points.len()) {
        (0, 0) => Some(None),
        (c, p) if c > 0 && p > 0 => {
            let last = commas[c - 1].max(points[p - 1]);
            let singles = if commas[c - 1] > points[p - 1] { c } else { p };
            (singles == 1).then_some(Some(last))
        }
        (1, 0) | (0, 1) => {
            let i = commas.first().or(points.first()).copied()?;
            let after = tokens.len() - i - 1;
            let leading_zero = tokens[..i]
                .iter()
                .find(|t| matches!(t, Token::Digit(_)))
                .is_none_or(|t| *t == Token::Digit('0'));
            let ambiguous = after == 3 && !spaced && !leading_zero;
            let own = if tokens[i] == Token::Comma { ',' } else { '.' };
            if ambiguous && (integer || own != lang_decimal) {
                Some(None)
            } else {
                Some(Some(i))
            }
        }
        // The same mark twice or more groups thousands.
        _ => Some(None),
    }
}

/// The digits of an integer part, its thousands separators checked
/// (one kind, groups of three after the first) and dropped.
fn grouped_digits(tokens: &[Token]) -> Option<String> {
    let mut groups: Vec<String> = vec![String::new()];
    let mut separator = None;
    for t in tokens {
        match t {
            Token::Digit(d) => groups.last_mut()?.push(*d),
            sep => {
                if separator.is_some_and(|s| s != *sep) {
                    return None;
                }
                separator = Some(*sep);
                groups.push(String::new());
            }
        }
    }
    if groups.len() > 1 {
        let first = groups.first()?.len();
        if !(1..=3).contains(&first) || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
    }
    Some(groups.concat())
}

/// A stored number as `lang` writes it (`2500000` → `2 500 000` in French);
/// anything else (not yet a number, `abc`) unchanged.
pub fn format(stored: &str, lang: &str) -> String {
    if !is_canonical(stored) {
        return stored.to_owned();
    }
    let c = convention(lang);
    let (sign, body) = match stored.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", stored),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let mut out = String::from(sign);
    if int.len() >= 5 {
        for (i, d) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(c.group);
            }
            out.push(d);
        }
    } else {
        out.push_str(int);
    }
    if let Some(f) = frac {
        out.push(c.decimal);
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{format, parse};

    fn p(text: &str, lang: &str) -> Option<String> {
        parse(text, lang, false)
    }

    #[test]
    fn canonical_input_is_kept_as_typed() {
        for s in ["0", "12", "-5", "12.5", "1.50", "0.125"] {
            assert_eq!(p(s, "fr").as_deref(), Some(s));
        }
    }

    #[test]
    fn arabic_indic_and_persian_digits() {
        assert_eq!(p("٤", "ar").as_deref(), Some("4"));
        assert_eq!(p("١٢٣٤٥", "en").as_deref(), Some("12345"));
        assert_eq!(p("۱۲۳", "fr").as_deref(), Some("123"));
        assert_eq!(p("١٢٫٥", "ar").as_deref(), Some("12.5"));
        assert_eq!(p("٢٬٥٠٠٬٠٠٠", "ar").as_deref(), Some("2500000"));
        assert_eq!(p("−٣", "ar").as_deref(), Some("-3"));
    }

    #[test]
    fn decimal_commas() {
        assert_eq!(p("12,5", "fr").as_deref(), Some("12.5"));
        assert_eq!(p("12,5", "en").as_deref(), Some("12.5"));
        assert_eq!(p("0,125", "en").as_deref(), Some("0.125"));
        assert_eq!(p(",5", "ro").as_deref(), Some("0.5"));
        assert_eq!(p("-3,25", "ru").as_deref(), Some("-3.25"));
        // On the way to `12,5`.
        assert_eq!(p("12,", "fr").as_deref(), Some("12"));
    }

    #[test]
    fn thousands_separators() {
        for s in [
            "2 500 000",
            "2\u{A0}500\u{A0}000",
            "2\u{202F}500\u{202F}000",
            "2,500,000",
            "2.500.000",
            "2'500'000",
            "2’500’000",
        ] {
            for lang in ["en", "fr", "ru", "ar"] {
                assert_eq!(p(s, lang).as_deref(), Some("2500000"), "{s:?} in {lang}");
            }
        }
        assert_eq!(p("1,234.5", "fr").as_deref(), Some("1234.5"));
        assert_eq!(p("1.234,5", "en").as_deref(), Some("1234.5"));
        assert_eq!(p("1 250 000,5", "en").as_deref(), Some("1250000.5"));
        assert_eq!(
            p("1 250,000.5", "fr"),
            None,
            "one kind of separator at a time"
        );
    }

    #[test]
    fn one_separator_before_three_digits_follows_the_language() {
        assert_eq!(p("1,234", "en").as_deref(), Some("1234"));
        assert_eq!(p("1,234", "fr").as_deref(), Some("1.234"));
        assert_eq!(p("1.234", "fr").as_deref(), Some("1234"));
        assert_eq!(p("1,234", "ar").as_deref(), Some("1234"));
        // Not a thousands group: a leading zero.
        assert_eq!(p("0,234", "en").as_deref(), Some("0.234"));
        // In an integer question only the thousands reading is whole.
        assert_eq!(parse("1,234", "fr", true).as_deref(), Some("1234"));
    }

    #[test]
    fn not_numbers() {
        for s in [
            "",
            "-",
            "abc",
            "12a",
            "1,2,3",
            "12 5",
            "1 2345",
            "1.2.3,4,5",
            "1٫2٫3",
            "--1",
        ] {
            assert_eq!(p(s, "fr"), None, "{s:?}");
        }
    }

    #[test]
    fn shown_as_the_language_writes_numbers() {
        assert_eq!(format("2500000", "fr"), "2\u{202F}500\u{202F}000");
        assert_eq!(format("2500000", "ru"), "2\u{A0}500\u{A0}000");
        assert_eq!(format("2500000", "ro-MD"), "2\u{A0}500\u{A0}000");
        assert_eq!(format("2500000", "en"), "2,500,000");
        assert_eq!(format("2500000", "ar"), "2,500,000");
        assert_eq!(format("-1250000.75", "fr"), "-1\u{202F}250\u{202F}000,75");
        assert_eq!(format("12.5", "es"), "12,5");
        // Years and codes stay as they are.
        assert_eq!(format("1987", "en"), "1987");
        assert_eq!(format("abc", "fr"), "abc");
    }

    #[test]
    fn what_is_shown_reads_back_the_same() {
        for stored in ["0", "12.5", "-7", "25000", "2500000", "1234567.891"] {
            for lang in ["en", "fr", "es", "ar", "ro", "ru"] {
                let shown = format(stored, lang);
                assert_eq!(
                    parse(&shown, lang, false).as_deref(),
                    Some(stored),
                    "{shown:?} in {lang}"
                );
            }
        }
    }
}
