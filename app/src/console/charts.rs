//! The console's pictures of a form's submissions, for the table's
//! filters (`GET /api/forms/{id}/submissions/summary`): received per day,
//! per sender and by review status, drawn by the app as SVG bar charts (no
//! chart library, nothing fetched from elsewhere). Each chart has a text
//! alternative naming every bar's count.

use gloo_net::http::Method;
use leptos::prelude::*;
use serde_json::Value;

use super::Ctx;
use super::client::{Body, call, encode};
use super::sub_words::{S, s, status_word};
use super::submissions::{Filters, refusal};

/// The drawing's width in SVG units (it scales to its box).
const WIDTH: f64 = 600.0;
/// Height of the per-day chart's bars area.
const DAY_HEIGHT: f64 = 140.0;
/// The longest horizontal bar, in its drawing's units.
const BAR_SPACE: f64 = 100.0;

/// `(year, month, day)` of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
pub fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `2026-03-02`.
pub fn iso_day(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The bars of the per-day chart: `(x, y, width, height)` for each
/// count, consecutive days side by side (days without any are gaps).
pub fn day_bars(points: &[(i64, i64)]) -> Vec<(f64, f64, f64, f64)> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Vec::new();
    };
    let span = (last.0 - first.0 + 1).max(1) as f64;
    let max = points.iter().map(|p| p.1).max().unwrap_or(1).max(1) as f64;
    let width = WIDTH / span;
    points
        .iter()
        .map(|&(day, count)| {
            let height = DAY_HEIGHT * count as f64 / max;
            let x = (day - first.0) as f64 * width;
            (x, DAY_HEIGHT - height, (width - 1.0).max(1.0), height)
        })
        .collect()
}

/// A horizontal bar's length for `count` of `max`.
pub fn bar_length(count: i64, max: i64) -> f64 {
    BAR_SPACE * count as f64 / max.max(1) as f64
}

#[component]
pub(super) fn SummaryCharts(ctx: Ctx, form: String, filters: RwSignal<Filters>) -> impl IntoView {
    let lang = ctx.lang.clone();
    let summary: RwSignal<Option<Result<Value, String>>> = RwSignal::new(None);
    let load_ctx = ctx.clone();
    Effect::new(move |_| {
        let path = format!(
            "/api/forms/{}/submissions/summary?{}",
            encode(&form),
            filters.get().query().trim_start_matches('&')
        );
        let ctx = load_ctx.clone();
        leptos::task::spawn_local(async move {
            let answer = call(Method::GET, &path, Body::None)
                .await
                .map_err(|f| refusal(&ctx, &f));
            summary.try_set(Some(answer));
        });
    });
    let body_lang = lang.clone();
    let body = move || {
        let lang = body_lang.clone();
        match summary.get() {
            None => None,
            Some(Err(message)) => {
                Some(view! { <p class="status error" role="alert">{message}</p> }.into_any())
            }
            Some(Ok(value)) => {
                let pairs = |key: &str| -> Vec<(String, i64)> {
                    value[key]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|p| {
                            let label = match &p[0] {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            };
                            Some((label, p[1].as_i64()?))
                        })
                        .collect()
                };
                let days: Vec<(i64, i64)> = value["per_day"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| Some((p[0].as_i64()?, p[1].as_i64()?)))
                    .collect();
                if days.is_empty() {
                    return None;
                }
                let senders = pairs("per_submitter");
                let statuses: Vec<(String, i64, String)> = pairs("per_review")
                    .into_iter()
                    .map(|(status, n)| (status_word(&status, &lang).to_owned(), n, status))
                    .collect();
                Some(
                    view! {
                        <div class="charts">
                            {per_day(&days, &lang)}
                            {horizontal("senders", s(S::PerSender, &lang), senders.into_iter().map(|(w, n)| (w, n, String::new())).collect())}
                            {horizontal("statuses", s(S::PerStatus, &lang), statuses)}
                        </div>
                    }
                    .into_any(),
                )
            }
        }
    };
    view! {
        <section class="submission-charts">
            <h4>{s(S::Charts, &lang)}</h4>
            {body}
        </section>
    }
}

