//! A QR code as SVG, for the enrolment link a tablet scans: encoded in
//! Rust (`qrcodegen`, no dependencies) and drawn as one `<path>`, a run of
//! dark modules per segment, inside the standard quiet zone.

use leptos::prelude::*;
use qrcodegen::{QrCode, QrCodeEcc};

/// Light modules around the code, as the standard asks (ISO/IEC 18004).
const QUIET_ZONE: usize = 4;

/// The modules of `text`'s QR code: its side, and each module row by row
/// (true = dark). Medium error correction: a link of ~90 characters fits
/// a 37-module code that a tablet camera reads from a screen.
pub fn modules(text: &str) -> Option<(usize, Vec<bool>)> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let side = usize::try_from(code.size()).ok()?;
    let size = code.size();
    let dark = (0..size)
        .flat_map(|y| (0..size).map(move |x| (x, y)))
        .map(|(x, y)| code.get_module(x, y))
        .collect();
    Some((side, dark))
}

/// The SVG path of the dark modules, the quiet zone included in the
/// offsets: `M{x} {y}h{run}v1h-{run}z` per horizontal run.
pub fn path(side: usize, dark: &[bool]) -> String {
    let mut d = String::new();
    for (y, row) in dark.chunks(side).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < row.len() && row[x] {
                x += 1;
            }
            let run = x - start;
            d.push_str(&format!(
                "M{} {}h{run}v1h-{run}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE
            ));
        }
    }
    d
}

/// `text` as a QR code, scaled to its box (`label` is its accessible
/// name); nothing when the text is too long for any QR version.
#[component]
pub fn QrSvg(text: String, label: String) -> impl IntoView {
    modules(&text).map(|(side, dark)| {
        let full = side + 2 * QUIET_ZONE;
        let view_box = format!("0 0 {full} {full}");
        view! {
            <svg class="qr" role="img" aria-label=label viewBox=view_box
                xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">
                <rect width=full height=full fill="#fff" />
                <path d=path(side, &dark) fill="#000" />
            </svg>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{QUIET_ZONE, modules, path};

    #[test]
    fn draws_runs_inside_the_quiet_zone() {
        let dark = [true, true, false, false, true, false, false, false, true];
        assert_eq!(path(3, &dark), "M4 4h2v1h-2zM5 5h1v1h-1zM6 6h1v1h-1z");
        assert_eq!(path(2, &[false; 4]), "");
    }

    #[test]
    fn encodes_a_provisioning_link() {
        let link = "https://fieldform.example.org/#/provision?token=ffd_0123456789abcdef0123456789abcdef0123456789ab";
        let (side, dark) = modules(link).expect("fits");
        assert_eq!(dark.len(), side * side);
        // Version 5 (37 modules) holds ~100 bytes at medium correction.
        assert!((21..=41).contains(&side), "{side}");
        // The three finder patterns: dark 7×7 corners.
        for (x, y) in [(0, 0), (side - 7, 0), (0, side - 7)] {
            assert!(dark[y * side + x] && dark[(y + 6) * side + x + 6]);
        }
        let d = path(side, &dark);
        assert!(
            d.starts_with(&format!("M{QUIET_ZONE} {QUIET_ZONE}h7")),
            "{d}"
        );
        assert!(modules(&"x".repeat(3000)).is_none());
    }
}
