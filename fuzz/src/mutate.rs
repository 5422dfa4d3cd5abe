//! Byte-level mutations, AFL-style: stacked edits of one pool entry, spliced
//! with another, with the target's dictionary of tokens.

use crate::rng::Rng;
use crate::{Input, MAX_INPUT};

/// Bytes that often sit on boundaries.
const INTERESTING: &[u8] = &[
    0, 1, 0x7f, 0x80, 0xff, b'\n', b'"', b'\'', b'(', b')', b'{', b'}', b'[', b']', b',', b'9',
    b'-', b'.', b'$',
];

/// Up to eight stacked edits of `parent`, sometimes spliced with `other`.
pub fn bytes(rng: &mut Rng, parent: &Input, other: &Input, dictionary: &[&str]) -> Input {
    let mut b = parent.bytes.clone();
    let edits = 1 << rng.below(4);
    for _ in 0..edits {
        edit(rng, &mut b, &other.bytes, dictionary);
    }
    b.truncate(MAX_INPUT);
    Input::new(parent.name.clone(), b)
}

fn edit(rng: &mut Rng, b: &mut Vec<u8>, other: &[u8], dictionary: &[&str]) {
    let len = b.len();
    let at = rng.below(len + 1);
    match rng.below(10) {
        0 if len > 0 => {
            let i = rng.below(len);
            b[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            b[i] = *rng.pick(INTERESTING);
        }
        2 | 3 if !dictionary.is_empty() => {
            let token = rng.pick(dictionary).as_bytes();
            b.splice(at..at, token.iter().copied());
        }
        4 if len > 0 => {
            // Delete a range.
            let n = rng.between(1, (len - at.min(len)).clamp(1, 64));
            let end = (at + n).min(len);
            b.drain(at.min(len)..end);
        }
        5 if len > 0 => {
            // Repeat a range: deep nesting and long lists come from here.
            let start = rng.below(len);
            let end = rng.between(start + 1, len.min(start + 32));
            let piece = b[start..end].to_vec();
            let times = if rng.chance(0.1) {
                rng.between(100, 400)
            } else {
                rng.between(1, 8)
            };
            for _ in 0..times {
                if b.len() + piece.len() > MAX_INPUT {
                    break;
                }
                b.splice(end..end, piece.iter().copied());
            }
        }
        6 if !other.is_empty() => {
            // Splice: our prefix, then a piece of the other entry.
            let from = rng.below(other.len());
            let to = rng.between(from, other.len());
            b.truncate(at);
            b.extend_from_slice(&other[from..to]);
        }
        7 => {
            let n = rng.between(1, 8);
            let random = rng.bytes(n);
            b.splice(at..at, random);
        }
        8 if len > 0 => {
            // An ASCII digit run: numbers at their limits.
            let digits = *rng.pick(&[
                "0",
                "-1",
                "99999999999999999999",
                "1e308",
                "1e-320",
                "NaN",
                "4294967296",
                "65536",
                "18446744073709551616",
            ]);
            b.splice(at..at, digits.bytes());
        }
        _ => {
            if len > 1 {
                let cut = rng.below(len);
                b.truncate(cut);
            }
        }
    }
}
