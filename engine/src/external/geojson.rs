//! GeoJSON attachments as ODK reads them: one `FeatureCollection` whose
//! features are `Point`, `LineString` or `Polygon`. Each feature is an item
//! with the columns `geometry` (ODK's format: `lat lon alt acc`, points of a
//! line or shape separated by `; `), `id` (the feature's top-level `id`,
//! else its `id` property) and every property (numbers and booleans as
//! their JSON text, `null` as empty).

use serde_json::Value as Json;

use super::{AttachmentError, Dataset, limits};

pub(super) fn parse(file: &str, text: &str) -> Result<Dataset, AttachmentError> {
    let malformed = |problem: String| AttachmentError::Malformed {
        file: file.to_owned(),
        problem,
    };
    let doc: Json = serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
    if doc.get("type").and_then(Json::as_str) != Some("FeatureCollection") {
        return Err(malformed(
            "the top level must be a `FeatureCollection`".into(),
        ));
    }
    let Some(features) = doc.get("features").and_then(Json::as_array) else {
        return Err(malformed(
            "a FeatureCollection needs a `features` array".into(),
        ));
    };
    if features.len() > limits::MAX_ROWS {
        return Err(AttachmentError::TooLarge {
            file: file.to_owned(),
            what: format!("more than {} features", limits::MAX_ROWS),
        });
    }
    let mut columns: Vec<String> = vec!["geometry".into(), "id".into()];
    let mut rows = Vec::with_capacity(features.len());
    for (i, feature) in features.iter().enumerate() {
        let at = |problem: &str| malformed(format!("feature {}: {problem}", i + 1));
        let geometry = feature
            .get("geometry")
            .ok_or_else(|| at("no `geometry`"))
            .and_then(|g| odk_geometry(g).map_err(|e| at(&e)))?;
        let properties = feature.get("properties").and_then(Json::as_object);
        let id = feature
            .get("id")
            .or_else(|| properties.and_then(|p| p.get("id")))
            .map(cell)
            .unwrap_or_default();
        let mut row = vec![geometry, id];
        for (key, value) in properties.into_iter().flatten() {
            if key == "id" || key == "geometry" {
                continue;
            }
            let index = match columns.iter().position(|c| c == key) {
                Some(c) => c,
                None => {
                    if columns.len() >= limits::MAX_COLUMNS {
                        return Err(at(&format!("more than {} properties", limits::MAX_COLUMNS)));
                    }
                    columns.push(key.clone());
                    columns.len() - 1
                }
            };
            if row.len() <= index {
                row.resize(index + 1, String::new());
            }
            row[index] = cell(value);
        }
        rows.push(row);
    }
    Dataset::new(file, "root", "item", columns, rows)
}

fn cell(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A GeoJSON geometry in ODK's text format.
fn odk_geometry(g: &Json) -> Result<String, String> {
    let coords = g.get("coordinates");
    let kind = g.get("type").and_then(Json::as_str).unwrap_or_default();
    let points: Vec<&Json> = match kind {
        "Point" => coords.into_iter().collect(),
        "LineString" => coords
            .and_then(Json::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        // ODK shapes have one ring: the outer one.
        "Polygon" => coords
            .and_then(Json::as_array)
            .and_then(|rings| rings.first())
            .and_then(Json::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        other => {
            return Err(format!(
                "geometry type `{other}` is not supported (Point, LineString or Polygon)"
            ));
        }
    };
    if points.is_empty() {
        return Err(format!("a {kind} without coordinates"));
    }
    let mut out = Vec::with_capacity(points.len());
    for p in points {
        let n: Vec<f64> = p
            .as_array()
            .map(|a| a.iter().filter_map(Json::as_f64).collect())
            .unwrap_or_default();
        let [lon, lat, rest @ ..] = n.as_slice() else {
            return Err("a position needs a longitude and a latitude".into());
        };
        let alt = rest.first().copied().unwrap_or(0.0);
        out.push(format!("{} {} {} 0", num(*lat), num(*lon), num(alt)));
    }
    Ok(out.join("; "))
}

fn num(n: f64) -> String {
    crate::expr::value::format_number(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn features_become_items() {
        let d = parse(
            "museums.geojson",
            r#"{"type": "FeatureCollection", "features": [
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [7.0801379, 46.5841618]},
                 "properties": {"id": "fs87b", "title": "HR Giger Museum", "annual_visits": 40000, "open": true, "note": null}},
                {"type": "Feature", "id": 7, "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4, 5]]},
                 "properties": {"title": "Path"}},
                {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}
            ]}"#,
        )
        .expect("parses");
        assert_eq!(d.len(), 3);
        assert_eq!(d.cell(0, "geometry"), Some("46.5841618 7.0801379 0 0"));
        assert_eq!(d.cell(0, "id"), Some("fs87b"));
        assert_eq!(d.cell(0, "title"), Some("HR Giger Museum"));
        assert_eq!(d.cell(0, "annual_visits"), Some("40000"));
        assert_eq!(d.cell(0, "open"), Some("true"));
        assert_eq!(d.cell(0, "note"), Some(""));
        assert_eq!(d.cell(1, "id"), Some("7"));
        assert_eq!(d.cell(1, "geometry"), Some("2 1 0 0; 4 3 5 0"));
        assert_eq!(
            d.cell(2, "geometry"),
            Some("0 0 0 0; 0 1 0 0; 1 1 0 0; 0 0 0 0")
        );
        assert_eq!(d.cell(2, "title"), Some(""));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn other_shapes_are_refused() {
        let err = |t: &str| parse("g.geojson", t).expect_err("refused").to_string();
        assert_eq!(
            err(r#"{"type": "Feature"}"#),
            "attachment `g.geojson` is malformed: the top level must be a `FeatureCollection`"
        );
        assert_eq!(
            err(
                r#"{"type": "FeatureCollection", "features": [{"geometry": {"type": "MultiPoint", "coordinates": []}}]}"#
            ),
            "attachment `g.geojson` is malformed: feature 1: geometry type `MultiPoint` is not supported (Point, LineString or Polygon)"
        );
        assert!(err("{").starts_with("attachment `g.geojson` is malformed: EOF"));
    }
}
