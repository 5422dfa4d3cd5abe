//! Offline support: the service worker (`public/sw.js`, completed at build
//! time by `tools/precache.mjs`) caches the app shell. Registering it also
//! watches for new versions, which wait for the enumerator
//! (`crate::device::update`).

pub use crate::device::update::register_service_worker;
