//! ramp's domain: the rules of AppConfig as ramp implements them, over a [`store::Store`] and a
//! [`ramp_clock::Clock`]. No HTTP, no SQL (ARCHITECTURE.md invariants).

pub mod entities;
pub mod store;
