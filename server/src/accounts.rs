//! Accounts: password hashing (argon2id), the first admin, new users.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use rand::Rng;
use rand::distributions::Alphanumeric;
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

use crate::store::{AuditWith, Role, Store, StoreError, User};

/// One-time credentials of an account created by the server itself.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// Shortest accepted password (the `validator` checks on requests use it too).
pub const MIN_PASSWORD_LEN: u64 = 10;

/// How many argon2 hashes or checks may run at once: half the cores, at
/// least one. Each takes about 19 MiB and a core for a while, so without a
/// bound parallel logins with made-up usernames drive memory without limit;
/// and with every core hashing, a flood of bogus logins halves ingest (the
/// load test in BENCHMARKS.md). Beyond the bound logins wait their turn,
/// which costs nothing but time.
pub fn hashing_permits() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    (cores / 2).max(1)
}

static HASHING: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(hashing_permits())));

/// Runs argon2 `work` off the async workers, at most [`hashing_permits`]
/// at once. The permit moves into the blocking task, so a request that is
/// dropped (timeout, client gone) still holds it until the hashing ends.
pub async fn bounded_hashing<T, F>(work: F) -> anyhow::Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let permit = HASHING
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| anyhow::anyhow!("password hashing is shut down: {e}"))?;
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?;
    Ok(result)
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

/// Usernames are case-insensitive (`Ana` and `ana` are one account): they
/// are stored and compared trimmed and lowercased. Names are ASCII (see
/// `http::users::valid_username`), so this agrees with SQL's `lower()`.
pub fn normalize_username(name: &str) -> String {
    name.trim().to_lowercase()
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
    create_user_audited(store, username, role, password, None).await
}

/// [`create_user`] with the audit row `audit` builds written in the same
/// transaction as the account.
pub async fn create_user_audited(
    store: &dyn Store,
    username: &str,
    role: Role,
    password: &str,
    audit: AuditWith<'_, User>,
) -> anyhow::Result<Result<User, StoreError>> {
    let password = password.to_owned();
    let hash = bounded_hashing(move || hash_password(&password)).await??;
    Ok(store
        .create_user_audited(&normalize_username(username), role, &hash, audit)
        .await)
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

    /// Issue 12, item 4: however many checks are asked for at once, no
    /// more than one per core run together.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn hashing_runs_at_most_one_per_core() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..4 * hashing_permits() + 4)
            .map(|_| {
                let (running, peak) = (running.clone(), peak.clone());
                tokio::spawn(bounded_hashing(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for task in tasks {
            task.await.expect("joined").expect("hashed");
        }
        let peak = peak.load(Ordering::SeqCst);
        assert!(
            (1..=hashing_permits()).contains(&peak),
            "{peak} ran at once"
        );
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
