//! Accounts: password hashing (argon2id), the first admin, new users.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use rand::Rng;
use rand::distributions::Alphanumeric;

use crate::store::{Role, Store, StoreError, User};

/// One-time credentials of an account created by the server itself.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// Shortest accepted password (the `validator` checks on requests use it too).
pub const MIN_PASSWORD_LEN: u64 = 10;

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random password for accounts created without one.
pub fn random_password() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

/// Creates the `admin` account on first start, with a random password that
/// is returned once and stored only as a hash. `None` if an admin exists.
pub async fn ensure_admin(store: &dyn Store) -> anyhow::Result<Option<Credentials>> {
    if store.count_admins().await? > 0 {
        return Ok(None);
    }
    let password = random_password();
    let hash = hash_password(&password)?;
    match store.create_user("admin", Role::Admin, &hash).await {
        Ok(_) => Ok(Some(Credentials {
            username: "admin".into(),
            password,
        })),
        // Another server sharing the database created it first.
        Err(StoreError::UsernameTaken(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Creates an account; hashing runs off the async workers (argon2 is slow on purpose).
pub async fn create_user(
    store: &dyn Store,
    username: &str,
    role: Role,
    password: &str,
) -> anyhow::Result<Result<User, StoreError>> {
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await??;
    Ok(store.create_user(username, role, &hash).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_the_right_password() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[tokio::test]
    async fn first_admin_is_created_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = crate::store::open(&url).await.expect("open");
        let creds = ensure_admin(store.as_ref())
            .await
            .expect("first")
            .expect("created");
        assert_eq!(creds.password.len(), 20);
        assert!(
            ensure_admin(store.as_ref())
                .await
                .expect("second")
                .is_none()
        );
        let admin = store.find_user("admin").await.expect("query").expect("row");
        assert!(verify_password(&creds.password, &admin.password_hash));
        assert_eq!(admin.user.role, Role::Admin);
    }
}
