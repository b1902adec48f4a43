//! kubegate: an offline playground of the Kubernetes API server's request pipeline.
//!
//! [`sim`] is the engine (pure Rust, no browser dependencies); `ui` is the Yew
//! single-page app that renders the engine's traces in the browser.

pub mod examples;
pub mod share;
pub mod sim;

pub mod ui;
