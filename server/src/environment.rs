//! The engine's view of the outside world on the server: the system clock,
//! the OS random source, and this host as the "device".

use fieldform_engine::env::Environment;
use rand::Rng;

/// [`Environment`] backed by the system clock and the OS random source.
#[derive(Debug, Clone)]
pub struct SystemEnvironment {
    /// Reported as the `username` metadata (the server's own evaluations).
    pub username: String,
}

impl Default for SystemEnvironment {
    fn default() -> Self {
        Self {
            username: "fieldform-server".into(),
        }
    }
}

impl Environment for SystemEnvironment {
    fn now_millis(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    }

    fn utc_offset_minutes(&self) -> i32 {
        // Servers work in UTC; devices report their own offset.
        0
    }

    fn random(&self) -> f64 {
        rand::thread_rng().r#gen::<f64>()
    }

    fn uuid(&self) -> String {
        fieldform_engine::response::uuid_v7(self)
    }

    fn device_id(&self) -> String {
        "server".into()
    }

    fn username(&self) -> String {
        self.username.clone()
    }
}
