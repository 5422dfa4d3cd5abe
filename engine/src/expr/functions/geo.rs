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
}
