//! `digest()`, `base64-decode()` and `extract-signed()`.
//!
//! As in JavaRosa: text is hashed and decoded as UTF-8; `digest` takes
//! MD5, SHA-1, SHA-256, SHA-384 or SHA-512 (case and dashes ignored) and
//! encodes as `base64` (the default) or `hex`. Where JavaRosa throws (an
//! unknown algorithm or encoding in a value known only at run time) we give
//! `""`, like every other run-time problem; literal names are checked when
//! the form loads (`check_digest_arguments`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::Digest;

use super::arg;
use crate::expr::ast::Expr;
use crate::expr::eval::EvalContext;
use crate::expr::value::Value;

/// Ed25519 signatures are 64 bytes, public keys 32.
const SIGNATURE_LENGTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    /// `SHA-256`, `sha256`, `Sha-256` ... as JavaRosa reads them.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name.replace('-', "").to_ascii_uppercase().as_str() {
            "MD5" => Some(Self::Md5),
            "SHA1" => Some(Self::Sha1),
            "SHA256" => Some(Self::Sha256),
            "SHA384" => Some(Self::Sha384),
            "SHA512" => Some(Self::Sha512),
            _ => None,
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Md5 => md5::Md5::digest(data).to_vec(),
            Self::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Base64,
    Hex,
}

impl Encoding {
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "base64" => Some(Self::Base64),
            "hex" => Some(Self::Hex),
            _ => None,
        }
    }

    fn encode(self, bytes: &[u8]) -> String {
        match self {
            Self::Base64 => STANDARD.encode(bytes),
            Self::Hex => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
}

/// `digest(data, algorithm, encoding?)`.
pub(super) fn digest(args: &[Expr], ctx: &dyn EvalContext) -> Value {
    let data = arg(args, 0, ctx).as_string();
    let Some(algorithm) = Algorithm::from_name(&arg(args, 1, ctx).as_string()) else {
        return Value::empty();
    };
    let encoding = match args.get(2) {
        None => Some(Encoding::Base64),
        Some(_) => Encoding::from_name(&arg(args, 2, ctx).as_string()),
    };
    match encoding {
        Some(e) => Value::String(e.encode(&algorithm.digest(data.as_bytes()))),
        None => Value::empty(),
    }
}

/// Base64 as JavaRosa's decoder takes it: whitespace ignored, padding
/// optional. `None` if it is not base64.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let unpadded = compact.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(unpadded)
        .ok()
}

/// `base64-decode(text)`: the UTF-8 text encoded; `""` if the input is
/// not base64. Invalid UTF-8 becomes U+FFFD, as in Java's `new String`.
pub(super) fn base64_decode(args: &[Expr], ctx: &dyn EvalContext) -> Value {
    let text = arg(args, 0, ctx).as_string();
    match decode_base64(&text) {
        Some(bytes) => Value::String(String::from_utf8_lossy(&bytes).into_owned()),
        None => Value::empty(),
    }
}

/// `extract-signed(message, public_key)`: `message` is the base64 of an
/// Ed25519 signature (64 bytes) followed by the signed UTF-8 text,
/// `public_key` the base64 of the 32-byte key. The text if the signature
/// verifies, else `""` (as in JavaRosa, also for an empty text).
pub(super) fn extract_signed(args: &[Expr], ctx: &dyn EvalContext) -> Value {
    let message = arg(args, 0, ctx).as_string();
    let key = arg(args, 1, ctx).as_string();
    Value::String(verified(&message, &key).unwrap_or_default())
}

fn verified(message: &str, key: &str) -> Option<String> {
    let contents = decode_base64(message)?;
    let key = ed25519_compact::PublicKey::from_slice(&decode_base64(key)?).ok()?;
    if contents.len() < SIGNATURE_LENGTH {
        return None;
    }
    let (signature, text) = contents.split_at(SIGNATURE_LENGTH);
    let signature = ed25519_compact::Signature::from_slice(signature).ok()?;
    key.verify(text, &signature).ok()?;
    Some(String::from_utf8_lossy(text).into_owned())
}

