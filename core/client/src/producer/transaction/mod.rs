//! Transactional messages (placeholder).
