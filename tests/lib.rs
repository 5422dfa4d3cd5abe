//! Cross-crate tests live in `cross_crate/`; browser end-to-end tests in `e2e/`.
