//! Bearer tokens: login sessions for people, device tokens for enumerator
//! tablets. Tokens are random, shown once, and stored only as SHA-256
//! hashes, so a copy of the database cannot be used to sign in.

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::store::{DeviceToken, Role, User};

/// Prefix of login session tokens.
pub const SESSION_PREFIX: &str = "ffs_";
/// Prefix of device tokens; the prefix tells the server which table to look in.
pub const DEVICE_PREFIX: &str = "ffd_";

/// How long a login session lasts.
pub const SESSION_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;

/// A new random token: the prefix and 256 random bits in hex.
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", hex(&bytes))
}

/// The SHA-256 of `text`, in lowercase hex: how tokens and contents are stored.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Who is making a request.
#[derive(Debug, Clone)]
pub enum Principal {
    User(User),
    Device(DeviceToken),
}

impl Principal {
    /// May this principal list, download and submit to `form_id`?
    /// People may use every form; a device only the forms it is scoped to.
    pub fn may_use_form(&self, form_id: &str) -> bool {
        match self {
            Principal::User(_) => true,
            Principal::Device(device) => device.forms.iter().any(|f| f == form_id),
        }
    }

    /// Coordinators and admins also see closed forms.
    pub fn is_coordinator(&self) -> bool {
        matches!(self, Principal::User(u) if u.role >= Role::Coordinator)
    }

    /// How submissions and audit entries name this principal.
    pub fn name(&self) -> String {
        match self {
            Principal::User(user) => format!("user:{}", user.username),
            Principal::Device(device) => format!("device:{}", device.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_hex() {
        let a = new_token(DEVICE_PREFIX);
        let b = new_token(DEVICE_PREFIX);
        assert_ne!(a, b);
        assert_eq!(a.len(), DEVICE_PREFIX.len() + 64);
        assert!(a.starts_with(DEVICE_PREFIX));
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
