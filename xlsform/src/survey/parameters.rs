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

/// pyxform's rules for a select's `randomize` and `seed`: `randomize` is
/// `true` or `false`; a seed is a number or a `${reference}`, and needs
/// `randomize`. Returns the seed's reference, to be checked like any other.
pub fn check_randomize(parameters: &BTreeMap<String, String>) -> Result<Option<&str>, String> {
    let seed = parameters.get("seed").map(String::as_str);
    let Some(randomize) = parameters.get("randomize") else {
        return match seed {
            Some(_) => Err("`seed` needs `randomize=true` in the same parameters".into()),
            None => Ok(None),
        };
    };
    // pyxform reads the values case-insensitively (`randomize=TRUE`).
    if !matches!(randomize.to_lowercase().as_str(), "true" | "false") {
        return Err(format!(
            "`randomize` must be `true` or `false`, not `{randomize}`"
        ));
    }
    match seed {
        None => Ok(None),
        Some(s) if is_reference(s) => Ok(Some(s)),
        Some(s) if s.trim().parse::<f64>().is_ok() => Ok(None),
        Some(s) => Err(format!(
            "`seed` must be a number or a reference to a field (`${{name}}`), not `{s}`"
        )),
    }
}

/// `${name}`, the whole value.
fn is_reference(text: &str) -> bool {
    text.strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .is_some_and(|name| !name.is_empty() && !name.contains(['{', '}']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn randomize_and_seed_follow_pyxform() {
        let check = |text: &str| {
            check_randomize(&parse_parameters(text).expect("parses")).map(|s| s.map(str::to_owned))
        };
        assert_eq!(check("randomize=true"), Ok(None));
        assert_eq!(check("randomize=TRUE"), Ok(None));
        assert_eq!(check("randomize=false seed=12.5"), Ok(None));
        assert_eq!(
            check("randomize=true seed=${hh_size}"),
            Ok(Some("${hh_size}".to_owned()))
        );
        assert_eq!(check("start=1"), Ok(None));
        assert_eq!(
            check("randomize=yes"),
            Err("`randomize` must be `true` or `false`, not `yes`".into())
        );
        assert_eq!(
            check("randomize=true seed=abc"),
            Err("`seed` must be a number or a reference to a field (`${name}`), not `abc`".into())
        );
        assert_eq!(
            check("seed=3"),
            Err("`seed` needs `randomize=true` in the same parameters".into())
        );
    }

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
