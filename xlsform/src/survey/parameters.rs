//! The `parameters` column: `start=0 end=10 step=1`.

use std::collections::BTreeMap;

/// `start=0 end=10 step=1`, separated by spaces, `;` or `,`, with or
/// without spaces around `=`.
pub fn parse_parameters(text: &str) -> Result<BTreeMap<String, String>, String> {
    let spaced = text.replace([';', ','], " ").replace('=', " = ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i < tokens.len() {
        match (tokens.get(i), tokens.get(i + 1), tokens.get(i + 2)) {
            (Some(k), Some(&"="), Some(v)) if *k != "=" && *v != "=" => {
                out.insert(k.to_lowercase(), (*v).to_owned());
                i += 3;
            }
            (Some(k), ..) => {
                return Err(format!(
                    "expected `name=value` pairs (e.g. `start=0 end=10 step=1`), found `{k}`"
                ));
            }
            (None, ..) => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_in_every_spelling() {
        let p = parse_parameters("start=0 end=10 step=1").expect("valid");
        assert_eq!(p.get("end").map(String::as_str), Some("10"));
        assert_eq!(p.len(), 3);
        assert_eq!(
            parse_parameters("start = 0; end=10;step =2"),
            Ok(p.clone()
                .into_iter()
                .map(|(k, v)| (k, if v == "1" { "2".into() } else { v }))
                .collect())
        );
        assert_eq!(
            parse_parameters("randomize"),
            Err(
                "expected `name=value` pairs (e.g. `start=0 end=10 step=1`), found `randomize`"
                    .into()
            )
        );
    }
}
