//! Accounts: password hashing (argon2id) and the first admin.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use rand::Rng;
use rand::distributions::Alphanumeric;
use sqlx::SqlitePool;

/// One-time credentials of an account created by the server itself.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

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

/// Creates the `admin` account on first start, with a random password that
/// is returned once and stored only as a hash. `None` if an admin exists.
pub async fn ensure_admin(pool: &SqlitePool) -> anyhow::Result<Option<Credentials>> {
    let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
        .fetch_one(pool)
        .await?;
    if admins > 0 {
        return Ok(None);
    }
    let password: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    let hash = hash_password(&password)?;
    sqlx::query("INSERT INTO users (username, role, password_hash) VALUES ('admin', 'admin', ?)")
        .bind(hash)
        .execute(pool)
        .await?;
    Ok(Some(Credentials {
        username: "admin".into(),
        password,
    }))
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
        let pool = crate::db::open(&url).await.expect("open");
        let creds = ensure_admin(&pool).await.expect("first").expect("created");
        assert_eq!(creds.password.len(), 20);
        assert!(ensure_admin(&pool).await.expect("second").is_none());
        let hash: String =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE username = 'admin'")
                .fetch_one(&pool)
                .await
                .expect("row");
        assert!(verify_password(&creds.password, &hash));
    }
}