/// Vertical bars, one per day, the first and last day and the highest
/// count written along the axes.
fn per_day(days: &[(i64, i64)], lang: &str) -> impl IntoView + use<> {
    let title = s(S::PerDay, lang);
    let max = days.iter().map(|d| d.1).max().unwrap_or(0);
    let described = days
        .iter()
        .map(|(day, n)| format!("{}: {n}", iso_day(*day)))
        .collect::<Vec<_>>()
        .join(", ");
    let bars = day_bars(days)
        .into_iter()
        .zip(days.iter())
        .map(|((x, y, w, h), (day, n))| {
            view! {
                <rect class="bar" x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{w:.1}") height=format!("{h:.1}")>
                    <title>{format!("{}: {n}", iso_day(*day))}</title>
                </rect>
            }
        })
        .collect_view();
    let first = days.first().map(|d| iso_day(d.0)).unwrap_or_default();
    let last = days.last().map(|d| iso_day(d.0)).unwrap_or_default();
    let height = DAY_HEIGHT + 45.0;
    view! {
        <figure class="chart per-day">
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("-50 -15 {} {height}", WIDTH + 60.0) role="img" aria-label=format!("{title}: {described}") style="direction: ltr">
                <line class="axis" x1="0" y1=DAY_HEIGHT x2=WIDTH y2=DAY_HEIGHT />
                <text class="tick" x="-6" y="6" text-anchor="end">{max}</text>
                <text class="tick" x="-6" y=DAY_HEIGHT text-anchor="end">"0"</text>
                {bars}
                <text class="tick" x="0" y=DAY_HEIGHT + 26.0 text-anchor="start">{first}</text>
                <text class="tick" x=WIDTH y=DAY_HEIGHT + 26.0 text-anchor="end">{last}</text>
            </svg>
        </figure>
    }
}

/// Horizontal bars: `(label, count, class)` per row. The labels and
/// counts are the page's text (readable, selectable, and checked for
/// contrast like the rest); only the bars are drawn.
fn horizontal(
    name: &'static str,
    title: &'static str,
    rows: Vec<(String, i64, String)>,
) -> impl IntoView + use<> {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
    let items = rows
        .into_iter()
        .map(|(label, n, class)| {
            let length = bar_length(n, max);
            view! {
                <li class="hbar-row">
                    <span class="label">{label}</span>
                    <svg class="hbar" viewBox=format!("0 0 {} 10", BAR_SPACE) preserveAspectRatio="none" aria-hidden="true">
                        <rect class=format!("bar {class}") x="0" y="0" width=format!("{:.1}", length.max(0.5)) height="10" />
                    </svg>
                    <span class="count">{n}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <figure class=format!("chart {name}")>
            <figcaption>{title}</figcaption>
            <ul class="hbars">{items}</ul>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::{bar_length, day_bars, iso_day};

    #[test]
    fn days_since_1970_are_dates() {
        assert_eq!(iso_day(0), "1970-01-01");
        assert_eq!(iso_day(20514), "2026-03-02");
        assert_eq!(iso_day(19782), "2024-02-29");
        assert_eq!(iso_day(-1), "1969-12-31");
    }

    #[test]
    fn bars_are_proportional_and_days_keep_their_place() {
        let bars = day_bars(&[(10, 2), (12, 4)]);
        assert_eq!(bars.len(), 2);
        // Three days wide: the second bar is in the third slot.
        assert_eq!(bars[0].0, 0.0);
        assert_eq!(bars[1].0, 400.0);
        assert_eq!(bars[1].3, 140.0, "the highest fills the height");
        assert_eq!(bars[0].3, 70.0);
        assert_eq!(bars[0].1 + bars[0].3, 140.0, "bars stand on the axis");
        assert!(day_bars(&[]).is_empty());
        assert_eq!(bar_length(0, 0), 0.0);
        assert_eq!(bar_length(5, 10) * 2.0, bar_length(10, 10));
    }
}
