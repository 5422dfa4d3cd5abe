//! pyxform's test for a dynamic default (`utils.default_is_dynamic`): one
//! that is computed, which pyxform turns into a `setvalue` on first load.
//! A `calculate` without a calculation is accepted only with one.

/// Whether `default` holds what pyxform's expression lexer reads as
/// arithmetic, a union, a predicate, a `${reference}` or a function call.
/// Quoted text is not looked into, a `-` starting a number or inside a
/// name is not arithmetic, and for date and geo types a `-` never is.
pub fn is_dynamic(default: &str, date_like: bool) -> bool {
    let chars: Vec<char> = default.chars().collect();
    let name_char = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':');
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        match c {
            '\'' | '"' => {
                // A string literal: skip to its end (or to the end of the text).
                i += 1;
                while i < chars.len() && chars[i] != c {
                    i += 1;
                }
            }
            '$' if next == Some('{') => return true,
            '*' | '+' | '|' => return true,
            '(' | '[' if prev.is_some_and(name_char) => return true,
            '-' if !date_like
                && !prev.is_some_and(name_char)
                && !next.is_some_and(|n| n.is_ascii_digit() || n == '.') =>
            {
                return true;
            }
            _ => {}
        }
        i += 1;
    }
    let spaced = format!(" {default} ");
    spaced.contains(" mod ") || spaced.contains(" div ")
}

#[cfg(test)]
mod tests {
    use super::is_dynamic;

    #[test]
    fn dynamic_defaults_as_pyxform_reads_them() {
        for d in [
            "today()",
            "${age} + 1",
            "${age}",
            "2 * 3",
            "a | b",
            "instance('x')/root/item[name = 'a']/label",
            "10 mod 3",
            "x - y",
        ] {
            assert!(is_dynamic(d, false), "{d}");
        }
        for d in [
            "yes",
            "0",
            "-5",
            "5 -3",
            "'a+b'",
            "start-geopoint",
            "some text",
            "",
        ] {
            assert!(!is_dynamic(d, false), "{d}");
        }
        assert!(!is_dynamic("x - y", true));
    }
}
