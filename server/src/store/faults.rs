//! Recovering from database faults without a restart.
//!
//! A pooled connection can stay broken after its cause is gone: SQLite
//! opens a database it cannot write read-only and keeps it so for the
//! connection's life (every later write: `SQLITE_READONLY`), and a
//! PostgreSQL session keeps the `default_transaction_read_only` it started
//! with. So when a query fails in a way that says "the database cannot be
//! written or reached", the time is noted here, and the pools' `before_acquire`
//! hook closes every connection opened before it: the next query opens a
//! fresh one, which works as soon as the fault is gone.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The origin of the fault times below (monotonic, process-wide).
static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);

/// Nanoseconds after [`EPOCH`] of the latest fault; 0: none yet.
static LAST_FAULT: AtomicU64 = AtomicU64::new(0);

/// Notes that a query just failed with a connection-level fault.
pub fn note_fault() {
    let nanos = u64::try_from(EPOCH.elapsed().as_nanos()).unwrap_or(u64::MAX);
    LAST_FAULT.fetch_max(nanos.max(1), Ordering::SeqCst);
}

/// Whether a connection `age` old was opened before the latest fault, and
/// so must be closed rather than reused. Process-wide: a fault on one
/// database also renews the connections of another (only tests open
/// several), which costs a reconnect and nothing else.
pub fn opened_before_fault(age: Duration) -> bool {
    let fault = LAST_FAULT.load(Ordering::SeqCst);
    if fault == 0 {
        return false;
    }
    let now = EPOCH.elapsed();
    let opened = now.saturating_sub(age);
    u128::from(fault) >= opened.as_nanos()
}

/// Is this error a fault of the database itself (cannot write, cannot
/// reach, out of space) rather than of the query?
pub fn is_fault(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        // sqlx lost track of a connection's transaction (seen after an
        // I/O error in SQLite's commit): that connection must go too.
        | sqlx::Error::InvalidSavePointStatement => true,
        sqlx::Error::Database(e) => {
            let Some(code) = e.code() else { return false };
            // SQLite reports its extended result code as a number; the
            // primary code is its low byte.
            if e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                return code.parse::<u32>().is_ok_and(|extended| {
                    // READONLY, IOERR, FULL, CANTOPEN
                    matches!(extended & 0xff, 8 | 10 | 13 | 14)
                });
            }
            // PostgreSQL SQLSTATE: read-only transaction, insufficient
            // privilege (revoked), insufficient resources (53...), operator
            // intervention (57P..: shutdown, terminated), connection
            // exceptions (08...).
            code == "25006"
                || code == "42501"
                || code.starts_with("53")
                || code.starts_with("57P")
                || code.starts_with("08")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_opened_before_a_fault_are_renewed() {
        // Opened a minute ago (or, for the test's clock, as early as possible).
        let old = EPOCH.elapsed() + Duration::from_secs(60);
        note_fault();
        assert!(opened_before_fault(old));
        std::thread::sleep(Duration::from_millis(2));
        // Opened just now, after the fault.
        assert!(!opened_before_fault(Duration::from_micros(1)));
    }
}
