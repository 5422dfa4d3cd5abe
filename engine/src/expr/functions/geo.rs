//! `distance()` and `area()` over geopoints (`"lat lon [alt [acc]]"`),
//! geotraces and geoshapes (points joined by `;`).

use super::{Func, eval_args, flatten};
use crate::expr::ast::Expr;
use crate::expr::eval::EvalContext;
use crate::expr::value::Value;

/// JavaRosa's `GeoUtils` uses the equatorial radius.
const EARTH_RADIUS_M: f64 = 6_378_100.0;

pub(super) fn call(func: Func, args: &[Expr], ctx: &dyn EvalContext) -> Value {
    let Some(points) = points(flatten(eval_args(args, ctx))) else {
        return Value::Number(f64::NAN);
    };
    Value::Number(match func {
        Func::Distance => points.windows(2).map(|w| haversine(w[0], w[1])).sum(),
        Func::Area => area(&points),
        _ => f64::NAN,
    })
}

/// All points of all values, in order; `None` if any is malformed or
/// there are none at all (e.g. an unanswered geotrace).
fn points(values: Vec<Value>) -> Option<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    for v in values {
        for p in v.as_string().split(';') {
            if p.trim().is_empty() {
                continue;
            }
            let mut parts = p.split_whitespace().map(|x| x.parse::<f64>().ok());
            let lat = parts.next()??;
            let lon = parts.next()??;
            if parts.any(|x| x.is_none()) || lat.abs() > 90.0 || lon.abs() > 180.0 {
                return None;
            }
            out.push((lat, lon));
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Great-circle distance in metres. JavaRosa uses the spherical law of
/// cosines; haversine is the same formula, better conditioned for the short
/// distances forms measure.
fn haversine((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// Polygon area in m², JavaRosa's planar approximation around the first point.
fn area(points: &[(f64, f64)]) -> f64 {
    if points.len() < 3 {
        return 0.0;
    }
    let circumference = 2.0 * EARTH_RADIUS_M * std::f64::consts::PI;
    let (lat0, lon0) = points[0];
    let xy: Vec<(f64, f64)> = points[1..]
        .iter()
        .map(|&(lat, lon)| {
            let y = (lat - lat0) * circumference / 360.0;
            let x = (lon - lon0) * circumference * lat.to_radians().cos() / 360.0;
            (x, y)
        })
        .collect();
    let twice: f64 = xy
        .windows(2)
        .map(|w| w[0].1 * w[1].0 - w[0].0 * w[1].1)
        .sum();
    (twice / 2.0).abs()
}

#[cfg(test)]
mod tests {
    use crate::expr::testing::{Ctx, eval, eval_with};
    use crate::expr::value::Value;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn close(v: Value, expected: f64, tolerance: f64) {
        let x = v.as_number();
        assert!((x - expected).abs() <= tolerance, "{x} is not ~{expected}");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn distance_between_points() {
        // One degree of latitude on a sphere of radius 6378100 m.
        close(eval("distance('0 0 0 0;1 0 0 0')"), 111_318.845, 0.01);
        let c = Ctx::new()
            .with("p1", "-23.5505 -46.6333 760 5")
            .with("p2", "-23.5605 -46.6433")
            .with(
                "walk",
                Value::Nodeset(vec!["0 0".into(), "0 1".into(), "0 2".into()]),
            );
        let two_points = eval_with(&c, "distance(concat(${p1}, ';', ${p2}))");
        close(two_points.clone(), 1_510.121, 0.001);
        assert_eq!(eval_with(&c, "distance(${p1}, ${p2})"), two_points);
        close(eval_with(&c, "distance(${walk})"), 2.0 * 111_318.845, 0.05);
        assert_eq!(eval("distance('10 20')"), Value::Number(0.0));
        assert!(eval("distance('')").as_number().is_nan());
        assert!(eval("distance('abc;1 2')").as_number().is_nan());
        assert!(eval("distance('91 0;0 0')").as_number().is_nan());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn area_of_shape() {
        // A roughly 111 km x 111 km square at the equator.
        let sq = "area('0 0;0 1;1 1;1 0;0 0')";
        close(eval(sq), 1.2391e10, 0.002e10);
        assert_eq!(eval("area('0 0;0 1')"), Value::Number(0.0));
    }

    /// javarosa's `GeoUtilsTest`, `GeoAreaTest` and `GeoDistanceTest`
    /// (getodk/javarosa): the same numbers within the same tolerances.
    #[wasm_bindgen_test(unsupported = test)]
    fn javarosa_geo_utils_cases() {
        /// Points (latitude, longitude), area in m², distance in m.
        type Case = (&'static [(f64, f64)], f64, f64);
        let paths: [Case; 3] = [
            (
                &[
                    (38.253094215699576, 21.756382658677467),
                    (38.25021274773806, 21.756382658677467),
                    (38.25007793942195, 21.763892843919166),
                    (38.25290886154963, 21.763935759263404),
                    (38.25146813817506, 21.758421137528785),
                ],
                151_452.0,
                1_801.0,
            ),
            (
                &[
                    (38.25304740874071, 21.75644703234866),
                    (38.25308110946615, 21.763377860443143),
                    (38.25078942453431, 21.763399318115262),
                    (38.25090738066984, 21.756640151397733),
                    (38.25197740258244, 21.75892539347842),
                ],
                122_755.0,
                1_685.0,
            ),
            (
                &[
                    (38.252845204059824, 21.763313487426785),
                    (38.25303055837213, 21.755867675201443),
                    (38.25072202094234, 21.755803302185086),
                    (38.25062091543717, 21.76294870700076),
                    (38.25183417221606, 21.75692982997134),
                ],
                93_912.0,
                2_076.0,
            ),
        ];
        for (points, area, distance) in paths {
            // As a geoshape answer (`lat lon alt acc;`, ODK's trailing `;`).
            let text: String = points
                .iter()
                .map(|(lat, lon)| format!("{lat} {lon} 0 0; "))
                .collect();
            close(eval(&format!("area('{text}')")), area, 0.5);
            close(eval(&format!("distance('{text}')")), distance, 0.5);
            // As a nodeset of geopoints (a repeat's points).
            let c = Ctx::new().with(
                "points",
                Value::Nodeset(
                    points
                        .iter()
                        .map(|(lat, lon)| format!("{lat} {lon} 0 0").into())
                        .collect(),
                ),
            );
            close(eval_with(&c, "area(${points})"), area, 0.5);
            close(eval_with(&c, "distance(${points})"), distance, 0.5);
        }
        let quarter = 2.0 * std::f64::consts::PI * 6_378_100.0 / 4.0;
        close(eval("distance('0 0;0 1')"), quarter / 90.0, 1e-6);
        close(eval("distance('0 0;0 90')"), quarter, 1e-6);
        close(eval("distance('90 0;90 1')"), 0.0, 1e-6);
        // A geotrace and a closed geoshape, as javarosa's tests write them.
        close(eval("distance('0 1 0 0; 0 91 0 0;')"), quarter, 1e-7);
        close(
            eval("distance('0 1 0 0; 0 91 0 0; 0 1 0 0;')"),
            2.0 * quarter,
            1e-7,
        );
        // Fewer than three points: no area; fewer than two: no distance.
        assert_eq!(
            eval("area('38.253094215699576 21.756382658677467 0 0;')"),
            Value::Number(0.0)
        );
        assert_eq!(
            eval("distance('38.253094215699576 21.756382658677467 0 0;')"),
            Value::Number(0.0)
        );
    }
}