#[cfg(test)]
mod tests {
    use crate::expr::testing::{Ctx, eval, eval_str, eval_with};
    use crate::expr::value::Value;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn digests() {
        // JavaRosa's XPathEvalTest values.
        for (algorithm, expected) in [
            ("MD5", "VS4hzUzZkYZ448Gg30kbww=="),
            ("SHA-1", "N6pjx3OY2VRHMmLhoAV8HmMu2nc="),
            ("SHA-256", "uU9vElx546X/qoJvWEwQ1SraZp5nYgUbgmtVd20FrtI="),
            (
                "SHA-384",
                "zJTsPphzwLmnJIZEKVj2cQZ833e5QnQW0DFEDMYgQeLuE0RJhEfsDO2fcENGG9Hz",
            ),
            (
                "SHA-512",
                "4nMrrtyj6sFAeChjfeHbynAsP8ns4Wz1Nt241hOc2F3+dGS4I1spgm9gjM9KxkPimxnGN4WKPYcQpZER30LdtQ==",
            ),
        ] {
            assert_eq!(
                eval_str(&format!("digest('some text', '{algorithm}', 'base64')")),
                expected,
                "{algorithm}"
            );
        }
        assert_eq!(
            eval_str("digest('some text', 'MD5', 'hex')"),
            "552e21cd4cd9918678e3c1a0df491bc3"
        );
        assert_eq!(
            eval_str("digest('some text', 'md5')"),
            "VS4hzUzZkYZ448Gg30kbww=="
        );
        assert_eq!(
            eval_str("digest('', 'sha256', 'HEX')"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // UTF-8, as JavaRosa hashes text.
        assert_eq!(
            eval_str("digest('é', 'SHA-1', 'hex')"),
            "bf15be717ac1b080b4f1c456692825891ff5073d"
        );
        // Names known only at run time that name nothing: "".
        let c = Ctx::new().with("alg", "SHA-3").with("enc", "base32");
        assert_eq!(eval_with(&c, "digest('x', ${alg})"), Value::from(""));
        assert_eq!(eval_with(&c, "digest('x', 'MD5', ${enc})"), Value::from(""));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn base64_decoding() {
        assert_eq!(
            eval_str("base64-decode('SGVsbG8sIHdvcmxkIQ==')"),
            "Hello, world!"
        );
        assert_eq!(
            eval_str("base64-decode('SGVsbG8sIHdvcmxkIQ')"),
            "Hello, world!"
        );
        assert_eq!(eval_str("base64-decode('SGVs bG8=\n')"), "Hello");
        assert_eq!(eval_str("base64-decode('w6lsw6h2ZQ==')"), "élève");
        assert_eq!(eval_str("base64-decode('')"), "");
        assert_eq!(eval_str("base64-decode('not base64!')"), "");
        // Bytes that are not UTF-8 become U+FFFD.
        assert_eq!(eval_str("base64-decode('/w==')"), "\u{fffd}");
        assert!(
            !eval("base64-decode(digest('a', 'MD5'))")
                .as_string()
                .is_empty()
        );
    }

    fn b64(bytes: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// A message as ODK expects it: base64 of signature then text.
    fn signed(text: &str, key: &ed25519_compact::KeyPair) -> String {
        let signature = key.sk.sign(text.as_bytes(), None);
        b64(&[signature.as_ref(), text.as_bytes()].concat())
    }

    fn extract(message: &str, key: &str) -> Value {
        let c = Ctx::new().with("m", message).with("k", key);
        eval_with(&c, "extract-signed(${m}, ${k})")
    }

    /// JavaRosa's `ExtractSignedTest`, with fixed keys.
    #[wasm_bindgen_test(unsupported = test)]
    fn extract_signed() {
        use ed25519_compact::{KeyPair, Seed};
        let key = KeyPair::from_seed(Seed::new([7; 32]));
        let other = KeyPair::from_seed(Seed::new([8; 32]));
        let public = b64(key.pk.as_ref());
        let text = "real genuine data";
        assert_eq!(extract(&signed(text, &key), &public), Value::from(text));
        assert_eq!(extract(&signed("🎃", &key), &public), Value::from("🎃"));
        // Signed by another key, too short, an empty text, bad keys: "".
        assert_eq!(extract(&signed(text, &other), &public), Value::from(""));
        assert_eq!(extract("blah", &public), Value::from(""));
        assert_eq!(extract(&signed("", &key), &public), Value::from(""));
        assert_eq!(extract(&signed(text, &key), &b64(b"blah")), Value::from(""));
        let uuid = "0b8d3a3c-5d0e-4b57-9d0e-4b579d0e4b57";
        assert_eq!(
            extract(&signed(text, &key), &b64(uuid.as_bytes())),
            Value::from("")
        );
        // A tampered text fails.
        let mut bytes = [key.sk.sign(text, None).as_ref(), text.as_bytes()].concat();
        bytes[70] ^= 1;
        assert_eq!(extract(&b64(&bytes), &public), Value::from(""));
    }

    /// RFC 8032, section 7.1, test 2: the one-byte message "r".
    #[wasm_bindgen_test(unsupported = test)]
    fn extract_signed_rfc_8032_vector() {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
                .collect()
        };
        let public = hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
        let signature = hex(
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da\
             085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        );
        let message = b64(&[signature.as_slice(), b"r"].concat());
        assert_eq!(extract(&message, &b64(&public)), Value::from("r"));
    }
}
